package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

var fastPoll = BatchOptions{PollInterval: time.Millisecond}

// uploadedLine is one line of the uploaded batch file.
type uploadedLine struct {
	CustomID string                 `json:"custom_id"`
	Method   string                 `json:"method"`
	URL      string                 `json:"url"`
	Body     fakeopenai.ChatRequest `json:"body"`
}

func uploadedLines(t *testing.T, up fakeopenai.Upload) []uploadedLine {
	t.Helper()
	var out []uploadedLine
	for _, line := range strings.Split(strings.TrimSpace(string(up.Content)), "\n") {
		var l uploadedLine
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("uploaded line %q: %v", line, err)
		}
		out = append(out, l)
	}
	return out
}

// The whole path: every request is planned up front and uploaded as one
// JSONL file (custom_ids, model, messages, response_format), the batch is
// created for /v1/chat/completions with a 24h window, polled through its
// statuses, and its results fill the plan as Run does, at half the price.
func TestBatchAPIFillsPlan(t *testing.T) {
	f := newFixture(t, nil)
	rep, err := RunBatch(context.Background(), f.job(), fastPoll, f.progress)
	if err != nil {
		t.Fatal(err)
	}
	ups := f.srv.Uploads()
	if len(ups) != 1 || ups[0].Purpose != "batch" {
		t.Fatalf("uploads %+v", ups)
	}
	lines := uploadedLines(t, ups[0])
	asked := map[string]int{}
	ids := map[string]bool{}
	for _, l := range lines {
		if l.Method != "POST" || l.URL != "/v1/chat/completions" {
			t.Errorf("line %s: %s %s", l.CustomID, l.Method, l.URL)
		}
		if l.Body.Model != "gpt-4o-mini" || l.Body.ResponseFormat == nil || l.Body.ResponseFormat.Type != "json_schema" {
			t.Errorf("line %s: model %q, response_format %+v", l.CustomID, l.Body.Model, l.Body.ResponseFormat)
		}
		if len(l.Body.Messages) != 2 || l.Body.Messages[0].Role != "system" || l.Body.Messages[1].Role != "user" {
			t.Errorf("line %s: messages %+v", l.CustomID, l.Body.Messages)
		}
		q := fakeopenai.Request{Body: l.Body}
		cat, n := q.Asked()
		if seq, c, ok := parseCustomID(l.CustomID); !ok || c != cat || seq <= 0 || ids[l.CustomID] {
			t.Errorf("custom_id %q for category %q", l.CustomID, cat)
		}
		ids[l.CustomID] = true
		asked[cat] += n
	}
	if want := map[string]int{"orders": 12, "returns": 6, "billing": 6}; fmt.Sprint(asked) != fmt.Sprint(want) {
		t.Errorf("asked for %v, want %v", asked, want)
	}
	cr := f.srv.BatchCreates()
	if len(cr) != 1 || cr[0].Endpoint != "/v1/chat/completions" || cr[0].CompletionWindow != "24h" || cr[0].InputFileID != ups[0].ID {
		t.Errorf("batch creates %+v", cr)
	}
	if f.srv.Polls() != 4 {
		t.Errorf("%d polls, want 4 (validating, in_progress, finalizing, completed)", f.srv.Polls())
	}
	var statuses []string
	for _, e := range f.eventsOf(EventPoll) {
		statuses = append(statuses, e.Message)
	}
	if got := strings.Join(statuses, ","); got != "validating,in_progress,finalizing,completed" {
		t.Errorf("poll events %s", got)
	}
	if s := f.eventsOf(EventSubmitted); len(s) != 1 || s[0].Message != "batch_1" {
		t.Errorf("submitted events %+v", s)
	}
	rows := readRows(t, f.train)
	want := map[string]int{"orders": 15, "returns": 8, "billing": 7}
	if got := countByCategory(rows); len(rows) != 30 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%d rows, categories %v, want %v", len(rows), got, want)
	}
	for _, r := range rows[6:] {
		if len(r.Messages) == 0 || r.Messages[0].Content != shopPrompt {
			t.Errorf("row without the plan's system prompt: %+v", r)
		}
	}
	if rep.Accepted != 24 || rep.Requests != len(lines) || rep.PromptTokens != int64(1000*len(lines)) || rep.CompletionTokens != 2400 {
		t.Errorf("report %+v", rep)
	}
	// gpt-4o-mini: $0.15 / $0.60 per million, halved.
	wantCost := (float64(rep.PromptTokens)*0.15 + float64(rep.CompletionTokens)*0.60) / 1e6 / 2
	if !rep.CostKnown || math.Abs(rep.Cost-wantCost) > 1e-12 {
		t.Errorf("cost %v, want %v", rep.Cost, wantCost)
	}
	if _, err := os.Stat(BatchStatePath(f.train)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the state file is left behind: %v", err)
	}
	for _, q := range f.srv.Requests() {
		if q.Auth != "Bearer "+testKey {
			t.Errorf("request %d to %s without the key", q.N, q.Path)
		}
	}
}

// Invalid examples and duplicates in the batch's answers are dropped as
// in a synchronous run; a short batch says so.
func TestBatchAPIDropsInvalidAndDuplicates(t *testing.T) {
	existing := "Can I change the delivery address on order 7781 to my office?"
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		good := fakeopenai.Conversations(4, 99)
		var exs []any
		for _, c := range good {
			exs = append(exs, map[string]any{"messages": c})
		}
		exs = append(exs,
			example(msg("user", "Only a question, no answer?")),                             // C009
			example(msg("user", "Hi there"), msg("asistant", "Hello, how can I help you?")), // C005
			"not an example", // shape
			example(msg("user", existing), msg("assistant", "Yes, as long as it has not shipped. I have updated it to your office address.")), // duplicate of the file
			map[string]any{"messages": good[0]}, // duplicate within the run
		)
		b, _ := json.Marshal(map[string]any{"examples": exs})
		return &fakeopenai.Reply{Content: string(b), PromptTokens: 10, CompletionTokens: 20}
	})
	job := f.job()
	job.Count, job.Category = 10, "orders"
	rep, err := RunBatch(context.Background(), job, fastPoll, f.progress)
	if err == nil || !strings.Contains(err.Error(), "gave 4 of 10") {
		t.Fatalf("err %v", err)
	}
	want := map[string]int{DropInvalid: 3, DropDuplicate: 2}
	if fmt.Sprint(rep.Dropped) != fmt.Sprint(want) {
		t.Errorf("dropped %v, want %v", rep.Dropped, want)
	}
	rows := readRows(t, f.train)
	if len(rows) != 10 || rep.Accepted != 4 {
		t.Fatalf("%d rows, accepted %d", len(rows), rep.Accepted)
	}
	data, _ := os.ReadFile(f.train)
	if bytes.Contains(data, []byte("asistant")) || bytes.Count(data, []byte(existing)) != 1 {
		t.Errorf("a dropped example was appended")
	}
	for _, r := range rows[6:] {
		if r.Metadata.Category != "orders" {
			t.Errorf("new row in category %q", r.Metadata.Category)
		}
	}
}

// Requests of a completed batch that failed (the error file) are counted
// and named; the others are appended.
func TestBatchAPIFailedRequests(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		if q.N == 0 {
			return fakeopenai.Error(500, "the model is overloaded", "server_error", nil)
		}
		return nil
	})
	rep, err := RunBatch(context.Background(), f.job(), fastPoll, nil)
	if err == nil || !strings.Contains(err.Error(), "1 request failed") || !strings.Contains(err.Error(), "the model is overloaded") {
		t.Fatalf("err %v", err)
	}
	if rep.Accepted == 0 || rep.Accepted >= 24 || len(readRows(t, f.train)) != 6+rep.Accepted {
		t.Errorf("accepted %d", rep.Accepted)
	}
}

// A batch that fails, expires or is cancelled ends the run with its status
// and errors, and appends nothing.
func TestBatchAPIFailedBatch(t *testing.T) {
	for _, status := range []string{"failed", "expired", "cancelled"} {
		t.Run(status, func(t *testing.T) {
			f := newFixture(t, nil)
			line := 3
			f.srv.SetBatchScript([]string{"validating", status}, []BatchErrorForTest{{Code: "invalid_request", Message: "bad line", Line: &line}})
			before, _ := os.ReadFile(f.train)
			_, err := RunBatch(context.Background(), f.job(), fastPoll, nil)
			if err == nil || !strings.Contains(err.Error(), "batch batch_1 "+status) {
				t.Fatalf("err %v", err)
			}
			if status == "failed" && !strings.Contains(err.Error(), "line 3: invalid_request: bad line") {
				t.Errorf("err %v does not name the batch's errors", err)
			}
			after, _ := os.ReadFile(f.train)
			if !bytes.Equal(before, after) {
				t.Errorf("the dataset changed")
			}
		})
	}
}

// BatchErrorForTest keeps the table above short.
type BatchErrorForTest = fakeopenai.BatchError

// Interrupted while the batch runs, the state file keeps the batch id (and
// no key); resuming with the id collects the results without submitting
// again.
func TestBatchAPIResume(t *testing.T) {
	f := newFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var id string
	rep, err := RunBatch(ctx, f.job(), fastPoll, func(e Event) {
		if e.Kind == EventSubmitted {
			id = e.Message
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || rep.Stopped != "cancelled" || id == "" {
		t.Fatalf("err %v, stopped %q, id %q", err, rep.Stopped, id)
	}
	if len(readRows(t, f.train)) != 6 {
		t.Fatalf("rows appended before the batch completed")
	}
	state, err := os.ReadFile(BatchStatePath(f.train))
	if err != nil {
		t.Fatal(err)
	}
	st, err := ReadBatchState(f.train)
	if err != nil || st.BatchID != id || len(st.Batches) == 0 || st.Model != "gpt-4o-mini" {
		t.Fatalf("state %+v, %v", st, err)
	}
	if strings.Contains(string(state), testKey) || strings.Contains(string(state), "SECRETKEY") {
		t.Errorf("the key is in the state file: %s", state)
	}
	// A new batch run refuses while one is pending.
	if _, err := RunBatch(context.Background(), f.job(), fastPoll, nil); err == nil || !strings.Contains(err.Error(), "--batch-id "+id) {
		t.Errorf("second submission: %v", err)
	}

	opts := fastPoll
	opts.BatchID = id
	rep, err = RunBatch(context.Background(), f.job(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.srv.Uploads()) != 1 || len(f.srv.BatchCreates()) != 1 {
		t.Errorf("resuming submitted again")
	}
	rows := readRows(t, f.train)
	want := map[string]int{"orders": 15, "returns": 8, "billing": 7}
	if got := countByCategory(rows); len(rows) != 30 || rep.Accepted != 24 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%d rows, accepted %d, categories %v", len(rows), rep.Accepted, got)
	}
	if _, err := os.Stat(BatchStatePath(f.train)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the state file is left behind: %v", err)
	}
}

// The key appears in no error, event, report, state file or dataset, even
// when the batch's errors echo it.
func TestBatchAPIKeyNeverLeaks(t *testing.T) {
	f := newFixture(t, nil)
	f.srv.SetBatchScript([]string{"in_progress", "failed"}, []fakeopenai.BatchError{{Code: "auth", Message: "key Bearer " + testKey + " and " + testKey}})
	var log bytes.Buffer
	var state []byte
	rep, err := RunBatch(context.Background(), f.job(), fastPoll, func(e Event) {
		b, _ := json.Marshal(e)
		log.Write(b)
		if e.Kind == EventSubmitted {
			state, _ = os.ReadFile(BatchStatePath(f.train))
		}
	})
	if err == nil || !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("err %v", err)
	}
	if len(state) == 0 {
		t.Fatal("no state file while the batch ran")
	}
	repJSON, _ := json.Marshal(rep)
	data, _ := os.ReadFile(f.train)
	for name, text := range map[string]string{"error": err.Error(), "events": log.String(), "report": string(repJSON), "state": string(state), "file": string(data)} {
		if strings.Contains(text, testKey) || strings.Contains(text, "SECRETKEY") {
			t.Errorf("the key appears in the %s: %s", name, text)
		}
	}
}

func TestParseCustomID(t *testing.T) {
	for _, b := range []Batch{{Seq: 3, Category: "orders"}, {Seq: 12, Category: "a-b c"}, {Seq: 1}} {
		seq, cat, ok := parseCustomID(customID(b))
		if !ok || seq != b.Seq || cat != b.Category {
			t.Errorf("%q: %d %q %v", customID(b), seq, cat, ok)
		}
	}
	if _, _, ok := parseCustomID("other-1"); ok {
		t.Error("a foreign custom_id parsed")
	}
}

// Resuming takes the size of the run from the state file, so a batch
// submitted with a count is collected whole without repeating the count.
func TestBatchAPIResumeKeepsCount(t *testing.T) {
	f := newFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	job := f.job()
	job.Count, job.Category = 5, "returns"
	_, err := RunBatch(ctx, job, fastPoll, func(e Event) {
		if e.Kind == EventSubmitted {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	opts := fastPoll
	opts.BatchID = "batch_1"
	job = f.job()
	job.Count = 0
	rep, err := RunBatch(context.Background(), job, opts, nil)
	if err != nil || rep.Accepted != 5 || rep.Requested != 5 {
		t.Fatalf("accepted %d of %d: %v", rep.Accepted, rep.Requested, err)
	}
	rows := readRows(t, f.train)
	if got := countByCategory(rows[6:]); len(rows) != 11 || got["returns"] != 5 {
		t.Errorf("%d rows, new categories %v", len(rows), got)
	}
}

// Without the state file (another machine, or deleted), the categories
// come from the custom_ids.
func TestBatchAPIResumeWithoutState(t *testing.T) {
	f := newFixture(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := RunBatch(ctx, f.job(), fastPoll, func(e Event) {
		if e.Kind == EventSubmitted {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if err := os.Remove(BatchStatePath(f.train)); err != nil {
		t.Fatal(err)
	}
	opts := fastPoll
	opts.BatchID = "batch_1"
	rep, err := RunBatch(context.Background(), f.job(), opts, nil)
	if err != nil || rep.Accepted != 24 {
		t.Fatalf("accepted %d: %v", rep.Accepted, err)
	}
	want := map[string]int{"orders": 15, "returns": 8, "billing": 7}
	if got := countByCategory(readRows(t, f.train)); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("categories %v, want %v", got, want)
	}
}
