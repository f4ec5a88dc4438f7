package generator

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// The Batch API path (`ftls generate --batch-api`): every request of the
// run is planned up front, exactly as Run would plan them (the same
// per-category batches and per-example briefs), written as one JSON Lines
// file (one line per request, custom_id "ftls-<batch>-<category>"),
// uploaded to /v1/files with purpose "batch", and submitted to
// /v1/batches for /v1/chat/completions with a 24h completion window. The
// batch is then polled until it ends; its output file is read line by
// line and each answer goes through the same parsing, validation and
// de-duplication as an answer of Run, and the accepted rows are appended
// to the sink atomically, one request's rows at a time.
//
// The batch id is written to a small state file next to the dataset
// (".<name>.ftls-batch") as soon as the batch exists, and removed when its
// results are in, so that an interrupted wait can be resumed with
// BatchOptions.BatchID. The state file holds the batch id, the model and
// the planned requests; never the key.
//
// The Batch API costs half the synchronous price; Report.Cost is computed
// that way.

// Batch API event kinds.
const (
	// EventSubmitted: the batch was created; Message is its id.
	EventSubmitted EventKind = "submitted"
	// EventPoll: the batch's status was read; Message is the status and
	// Count/Total the requests completed out of Requested.
	EventPoll EventKind = "poll"
)

// BatchOptions are the Batch API settings of RunBatch.
type BatchOptions struct {
	// BatchID resumes waiting for a batch submitted earlier instead of
	// submitting a new one.
	BatchID string
	// PollInterval is the time between status reads; 0 means 30 s.
	PollInterval time.Duration
	// CompletionWindow is the batch's window; "" means "24h".
	CompletionWindow string
}

// BatchState is the content of the state file of a submitted batch.
type BatchState struct {
	BatchID     string `json:"batch_id"`
	InputFileID string `json:"input_file_id"`
	Model       string `json:"model"`
	Dataset     string `json:"dataset"`
	// Existing is the rows of the dataset when the batch was submitted;
	// Requested the examples the batch was to add.
	Existing  int     `json:"existing"`
	Requested int     `json:"requested"`
	Batches   []Batch `json:"batches"`
}

// BatchStatePath is the state file of a dataset's pending batch.
func BatchStatePath(dataset string) string {
	return filepath.Join(filepath.Dir(dataset), "."+filepath.Base(dataset)+".ftls-batch")
}

// ReadBatchState reads the state file of the dataset's pending batch;
// it returns nil and no error when there is none.
func ReadBatchState(dataset string) (*BatchState, error) {
	data, err := os.ReadFile(BatchStatePath(dataset))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var st BatchState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("%s: %w", BatchStatePath(dataset), err)
	}
	return &st, nil
}

func writeBatchState(dataset string, st *BatchState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(BatchStatePath(dataset), append(data, '\n'), 0o600)
}

// customID names a request of the batch file.
func customID(b Batch) string {
	return fmt.Sprintf("ftls-%d-%s", b.Seq, b.Category)
}

// parseCustomID reads a custom_id written by customID.
func parseCustomID(id string) (seq int, category string, ok bool) {
	rest, found := strings.CutPrefix(id, "ftls-")
	if !found {
		return 0, "", false
	}
	num, cat, _ := strings.Cut(rest, "-")
	n, err := strconv.Atoi(num)
	if err != nil {
		return 0, "", false
	}
	return n, cat, true
}

// batchLine is one line of a batch's output or error file.
type batchLine struct {
	CustomID string `json:"custom_id"`
	Response *struct {
		StatusCode int             `json:"status_code"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// RunBatch generates the examples of job through the provider's Batch
// API, or, with opts.BatchID, collects the results of a batch submitted
// earlier. It returns when the batch's results are appended, when the
// batch ends without results (failed, expired, cancelled), or when ctx is
// cancelled (the batch goes on at the provider; resume it with its id).
func RunBatch(ctx context.Context, job Job, opts BatchOptions, progress func(Event)) (Report, error) {
	start := time.Now()
	if job.Provider.BaseURL == "" {
		return Report{}, noProviderError()
	}
	r, err := newRunner(ctx, job, progress, false)
	if err != nil {
		return Report{}, err
	}
	err = r.runBatchAPI(ctx, opts)
	r.finish(err)
	// The Batch API is billed at half the synchronous price.
	r.report.Cost /= 2
	r.report.Format = FormatJSONSchema.String()
	r.report.Duration = time.Since(start)
	return r.report, err
}

func (r *runner) runBatchAPI(ctx context.Context, opts BatchOptions) error {
	c := r.client
	interval := opts.PollInterval
	if interval <= 0 {
		interval = 30 * time.Second
	}
	byID := map[string]Batch{}
	id := opts.BatchID
	if id == "" {
		// A pending batch of the same dataset would be lost track of.
		if st, _ := ReadBatchState(r.dataset); st != nil {
			return fmt.Errorf("batch %s is still pending for %s; resume it with --batch-id %s (or delete %s)", st.BatchID, r.dataset, st.BatchID, BatchStatePath(r.dataset))
		}
		r.emit(Event{Kind: EventStart, Requested: r.need, Targets: r.targets(), Format: FormatJSONSchema.String()})
		if r.need == 0 {
			return nil
		}
		var batches []Batch
		r.mu.Lock()
		for {
			b, ok := r.nextBatch()
			if !ok {
				break
			}
			batches = append(batches, b)
		}
		r.stopped, r.stop = false, nil
		r.mu.Unlock()
		reqs := make([]BatchRequest, 0, len(batches))
		for _, b := range batches {
			byID[customID(b)] = b
			reqs = append(reqs, BatchRequest{ID: customID(b), Request: openai.ChatCompletionRequest{
				Model: r.provider.Model, Messages: r.pb.Messages(b),
				Temperature: r.temperature, ResponseFormat: r.pb.responseFormat(FormatJSONSchema),
			}})
			r.emit(Event{Kind: EventRequest, Batch: b.Seq, Category: b.Category, Count: b.Count, Requested: r.need})
		}
		fileID, batchID, err := c.submitBatch(ctx, "ftls-"+filepath.Base(r.dataset)+".batch.jsonl", reqs, opts.CompletionWindow,
			map[string]any{"created_by": "ftls", "dataset": filepath.Base(r.dataset)})
		if err != nil {
			return err
		}
		id = batchID
		st := &BatchState{BatchID: id, InputFileID: fileID, Model: r.provider.Model, Dataset: r.dataset, Existing: r.existing, Requested: r.need, Batches: batches}
		if err := writeBatchState(r.dataset, st); err != nil {
			return fmt.Errorf("batch %s was submitted, but its state could not be saved (resume with --batch-id %s): %w", id, id, err)
		}
		r.emit(Event{Kind: EventSubmitted, Requested: r.need, Message: id})
	} else {
		if st, err := ReadBatchState(r.dataset); err == nil && st != nil && st.BatchID == id {
			for _, b := range st.Batches {
				byID[customID(b)] = b
			}
			// The batch asked for what was missing when it was submitted
			// (whatever --count said then), less rows added since, e.g.
			// by an earlier attempt to collect it.
			r.need = max(0, st.Requested-max(0, r.existing-st.Existing))
			r.report.Requested = r.need
		}
		r.emit(Event{Kind: EventStart, Requested: r.need, Targets: r.targets(), Format: FormatJSONSchema.String()})
		r.emit(Event{Kind: EventSubmitted, Requested: r.need, Message: id})
	}
	// The examples are planned: what is in flight now is in the batch.
	r.mu.Lock()
	r.inflight = 0
	for _, cat := range r.cats {
		cat.inflight = 0
	}
	r.mu.Unlock()

	batch, err := r.poll(ctx, id, interval)
	if err != nil {
		return err
	}
	return r.collect(ctx, batch, byID)
}

// poll reads the batch's status every interval until it ends; a batch
// that ended without results is forgotten.
func (r *runner) poll(ctx context.Context, id string, interval time.Duration) (openai.BatchResponse, error) {
	b, err := r.client.pollBatch(ctx, id, interval,
		func(b openai.BatchResponse) {
			r.emit(Event{Kind: EventPoll, Message: b.Status, Count: b.RequestCounts.Completed, Total: b.RequestCounts.Completed, Requested: b.RequestCounts.Total})
		},
		func(failures int, err error) {
			r.emit(Event{Kind: EventRetry, Attempt: failures, Wait: interval, Message: err.Error()})
		})
	if err != nil && ctx.Err() == nil && b.ID != "" && (b.Status == "failed" || b.Status == "expired" || b.Status == "cancelled") {
		os.Remove(BatchStatePath(r.dataset))
	}
	return b, err
}

// collect downloads a completed batch's output and error files and
// processes each answer as Run would.
func (r *runner) collect(ctx context.Context, b openai.BatchResponse, byID map[string]Batch) error {
	answers, failed, err := r.client.batchAnswers(ctx, b)
	if err != nil {
		return err
	}
	for _, a := range answers {
		bt, ok := byID[a.ID]
		if !ok {
			seq, cat, good := parseCustomID(a.ID)
			if !good {
				failed = append(failed, a.ID+": not a request of ftls")
				continue
			}
			bt = Batch{Seq: seq, Category: cat}
		}
		finish := openai.FinishReasonStop
		if a.Truncated {
			finish = openai.FinishReasonLength
		}
		r.mu.Lock()
		ev, err := r.process(ctx, bt, answer{text: a.Text, finish: finish, usage: a.Usage})
		r.mu.Unlock()
		if err != nil {
			return err
		}
		r.emit(ev)
	}
	r.mu.Lock()
	r.stopped, r.stop = false, nil
	accepted := r.accepted
	r.mu.Unlock()
	// The results are in the dataset: the batch is done with.
	os.Remove(BatchStatePath(r.dataset))
	if accepted < r.need {
		msg := fmt.Sprintf("the batch gave %d of %d examples; run the command again to make up the rest", accepted, r.need)
		if len(failed) > 0 {
			msg += fmt.Sprintf(" (%d request%s failed: %s)", len(failed), plural(len(failed)), failed[0])
		}
		return errors.New(msg)
	}
	return nil
}

func splitLines(data []byte) [][]byte {
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<20)
	for sc.Scan() {
		if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
			out = append(out, append([]byte(nil), line...))
		}
	}
	return out
}
