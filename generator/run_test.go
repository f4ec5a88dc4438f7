package generator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
)

// testKey is the API key of the tests; it must never show up anywhere but
// in the Authorization header the fake server receives.
const testKey = "sk-test-7f3a9c2e1b5d4f60SECRETKEY"

const shopPrompt = "You are the support assistant of Trailhead Outfitters. Be friendly and brief."

type fixture struct {
	dir, train string
	p          *plan.Plan
	srv        *fakeopenai.Server
	events     []Event
	mu         sync.Mutex
}

// newFixture copies testdata/shop (a 30-example plan and 6 rows: 3
// orders, 2 returns, 1 billing) to a temporary folder and starts a fake
// endpoint answering with h.
func newFixture(t *testing.T, h fakeopenai.Handler) *fixture {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"shop.plan.yaml", "training_data.jsonl"} {
		data, err := os.ReadFile(filepath.Join("testdata/shop", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := &fixture{dir: dir, train: filepath.Join(dir, "training_data.jsonl")}
	f.p = loadPlan(t, filepath.Join(dir, "shop.plan.yaml"))
	f.srv = fakeopenai.New(h)
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fixture) job() Job {
	return Job{
		Plan:     f.p,
		Provider: Provider{BaseURL: f.srv.URL, APIKey: testKey, Model: "gpt-4o-mini"},
		Seed:     7, Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond,
		RequestTimeout: 5 * time.Second,
	}
}

func (f *fixture) progress(e Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
}

func (f *fixture) eventsOf(kind EventKind) []Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Event
	for _, e := range f.events {
		if e.Kind == kind {
			out = append(out, e)
		}
	}
	return out
}

type row struct {
	Messages []struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	} `json:"messages"`
	Metadata struct {
		Category string `json:"category"`
	} `json:"metadata"`
}

// readRows checks that every line of the file is a JSON object that the
// J, C and Q rules accept, and returns the rows.
func readRows(t *testing.T, path string) []row {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		t.Errorf("%s does not end with a newline", path)
	}
	var rows []row
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var r row
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("line %d does not parse: %v: %q", i+1, err, line)
		}
		rows = append(rows, r)
	}
	res, err := engine.CheckFile(context.Background(), path, engine.Options{Settings: diagnostics.DefaultSettings()})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range res.Diagnostics {
		if d.Severity == diagnostics.Error && strings.ContainsAny(d.Code[:1], "JCQ") && d.Code != "C018" {
			t.Errorf("%s:%d: %s %s", filepath.Base(path), d.Range.Start.Line+1, d.Code, d.Message)
		}
	}
	return rows
}

func countByCategory(rows []row) map[string]int {
	m := map[string]int{}
	for _, r := range rows {
		m[r.Metadata.Category]++
	}
	return m
}

// The whole path: the dataset is filled up to the plan's size, each
// category to its target, with valid rows carrying the plan's system
// prompt and their category; the requests carry the model, temperature,
// structured output format and the key.
func TestRunFillsPlan(t *testing.T) {
	f := newFixture(t, nil)
	rep, err := Run(context.Background(), f.job(), f.progress)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Existing != 6 || rep.Requested != 24 || rep.Accepted != 24 || rep.Stopped != "" {
		t.Errorf("report: existing %d requested %d accepted %d stopped %q", rep.Existing, rep.Requested, rep.Accepted, rep.Stopped)
	}
	rows := readRows(t, f.train)
	if len(rows) != 30 {
		t.Fatalf("%d rows, want 30", len(rows))
	}
	// 30 examples at weights 2:1:1 are 15, 8 and 7 (the tie goes to the
	// earlier category).
	want := map[string]int{"orders": 15, "returns": 8, "billing": 7}
	if got := countByCategory(rows); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("categories %v, want %v", got, want)
	}
	for _, tg := range rep.Targets {
		if tg.Before+tg.Added != want[tg.Name] || tg.Target != want[tg.Name] {
			t.Errorf("target %+v", tg)
		}
	}
	for i, r := range rows[6:] {
		if len(r.Messages) < 3 || r.Messages[0].Role != "system" || r.Messages[0].Content != shopPrompt {
			t.Errorf("new row %d does not start with the plan's system prompt: %+v", i, r.Messages)
		}
	}

	// billing 6, orders 10, returns 6, orders 2: batches of at most 10,
	// and never more than a category is missing.
	reqs := f.srv.Requests()
	if len(reqs) != 4 {
		t.Errorf("%d requests, want 4", len(reqs))
	}
	asked := 0
	for _, q := range reqs {
		b := q.Body
		if b.Model != "gpt-4o-mini" || b.Temperature == nil || *b.Temperature < 0.69 || *b.Temperature > 0.71 {
			t.Errorf("request %d: model %q temperature %v", q.N, b.Model, b.Temperature)
		}
		if q.Format() != "json_schema" || !strings.Contains(string(b.ResponseFormat.JSONSchema), `"name":"training_examples"`) ||
			!strings.Contains(string(b.ResponseFormat.JSONSchema), `"strict":true`) {
			t.Errorf("request %d: response_format %s %s", q.N, q.Format(), b.ResponseFormat.JSONSchema)
		}
		if len(b.Messages) != 2 || b.Messages[0].Role != "system" || b.Messages[1].Role != "user" {
			t.Errorf("request %d: messages %+v", q.N, b.Messages)
		}
		if q.Auth != "Bearer "+testKey {
			t.Errorf("request %d: Authorization %q", q.N, q.Auth)
		}
		if q.Path != "/v1/chat/completions" {
			t.Errorf("request %d: path %s", q.N, q.Path)
		}
		_, n := q.Asked()
		asked += n
	}
	// The first batch goes to the category furthest below its target:
	// billing has 1 of 7.
	if first := f.eventsOf(EventRequest)[0]; first.Category != "billing" || first.Count != 6 {
		t.Errorf("first request asks for %d %q, want 6 billing", first.Count, first.Category)
	}
	if rep.PromptTokens != int64(1000*len(reqs)) || rep.CompletionTokens != int64(100*asked) {
		t.Errorf("tokens %d + %d", rep.PromptTokens, rep.CompletionTokens)
	}
	if !rep.CostKnown || rep.Cost <= 0 {
		t.Errorf("cost %v %v", rep.Cost, rep.CostKnown)
	}
	if len(f.eventsOf(EventStart)) != 1 || len(f.eventsOf(EventDone)) != 1 || len(f.eventsOf(EventBatch)) != len(reqs) {
		t.Errorf("events: %d start, %d batch, %d done", len(f.eventsOf(EventStart)), len(f.eventsOf(EventBatch)), len(f.eventsOf(EventDone)))
	}

	// A second run finds nothing to do.
	rep, err = Run(context.Background(), f.job(), nil)
	if err != nil || rep.Requested != 0 || len(f.srv.Requests()) != 4 {
		t.Errorf("second run: %+v %v", rep, err)
	}
}

// Answers in every shape models produce are read.
func TestRunAnswerShapes(t *testing.T) {
	shapes := []func([][]fakeopenai.Message) string{
		func(c [][]fakeopenai.Message) string { return "```json\n" + fakeopenai.Batch(c) + "\n```" },
		func(c [][]fakeopenai.Message) string { return fakeopenai.Lines(c) },
		func(c [][]fakeopenai.Message) string { return fakeopenai.Array(c) },
		func(c [][]fakeopenai.Message) string {
			return "Here are the conversations:\n" + strings.Replace(fakeopenai.Batch(c), `"examples"`, `"data"`, 1) + "\nI hope they help."
		},
		func(c [][]fakeopenai.Message) string { return "```jsonl\n" + fakeopenai.Lines(c) + "```" },
		func(c [][]fakeopenai.Message) string {
			b, _ := json.Marshal(c) // bare message lists
			return string(b)
		},
	}
	var f *fixture
	f = newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		_, n := q.Asked()
		return &fakeopenai.Reply{Content: shapes[q.N%len(shapes)](fakeopenai.Conversations(n, uint64(q.N+100)))}
	})
	job := f.job()
	job.Count, job.Category, job.Concurrency = 60, "orders", 1
	rep, err := Run(context.Background(), job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 60 || rep.DroppedTotal() != 0 || len(f.srv.Requests()) != 6 {
		t.Errorf("accepted %d, dropped %v, %d requests", rep.Accepted, rep.Dropped, len(f.srv.Requests()))
	}
	if got := countByCategory(readRows(t, f.train)); got["orders"] != 63 {
		t.Errorf("categories %v", got)
	}
}

func msg(role string, content any) map[string]any {
	return map[string]any{"role": role, "content": content}
}

func example(msgs ...map[string]any) map[string]any { return map[string]any{"messages": msgs} }

const longText = "Our winter hiking boots are lined with merino wool and have a waterproof membrane, " +
	"a stiff sole for crampons, and laces that stay tied in deep snow; they run half a size small, " +
	"so most people order one size up, and they need about two weeks of short walks to break in before a long trip."

// Invalid examples and duplicates are dropped, with counts per reason;
// only valid, new rows land in the file.
func TestRunDropsInvalidAndDuplicates(t *testing.T) {
	existing := "Can I change the delivery address on order 7781 to my office?"
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		if q.N > 0 {
			return nil
		}
		good := fakeopenai.Conversations(4, 99)
		var exs []any
		for _, c := range good {
			exs = append(exs, map[string]any{"messages": c})
		}
		exs = append(exs,
			example(msg("user", "Only a question, no answer?")),                                              // C009
			example(msg("user", "Hi there"), msg("asistant", "Hello, how can I help you?")),                  // C005
			example(msg("user", "Numbers?"), msg("assistant", 42)),                                           // C007
			example(msg("user", "One"), msg("assistant", "Two"), msg("user", "Three")),                       // C010
			example(msg("user", "Where is it?"), msg("assistant", "Dear {{customer_name}}, it ships soon.")), // Q004
			"not an example", // shape
			example(msg("user", existing), msg("assistant", "Yes, as long as it has not shipped. I have updated it to your office address.")), // duplicate of the file
			map[string]any{"messages": good[0]}, // duplicate within the run
			example(msg("user", "Tell me about the winter boots."), msg("assistant", longText)),
			example(msg("user", "Tell me about the winter boots."), msg("assistant", strings.Replace(longText, "long trip", "long hike", 1))), // near duplicate
		)
		b, _ := json.Marshal(map[string]any{"examples": exs})
		return &fakeopenai.Reply{Content: string(b)}
	})
	job := f.job()
	job.Count, job.Category, job.Concurrency = 10, "orders", 1
	rep, err := Run(context.Background(), job, f.progress)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{DropInvalid: 6, DropDuplicate: 2, DropNearDuplicate: 1}
	if fmt.Sprint(rep.Dropped) != fmt.Sprint(want) {
		t.Errorf("dropped %v, want %v", rep.Dropped, want)
	}
	wantRules := map[string]int{"C005": 1, "C007": 1, "C009": 1, "C010": 1, "Q004": 1, "shape": 1}
	if fmt.Sprint(rep.InvalidRules) != fmt.Sprint(wantRules) {
		t.Errorf("invalid rules %v, want %v", rep.InvalidRules, wantRules)
	}
	if b := f.eventsOf(EventBatch); len(b) == 0 || b[0].Accepted != 5 || b[0].Dropped[DropInvalid] != 6 {
		t.Errorf("first batch event %+v", b)
	}
	rows := readRows(t, f.train)
	if len(rows) != 16 || rep.Accepted != 10 {
		t.Fatalf("%d rows (accepted %d), want 6 + 10", len(rows), rep.Accepted)
	}
	data, _ := os.ReadFile(f.train)
	for _, bad := range []string{"asistant", "{{customer_name}}", "no answer?", "long hike", "Three"} {
		if bytes.Contains(data, []byte(bad)) {
			t.Errorf("the file holds a dropped example (%q)", bad)
		}
	}
	if bytes.Count(data, []byte(existing)) != 1 {
		t.Errorf("the duplicate of an existing row was appended")
	}
	for _, r := range rows[6:] {
		if r.Metadata.Category != "orders" {
			t.Errorf("new row in category %q", r.Metadata.Category)
		}
	}
}

// A 429 is retried after the time its Retry-After header gives.
func TestRunRetriesRateLimit(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		if q.N == 0 {
			return fakeopenai.Error(429, "Rate limit reached for requests", "requests", map[string]string{"Retry-After": "1"})
		}
		return nil
	})
	job := f.job()
	job.Count, job.Category = 10, "orders"
	rep, err := Run(context.Background(), job, f.progress)
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.srv.Requests()
	if len(reqs) != 2 || rep.Retries != 1 || rep.Accepted != 10 {
		t.Fatalf("%d requests, %d retries, %d accepted", len(reqs), rep.Retries, rep.Accepted)
	}
	if gap := reqs[1].Arrived.Sub(reqs[0].Arrived); gap < time.Second {
		t.Errorf("retried after %s, before Retry-After (1s)", gap)
	}
	r := f.eventsOf(EventRetry)
	if len(r) != 1 || r[0].Wait != time.Second || r[0].Attempt != 1 || !strings.Contains(r[0].Message, "HTTP 429") {
		t.Errorf("retry events %+v", r)
	}
}

// 5xx answers are retried with backoff until one succeeds.
func TestRunRetriesServerErrors(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		switch q.N {
		case 0:
			return fakeopenai.Error(500, "The server had an error", "server_error", nil)
		case 1:
			return &fakeopenai.Reply{Status: 502, Body: "<html>Bad gateway</html>"}
		}
		return nil
	})
	job := f.job()
	job.Count, job.Category = 10, "orders"
	rep, err := Run(context.Background(), job, f.progress)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Requests()); n != 3 || rep.Retries != 2 || rep.Accepted != 10 {
		t.Errorf("%d requests, %d retries, %d accepted", n, rep.Retries, rep.Accepted)
	}
	r := f.eventsOf(EventRetry)
	if len(r) != 2 || !strings.Contains(r[0].Message, "HTTP 500") || !strings.Contains(r[1].Message, "HTTP 502") {
		t.Errorf("retry events %+v", r)
	}
}

// A request that keeps failing is given up after the plan's max_retries,
// and the file is left as it was.
func TestRunGivesUpAfterMaxRetries(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		return fakeopenai.Error(503, "overloaded", "server_error", nil)
	})
	before, _ := os.ReadFile(f.train)
	job := f.job()
	job.Count, job.Category = 10, "orders"
	rep, err := Run(context.Background(), job, nil)
	if err == nil || !strings.Contains(err.Error(), "gave up after 4 attempts") || !strings.Contains(err.Error(), "HTTP 503") {
		t.Fatalf("err %v", err)
	}
	if n := len(f.srv.Requests()); n != 4 || rep.Retries != 3 || rep.Stopped == "" {
		t.Errorf("%d requests (want 1 + 3 retries), %d retries, stopped %q", n, rep.Retries, rep.Stopped)
	}
	after, _ := os.ReadFile(f.train)
	if !bytes.Equal(before, after) {
		t.Error("the file changed")
	}
}

// The run's retry budget ends a run whose requests keep failing, whatever
// the per-request limit.
func TestRunRetryBudget(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		return fakeopenai.Error(500, "boom", "server_error", nil)
	})
	job := f.job()
	job.Count, job.Category, job.MaxRetries, job.RetryBudget = 10, "orders", 50, 2
	_, err := Run(context.Background(), job, nil)
	if err == nil || !strings.Contains(err.Error(), "retry budget spent") {
		t.Fatalf("err %v", err)
	}
	if n := len(f.srv.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
}

// A request that takes longer than the time limit is abandoned and
// retried.
func TestRunTimeout(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		if q.N == 0 {
			return &fakeopenai.Reply{Delay: 10 * time.Second, Content: "{}"}
		}
		return nil
	})
	job := f.job()
	job.Count, job.Category, job.RequestTimeout = 10, "orders", 200*time.Millisecond
	start := time.Now()
	rep, err := Run(context.Background(), job, f.progress)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.srv.Requests()); n != 2 || rep.Retries != 1 || rep.Accepted != 10 {
		t.Errorf("%d requests, %d retries, %d accepted", n, rep.Retries, rep.Accepted)
	}
	if r := f.eventsOf(EventRetry); len(r) != 1 || !strings.Contains(r[0].Message, "no answer within 200ms") {
		t.Errorf("retry events %+v", r)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("took %s", time.Since(start))
	}
}

// An answer cut off by the token limit yields its whole examples and never
// a partial row; later requests ask for as many as fitted.
func TestRunTruncated(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		switch q.N {
		case 0:
			whole := fakeopenai.Batch(fakeopenai.Conversations(3, 5))
			cut := strings.TrimSuffix(whole, "]}") + `,{"messages":[{"role":"user","content":"Where is my Zanzibar par`
			return &fakeopenai.Reply{Content: cut, Finish: "length", PromptTokens: 900, CompletionTokens: 4096}
		case 1:
			return &fakeopenai.Reply{Content: `{"examples":[{"messages":[{"role":"us`, Finish: "length"}
		}
		return nil
	})
	job := f.job()
	job.Count, job.Category, job.Concurrency = 10, "orders", 1
	rep, err := Run(context.Background(), job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Dropped[DropTruncated] != 2 || rep.TruncatedAnswers != 2 || rep.Accepted != 10 {
		t.Errorf("dropped %v, truncated answers %d, accepted %d", rep.Dropped, rep.TruncatedAnswers, rep.Accepted)
	}
	data, _ := os.ReadFile(f.train)
	if bytes.Contains(data, []byte("Zanzibar")) {
		t.Error("a partial example was written")
	}
	readRows(t, f.train)
	reqs := f.srv.Requests()
	if _, n := reqs[1].Asked(); n != 3 {
		t.Errorf("after a cut answer with 3 whole examples the next request asks for %d", n)
	}
	if _, n := reqs[2].Asked(); n != 1 {
		t.Errorf("after a cut answer with nothing whole the next request asks for %d, want half of 3", n)
	}
}

// An endpoint that rejects response_format moves the run to json_object,
// then to no response_format, and the run remembers it.
func TestRunResponseFormatFallback(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		switch q.Format() {
		case "json_schema":
			b := `{"error":{"message":"Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.","type":"invalid_request_error","param":"response_format","code":null}}`
			return &fakeopenai.Reply{Status: 400, Body: b}
		case "json_object":
			return &fakeopenai.Reply{Status: 400, Body: `{"detail":"response_format json_object is not supported"}`}
		}
		return nil
	})
	job := f.job()
	job.Count, job.Category, job.Concurrency = 20, "orders", 1
	rep, err := Run(context.Background(), job, f.progress)
	if err != nil {
		t.Fatal(err)
	}
	var formats []string
	for _, q := range f.srv.Requests() {
		formats = append(formats, q.Format())
		if _, has := q.Fields["response_format"]; has != (q.Format() != "") {
			t.Errorf("request %d: response_format key present %v", q.N, has)
		}
	}
	if got := strings.Join(formats, ","); got != "json_schema,json_object,," {
		t.Errorf("formats %q, want json_schema, json_object, then none twice", got)
	}
	if rep.Format != "none" || rep.Retries != 0 || rep.Accepted != 20 {
		t.Errorf("format %s, retries %d, accepted %d", rep.Format, rep.Retries, rep.Accepted)
	}
	if fb := f.eventsOf(EventFallback); len(fb) != 2 || fb[0].Format != "json_object" || fb[1].Format != "none" {
		t.Errorf("fallback events %+v", fb)
	}
}

// No more requests than the concurrency are in flight at once.
func TestRunConcurrency(t *testing.T) {
	for _, conc := range []int{1, 2, 3} {
		f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
			_, n := q.Asked()
			return &fakeopenai.Reply{Delay: 50 * time.Millisecond, Content: fakeopenai.Batch(fakeopenai.Conversations(n, uint64(q.N+500)))}
		})
		job := f.job()
		job.Count, job.Concurrency = 60, conc
		rep, err := Run(context.Background(), job, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.srv.MaxInFlight(); got != conc {
			t.Errorf("concurrency %d: %d requests in flight at most", conc, got)
		}
		if rep.Accepted != 60 {
			t.Errorf("concurrency %d: accepted %d", conc, rep.Accepted)
		}
		readRows(t, f.train)
	}
}

// Cancelling a run (Ctrl-C) leaves a valid file holding the batches
// already accepted; running again completes the plan.
func TestRunCancelAndResume(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		if q.N == 0 {
			return nil
		}
		return &fakeopenai.Reply{Delay: time.Minute, Content: "{}"}
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	job := f.job()
	rep, err := Run(ctx, job, func(e Event) {
		if e.Kind == EventBatch {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || rep.Stopped != "cancelled" {
		t.Fatalf("err %v, stopped %q", err, rep.Stopped)
	}
	rows := readRows(t, f.train)
	if len(rows) != 6+rep.Accepted || rep.Accepted == 0 || rep.Accepted >= 24 {
		t.Fatalf("%d rows after accepting %d", len(rows), rep.Accepted)
	}

	// The rerun measures the file and makes up the rest.
	f2 := newFixture(t, nil)
	job.Provider.BaseURL = f2.srv.URL
	rep2, err := Run(context.Background(), job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep2.Existing != len(rows) || rep2.Accepted != 30-len(rows) {
		t.Errorf("rerun: existing %d, accepted %d", rep2.Existing, rep2.Accepted)
	}
	rows = readRows(t, f.train)
	want := map[string]int{"orders": 15, "returns": 8, "billing": 7}
	if got := countByCategory(rows); len(rows) != 30 || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%d rows, categories %v, want %v", len(rows), got, want)
	}
}

// The API key is sent to the configured endpoint and nowhere else: not in
// errors, progress events, the report or the file, even when the endpoint
// echoes it back.
func TestRunKeyNeverLeaks(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		switch q.N {
		case 0:
			return fakeopenai.Error(500, "upstream failed for "+q.Auth, "server_error", nil)
		case 1:
			return &fakeopenai.Reply{Status: 502, Body: "proxy error; request headers: Authorization: " + q.Auth}
		}
		return fakeopenai.Error(401, "Incorrect API key provided: "+strings.TrimPrefix(q.Auth, "Bearer ")+". You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", nil)
	})
	var log bytes.Buffer
	job := f.job()
	job.Count, job.Category = 10, "orders"
	rep, err := Run(context.Background(), job, func(e Event) {
		b, _ := json.Marshal(e)
		log.Write(b)
		fmt.Fprintf(&log, "%+v %v\n", e, e)
	})
	if err == nil || !strings.Contains(err.Error(), "HTTP 401") || !strings.Contains(err.Error(), "[redacted]") {
		t.Fatalf("err %v", err)
	}
	repJSON, _ := json.Marshal(rep)
	data, _ := os.ReadFile(f.train)
	for name, text := range map[string]string{
		"error": err.Error(), "events": log.String(), "report": string(repJSON) + fmt.Sprintf("%+v", rep), "file": string(data),
		"provider": fmt.Sprintf("%v %+v %#v %s", job.Provider, job.Provider, job.Provider, job.Provider.String()),
	} {
		if strings.Contains(text, testKey) || strings.Contains(text, "SECRETKEY") {
			t.Errorf("the key appears in the %s: %s", name, text)
		}
	}
	for _, q := range f.srv.Requests() {
		if q.Auth != "Bearer "+testKey {
			t.Errorf("request %d was sent without the key", q.N)
		}
	}
	if !strings.Contains(log.String(), "upstream failed for Bearer [redacted]") {
		t.Errorf("retry events do not show the redacted error: %s", log.String())
	}
}

// A model that only writes unusable examples stops the run instead of
// spending requests forever.
func TestRunStopsWithoutProgress(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		return &fakeopenai.Reply{Content: `{"examples":[{"messages":[{"role":"user","content":"no answer"}]}]}`}
	})
	job := f.job()
	job.Count, job.Concurrency = 10, 1
	rep, err := Run(context.Background(), job, nil)
	if !errors.Is(err, ErrNoProgress) {
		t.Fatalf("err %v", err)
	}
	if n := len(f.srv.Requests()); n != stagnationLimit || rep.Accepted != 0 {
		t.Errorf("%d requests, accepted %d", n, rep.Accepted)
	}
}

// A request budget bounds a run whose model keeps falling short.
func TestRunRequestBudget(t *testing.T) {
	f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
		// One usable example per answer, whatever was asked.
		return &fakeopenai.Reply{Content: fakeopenai.Batch(fakeopenai.Conversations(1, uint64(q.N+1)))}
	})
	job := f.job()
	job.Count, job.Concurrency, job.MaxRequests = 10, 1, 4
	rep, err := Run(context.Background(), job, nil)
	if !errors.Is(err, ErrRequestBudget) || rep.Accepted != 4 || len(f.srv.Requests()) != 4 {
		t.Errorf("err %v, accepted %d, %d requests", err, rep.Accepted, len(f.srv.Requests()))
	}
}

// --category fills one category up to its target.
func TestRunOneCategory(t *testing.T) {
	f := newFixture(t, nil)
	job := f.job()
	job.Category = "returns"
	rep, err := Run(context.Background(), job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requested != 6 || rep.Accepted != 6 {
		t.Errorf("requested %d accepted %d, want 6 (8 planned, 2 present)", rep.Requested, rep.Accepted)
	}
	for _, q := range f.srv.Requests() {
		if cat, _ := q.Asked(); cat != "returns" {
			t.Errorf("request for %q", cat)
		}
	}
	if got := countByCategory(readRows(t, f.train)); got["returns"] != 8 {
		t.Errorf("categories %v", got)
	}
	job.Category = "nope"
	if _, err := Run(context.Background(), job, nil); err == nil || !strings.Contains(err.Error(), `no category "nope"`) {
		t.Errorf("unknown category: %v", err)
	}
}

// The system prompt follows the plan's mode.
func TestRunSystemPromptModes(t *testing.T) {
	withSystem := func(q *fakeopenai.Request) *fakeopenai.Reply {
		_, n := q.Asked()
		convs := fakeopenai.Conversations(n, uint64(q.N+11))
		for i := range convs {
			convs[i] = append([]fakeopenai.Message{{Role: "system", Content: fmt.Sprintf("Model-written prompt %d.", i)}}, convs[i]...)
		}
		return &fakeopenai.Reply{Content: fakeopenai.Batch(convs)}
	}
	cases := []struct {
		mode  string
		check func(t *testing.T, systems map[string]int, rows int)
	}{
		{"{mode: none}", func(t *testing.T, s map[string]int, rows int) {
			if len(s) != 0 {
				t.Errorf("system prompts %v, want none", s)
			}
		}},
		{"{mode: varied, prompts: [First prompt., Second prompt.]}", func(t *testing.T, s map[string]int, rows int) {
			if len(s) != 2 || s["First prompt."]+s["Second prompt."] != rows {
				t.Errorf("system prompts %v, want the two listed", s)
			}
		}},
		{"{mode: varied}", func(t *testing.T, s map[string]int, rows int) {
			if len(s) < 5 || !strings.HasPrefix(firstKey(s), "Model-written prompt") {
				t.Errorf("system prompts %v, want the model's own", s)
			}
		}},
		{"{mode: consistent}", func(t *testing.T, s map[string]int, rows int) {
			// No prompt listed: the one the dataset already uses.
			if len(s) != 1 || s[shopPrompt] != rows {
				t.Errorf("system prompts %v, want the dataset's", s)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			f := newFixture(t, withSystem)
			src, _ := os.ReadFile(filepath.Join(f.dir, "shop.plan.yaml"))
			i := bytes.Index(src, []byte("system_prompt:"))
			j := bytes.Index(src, []byte("generation:"))
			plan := string(src[:i]) + "system_prompt: " + c.mode + "\n" + string(src[j:])
			os.WriteFile(filepath.Join(f.dir, "shop.plan.yaml"), []byte(plan), 0o644)
			f.p = loadPlan(t, filepath.Join(f.dir, "shop.plan.yaml"))
			job := f.job()
			job.Count = 10
			if _, err := Run(context.Background(), job, nil); err != nil {
				t.Fatal(err)
			}
			rows := readRows(t, f.train)[6:]
			systems := map[string]int{}
			for _, r := range rows {
				for k, m := range r.Messages {
					if m.Role == "system" {
						if k != 0 {
							t.Errorf("system message at %d", k)
						}
						systems[m.Content.(string)]++
					}
				}
			}
			c.check(t, systems, len(rows))
		})
	}
}

func firstKey(m map[string]int) string {
	for k := range m {
		return k
	}
	return ""
}

// Prepare plans the first request and estimates the cost without sending
// anything.
func TestPrepare(t *testing.T) {
	f := newFixture(t, nil)
	job := f.job()
	pv, err := Prepare(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	if pv.Requested != 24 || pv.Requests != 3 || pv.Batch.Category != "billing" || pv.Batch.Count != 6 {
		t.Errorf("preview: requested %d, %d requests, first batch %d %s", pv.Requested, pv.Requests, pv.Batch.Count, pv.Batch.Category)
	}
	if pv.Request.Model != "gpt-4o-mini" || len(pv.Request.Messages) != 2 || pv.Request.ResponseFormat == nil {
		t.Errorf("request %+v", pv.Request)
	}
	if pv.PromptTokens < 500 || pv.CompletionTokens < 24*50 || !pv.CostKnown || pv.Cost <= 0 {
		t.Errorf("estimate: %d + %d tokens, $%f %v", pv.PromptTokens, pv.CompletionTokens, pv.Cost, pv.CostKnown)
	}
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
	job.Provider.Model = "llama3.2:latest"
	if pv, _ = Prepare(context.Background(), job); pv.CostKnown {
		t.Error("an unknown model has a cost")
	}
}

// A JSON array dataset cannot be appended to.
func TestRunRefusesJSONArray(t *testing.T) {
	f := newFixture(t, nil)
	os.WriteFile(f.train, []byte(`[{"messages":[]}]`), 0o644)
	if _, err := Run(context.Background(), f.job(), nil); err == nil || !strings.Contains(err.Error(), "JSON array") {
		t.Errorf("err %v", err)
	}
}

// The editor's path: rows go to a sink, and the dataset is measured from
// a buffer rather than the file on disk.
func TestRunWithSinkAndBuffer(t *testing.T) {
	f := newFixture(t, nil)
	var got [][]byte
	job := f.job()
	job.Existing = []byte{} // an empty, unsaved buffer
	job.Sink = sinkFunc(func(rows [][]byte) error { got = append(got, rows...); return nil })
	rep, err := Run(context.Background(), job, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Existing != 0 || rep.Accepted != 30 || len(got) != 30 {
		t.Errorf("existing %d accepted %d sunk %d", rep.Existing, rep.Accepted, len(got))
	}
	if rows := readRows(t, f.train); len(rows) != 6 {
		t.Errorf("the file was written (%d rows)", len(rows))
	}
}

type sinkFunc func([][]byte) error

func (s sinkFunc) Append(rows [][]byte) error { return s(rows) }
