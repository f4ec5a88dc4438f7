// Package fakeopenai is an OpenAI-compatible chat completions server for
// tests. It listens on 127.0.0.1 only, records every request, and answers
// as a script says: well-formed batches, fenced or JSON Lines answers,
// errors with Retry-After, slow answers, answers cut off by the token
// limit. Without a script it writes as many distinct, valid conversations
// as the request asks for. It also serves the Batch API (files and
// batches endpoints; see batches.go), answering each line of a batch's
// input file as it would answer the request on its own, and embeddings
// (embeddings.go), with vectors in which paraphrases are close.
package fakeopenai

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Request is one recorded request.
type Request struct {
	// N is the request's position, from 0.
	N       int
	Path    string
	Auth    string // the Authorization header
	Arrived time.Time
	Raw     []byte
	// Body is the decoded request body.
	Body ChatRequest
	// Fields is the body as generic JSON, to check which keys were sent.
	Fields map[string]json.RawMessage
}

// ChatRequest is the part of a chat completion request tests look at.
type ChatRequest struct {
	Model       string    `json:"model"`
	Temperature *float64  `json:"temperature"`
	Messages    []Message `json:"messages"`
	// ResponseFormat is nil when the request has none.
	ResponseFormat *struct {
		Type       string          `json:"type"`
		JSONSchema json.RawMessage `json:"json_schema"`
	} `json:"response_format"`
}

// Message is a chat message of a request.
type Message struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Format returns the request's response_format type, "" for none.
func (r *Request) Format() string {
	if r.Body.ResponseFormat == nil {
		return ""
	}
	return r.Body.ResponseFormat.Type
}

// Prompt returns the content of the request's messages of a role, joined.
func (r *Request) Prompt(role string) string {
	var parts []string
	for _, m := range r.Body.Messages {
		if m.Role == role {
			parts = append(parts, m.Content)
		}
	}
	return strings.Join(parts, "\n")
}

var (
	countRe    = regexp.MustCompile(`Write (\d+) conversations?`)
	categoryRe = regexp.MustCompile(`for the category "([^"]+)"`)
)

// Asked returns the category and number of examples a generation request
// asks for.
func (r *Request) Asked() (category string, n int) {
	u := r.Prompt("user")
	if m := countRe.FindStringSubmatch(u); m != nil {
		n, _ = strconv.Atoi(m[1])
	}
	if m := categoryRe.FindStringSubmatch(u); m != nil {
		category = m[1]
	}
	return category, n
}

// Reply is how the server answers one request.
type Reply struct {
	// Status is the HTTP status; 0 means 200.
	Status int
	Header map[string]string
	// Body replaces the whole response body (for errors and broken
	// answers); when empty, a completion with Content is sent.
	Body    string
	Content string
	// Finish is the finish_reason; "" means "stop".
	Finish string
	// Delay holds the answer back (the request's cancellation ends it).
	Delay time.Duration
	// PromptTokens and CompletionTokens are the usage reported.
	PromptTokens, CompletionTokens int
}

// Handler decides the reply to a request. Returning nil means Default.
type Handler func(req *Request) *Reply

// Server is a running fake endpoint.
type Server struct {
	// URL is the base URL to configure, ending in /v1.
	URL string

	srv                   *httptest.Server
	handler               Handler
	mu                    sync.Mutex
	reqs                  []*Request
	inFlight, maxInFlight int
	seed                  uint64
	batchAPI
}

// New starts a server on 127.0.0.1. Close it when done.
func New(h Handler) *Server {
	s := &Server{handler: h, seed: 1}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("fakeopenai: %v", err))
	}
	s.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: http.HandlerFunc(s.serve)}}
	s.srv.Start()
	s.URL = s.srv.URL + "/v1"
	return s
}

// Close stops the server, ending requests in progress.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Requests returns the requests received so far.
func (s *Server) Requests() []*Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Request(nil), s.reqs...)
}

// MaxInFlight is the most requests the server was answering at once.
func (s *Server) MaxInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.maxInFlight
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	req := &Request{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Arrived: time.Now(), Raw: raw}
	// Decoded before the request is listed: tests read the list while
	// other requests are still arriving.
	json.Unmarshal(raw, &req.Body)
	json.Unmarshal(raw, &req.Fields)
	s.mu.Lock()
	req.N = len(s.reqs)
	s.reqs = append(s.reqs, req)
	s.inFlight++
	s.maxInFlight = max(s.maxInFlight, s.inFlight)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}()

	if s.serveBatchAPI(w, r, req) {
		return
	}
	if strings.HasSuffix(r.URL.Path, "/embeddings") {
		s.serveEmbeddings(w, r, req)
		return
	}
	if !strings.HasSuffix(r.URL.Path, "/chat/completions") {
		http.Error(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	var rep *Reply
	if s.handler != nil {
		rep = s.handler(req)
	}
	if rep == nil {
		rep = s.Default(req)
	}
	if rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	for k, v := range rep.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	status, body := completion(req, rep)
	w.WriteHeader(status)
	io.WriteString(w, body)
}

// completion returns the status and body of the answer rep to req.
func completion(req *Request, rep *Reply) (int, string) {
	status := rep.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := rep.Body
	if body == "" {
		finish := rep.Finish
		if finish == "" {
			finish = "stop"
		}
		resp := map[string]any{
			"id": fmt.Sprintf("chatcmpl-%d", req.N), "object": "chat.completion", "created": 1700000000,
			"model": req.Body.Model,
			"choices": []any{map[string]any{
				"index": 0, "finish_reason": finish,
				"message": map[string]any{"role": "assistant", "content": rep.Content},
			}},
			"usage": map[string]any{
				"prompt_tokens": rep.PromptTokens, "completion_tokens": rep.CompletionTokens,
				"total_tokens": rep.PromptTokens + rep.CompletionTokens,
			},
		}
		b, _ := json.Marshal(resp)
		body = string(b)
	}
	return status, body
}

// Default answers a generation request with as many distinct, valid
// conversations as it asks for, as {"examples": [...]}, with a usage of
// 1000 prompt tokens and 100 completion tokens per example.
func (s *Server) Default(req *Request) *Reply {
	_, n := req.Asked()
	if n == 0 {
		n = 1
	}
	s.mu.Lock()
	seed := s.seed
	s.seed++
	s.mu.Unlock()
	return &Reply{Content: Batch(Conversations(n, seed)), PromptTokens: 1000, CompletionTokens: 100 * n}
}

// words make up the fake conversations; random picks of 14 of them make
// any two conversations share almost no word 3-grams.
var words = strings.Fields(`parcel jacket boots tent stove lantern invoice voucher refund label courier
	depot warehouse tracking weekend monday friday colour size medium large small zipper hood lining
	seam wool fleece merino down synthetic waterproof breathable summit trail river canyon forest meadow
	glacier harbour village city bridge station airport garden kitchen office basement attic balcony
	morning evening midnight noon autumn winter spring summer yesterday tomorrow quickly slowly gently
	blue green amber crimson silver golden violet orange maroon teal olive beige ivory charcoal
	apple pear plum cherry lemon mango peach grape melon berry walnut almond hazel cedar maple birch
	pine spruce willow aspen oak elm ash fir larch yew alder poplar hornbeam rowan juniper holly
	seven eleven twenty forty ninety hundred thousand dozen couple single double triple quarter half`)

// Conversations returns n distinct single-turn conversations drawn from
// seed.
func Conversations(n int, seed uint64) [][]Message {
	rng := rand.New(rand.NewPCG(seed, seed*7919+13))
	pick := func(k int) string {
		out := make([]string, k)
		for i := range out {
			out[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(out, " ")
	}
	out := make([][]Message, n)
	for i := range out {
		out[i] = []Message{
			{Role: "user", Content: "Hello, about my " + pick(14) + "?"},
			{Role: "assistant", Content: "Thanks for asking: " + pick(16) + "."},
		}
	}
	return out
}

// Batch encodes conversations as {"examples":[{"messages":[...]}]}.
func Batch(convs [][]Message) string {
	type ex struct {
		Messages []Message `json:"messages"`
	}
	list := make([]ex, len(convs))
	for i, c := range convs {
		list[i] = ex{c}
	}
	b, _ := json.Marshal(map[string]any{"examples": list})
	return string(b)
}

// Lines encodes conversations as JSON Lines of {"messages":[...]}.
func Lines(convs [][]Message) string {
	var b strings.Builder
	for _, c := range convs {
		line, _ := json.Marshal(map[string]any{"messages": c})
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.String()
}

// Array encodes conversations as a bare JSON array of {"messages":[...]}.
func Array(convs [][]Message) string {
	list := make([]map[string]any, len(convs))
	for i, c := range convs {
		list[i] = map[string]any{"messages": c}
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// Error returns an OpenAI-style error reply.
func Error(status int, message, typ string, header map[string]string) *Reply {
	b, _ := json.Marshal(map[string]any{"error": map[string]any{"message": message, "type": typ, "code": nil}})
	return &Reply{Status: status, Body: string(b), Header: header}
}
