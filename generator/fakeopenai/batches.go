package fakeopenai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// The Batch API: POST /v1/files (multipart, purpose "batch"),
// POST /v1/batches, GET /v1/batches/{id} and GET /v1/files/{id}/content.
//
// Each GET of a batch moves it one step along BatchStatuses (by default
// validating, in_progress, finalizing, completed). When it reaches
// "completed", every line of its input file is answered as a chat request
// would be (through the server's Handler, then Default), and the answers
// are written to an output file (status 200) and an error file (any other
// status). A batch that reaches "failed" carries BatchErrors.

// Upload is one file uploaded to POST /v1/files.
type Upload struct {
	ID, Name, Purpose string
	Content           []byte
}

// BatchError is an entry of a failed batch's errors.
type BatchError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    *int   `json:"line,omitempty"`
}

// BatchCreate is the body of a POST /v1/batches.
type BatchCreate struct {
	InputFileID      string         `json:"input_file_id"`
	Endpoint         string         `json:"endpoint"`
	CompletionWindow string         `json:"completion_window"`
	Metadata         map[string]any `json:"metadata"`
}

type fakeBatch struct {
	create   BatchCreate
	id       string
	step     int
	status   string
	output   string
	errorsID string
	counts   [3]int // total, completed, failed
}

type batchAPI struct {
	// BatchStatuses are the statuses a batch goes through, one per GET;
	// nil means validating, in_progress, finalizing, completed.
	BatchStatuses []string
	// BatchErrors are the errors of a batch that ends "failed".
	BatchErrors []BatchError

	uploads  []Upload
	files    map[string][]byte
	batches  map[string]*fakeBatch
	creates  []BatchCreate
	lineReqs []*Request
	polls    int
}

// SetBatchScript sets the statuses a batch goes through (one per GET) and
// the errors of a failed one. Call it before the batch is created.
func (s *Server) SetBatchScript(statuses []string, errs []BatchError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.BatchStatuses, s.BatchErrors = statuses, errs
}

// Uploads returns the files uploaded so far.
func (s *Server) Uploads() []Upload {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Upload(nil), s.uploads...)
}

// BatchCreates returns the bodies of the POST /v1/batches received.
func (s *Server) BatchCreates() []BatchCreate {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]BatchCreate(nil), s.creates...)
}

// BatchLines returns the input lines answered so far, as chat requests
// (N is the line's position in its file).
func (s *Server) BatchLines() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.lineReqs...)
}

// Polls is the number of GET /v1/batches/{id} received.
func (s *Server) Polls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.polls
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func notFound(w http.ResponseWriter, what string) {
	writeJSON(w, http.StatusNotFound, map[string]any{"error": map[string]any{"message": "No such " + what, "type": "invalid_request_error"}})
}

// serveBatchAPI answers the files and batches endpoints; it returns false
// for other paths.
func (s *Server) serveBatchAPI(w http.ResponseWriter, r *http.Request, req *Request) bool {
	path := strings.TrimPrefix(r.URL.Path, "/v1")
	switch {
	case r.Method == http.MethodPost && path == "/files":
		s.upload(w, r, req)
	case r.Method == http.MethodPost && path == "/batches":
		s.createBatch(w, req)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/batches/"):
		s.getBatch(w, strings.TrimPrefix(path, "/batches/"))
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/files/") && strings.HasSuffix(path, "/content"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/files/"), "/content")
		s.mu.Lock()
		data, ok := s.files[id]
		s.mu.Unlock()
		if !ok {
			notFound(w, "file "+id)
			return true
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(data)
	default:
		return false
	}
	return true
}

func (s *Server) upload(w http.ResponseWriter, r *http.Request, req *Request) {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"message": "expected multipart/form-data", "type": "invalid_request_error"}})
		return
	}
	mr := multipart.NewReader(bytes.NewReader(req.Raw), params["boundary"])
	var up Upload
	for {
		part, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(part)
		switch part.FormName() {
		case "purpose":
			up.Purpose = string(data)
		case "file":
			up.Name, up.Content = part.FileName(), data
		}
	}
	if up.Purpose != "batch" || up.Content == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{"message": fmt.Sprintf("want a file with purpose batch, got purpose %q", up.Purpose), "type": "invalid_request_error"}})
		return
	}
	s.mu.Lock()
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	up.ID = fmt.Sprintf("file-in%d", len(s.uploads)+1)
	s.files[up.ID] = up.Content
	s.uploads = append(s.uploads, up)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"id": up.ID, "object": "file", "bytes": len(up.Content), "created_at": 1700000000,
		"filename": up.Name, "purpose": up.Purpose, "status": "processed",
	})
}

func (s *Server) createBatch(w http.ResponseWriter, req *Request) {
	var c BatchCreate
	json.Unmarshal(req.Raw, &c)
	s.mu.Lock()
	s.creates = append(s.creates, c)
	_, ok := s.files[c.InputFileID]
	if !ok {
		s.mu.Unlock()
		notFound(w, "file "+c.InputFileID)
		return
	}
	if s.batches == nil {
		s.batches = map[string]*fakeBatch{}
	}
	b := &fakeBatch{create: c, id: fmt.Sprintf("batch_%d", len(s.batches)+1), status: "validating"}
	s.batches[b.id] = b
	out := b.json()
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getBatch(w http.ResponseWriter, id string) {
	s.mu.Lock()
	s.polls++
	b, ok := s.batches[id]
	if !ok {
		s.mu.Unlock()
		notFound(w, "batch "+id)
		return
	}
	statuses := s.BatchStatuses
	if statuses == nil {
		statuses = []string{"validating", "in_progress", "finalizing", "completed"}
	}
	if b.step < len(statuses) && !terminal(b.status) {
		b.status = statuses[b.step]
		b.step++
	}
	needRun := b.status == "completed" && b.output == ""
	s.mu.Unlock()
	if needRun {
		s.runBatch(b)
	}
	s.mu.Lock()
	out := b.json()
	if b.status == "failed" {
		out["errors"] = map[string]any{"object": "list", "data": s.BatchErrors}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func terminal(status string) bool {
	switch status {
	case "completed", "failed", "expired", "cancelled":
		return true
	}
	return false
}

// runBatch answers every line of the batch's input file.
func (s *Server) runBatch(b *fakeBatch) {
	s.mu.Lock()
	input := s.files[b.create.InputFileID]
	s.mu.Unlock()
	var out, errs bytes.Buffer
	total, done, failed := 0, 0, 0
	for i, line := range bytes.Split(bytes.TrimSpace(input), []byte("\n")) {
		var item struct {
			CustomID string          `json:"custom_id"`
			Body     json.RawMessage `json:"body"`
		}
		json.Unmarshal(line, &item)
		req := &Request{N: i, Path: "/v1/chat/completions", Raw: item.Body}
		json.Unmarshal(item.Body, &req.Body)
		json.Unmarshal(item.Body, &req.Fields)
		s.mu.Lock()
		s.lineReqs = append(s.lineReqs, req)
		s.mu.Unlock()
		var rep *Reply
		if s.handler != nil {
			rep = s.handler(req)
		}
		if rep == nil {
			rep = s.Default(req)
		}
		status, body := completion(req, rep)
		total++
		entry := map[string]any{
			"id": fmt.Sprintf("batch_req_%d", i), "custom_id": item.CustomID,
			"response": map[string]any{"status_code": status, "request_id": fmt.Sprintf("req_%d", i), "body": json.RawMessage(body)},
			"error":    nil,
		}
		if !json.Valid([]byte(body)) {
			entry["response"].(map[string]any)["body"] = body
		}
		enc, _ := json.Marshal(entry)
		if status == http.StatusOK {
			done++
			out.Write(enc)
			out.WriteByte('\n')
		} else {
			failed++
			errs.Write(enc)
			errs.WriteByte('\n')
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b.output = "file-out-" + b.id
	s.files[b.output] = out.Bytes()
	if errs.Len() > 0 {
		b.errorsID = "file-err-" + b.id
		s.files[b.errorsID] = errs.Bytes()
	}
	b.counts = [3]int{total, done, failed}
}

// json returns the batch object. s.mu is held.
func (b *fakeBatch) json() map[string]any {
	out := map[string]any{
		"id": b.id, "object": "batch", "endpoint": b.create.Endpoint, "errors": nil,
		"input_file_id": b.create.InputFileID, "completion_window": b.create.CompletionWindow,
		"status": b.status, "output_file_id": nil, "error_file_id": nil, "created_at": 1700000000,
		"request_counts": map[string]int{"total": b.counts[0], "completed": b.counts[1], "failed": b.counts[2]},
		"metadata":       b.create.Metadata,
	}
	if b.output != "" {
		out["output_file_id"] = b.output
	}
	if b.errorsID != "" {
		out["error_file_id"] = b.errorsID
	}
	return out
}
