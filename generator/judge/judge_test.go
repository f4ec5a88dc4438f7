package judge

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/review"
)

const secret = "sk-test-SECRET-judge-key"

// dataset writes n rows; rows listed in wrong answer WRONG.
func dataset(t *testing.T, n int, wrong ...int) (string, []byte) {
	t.Helper()
	var b strings.Builder
	for i := range n {
		ans := fmt.Sprintf("Answer number %d.", i)
		for _, w := range wrong {
			if w == i {
				ans = "WRONG " + ans
			}
		}
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"Question %d?"},{"role":"assistant","content":%q}]}`+"\n", i, ans)
	}
	path := filepath.Join(t.TempDir(), "d.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, []byte(b.String())
}

func testPlan() *plan.Plan {
	p, _ := plan.Parse("t.plan.yaml", []byte("version: 1\ntask: {type: support, domain: shop}\ncategories:\n  - {name: returns, description: sending goods back}\n  - {name: orders, description: where an order is}\n"))
	return p
}

func job(t *testing.T, srv *fakeopenai.Server, path string, data []byte) Job {
	t.Helper()
	p := testPlan()
	s := diagnostics.DefaultSettings()
	rows, err := review.ReadRows(context.Background(), data, s)
	if err != nil {
		t.Fatal(err)
	}
	st, _, err := review.Load(path, review.NewRubric(p), "judge-model")
	if err != nil {
		t.Fatal(err)
	}
	return Job{
		Provider: generator.Provider{BaseURL: srv.URL, APIKey: secret, Model: "judge-model"},
		Store:    st, Rows: rows, Live: review.Live(rows), BatchSize: 4, Concurrency: 2,
		Chat: generator.ChatOptions{Backoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Timeout: 2 * time.Second},
	}
}

func reviewRequests(srv *fakeopenai.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if ok, _ := r.IsReview(); ok {
			n++
		}
	}
	return n
}

func TestRunRecordsVerdictsAndCaches(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Judge)
	defer srv.Close()
	path, data := dataset(t, 10, 3, 7)
	rep, err := Run(context.Background(), job(t, srv, path, data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Judged != 10 || rep.Flagged != 2 || rep.Requests != 3 || len(rep.Notes) > 0 {
		t.Fatalf("report %+v", rep)
	}
	if rep.PromptTokens != 5000 || rep.CompletionTokens != 600 {
		t.Errorf("tokens %d/%d", rep.PromptTokens, rep.CompletionTokens)
	}
	side, err := os.ReadFile(review.SidecarPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(side), secret) || !strings.Contains(string(side), "The answer is wrong.") {
		t.Errorf("sidecar:\n%s", side)
	}
	for _, r := range srv.Requests() {
		if r.Auth != "Bearer "+secret {
			t.Errorf("auth header %q", r.Auth)
		}
		if r.Format() != "json_schema" {
			t.Errorf("response_format %q", r.Format())
		}
	}
	// A second run sends nothing.
	before := reviewRequests(srv)
	rep, err = Run(context.Background(), job(t, srv, path, data), nil)
	if err != nil || rep.Sent != 0 || rep.Cached != 10 || reviewRequests(srv) != before {
		t.Fatalf("second run: %+v %v, %d requests", rep, err, reviewRequests(srv)-before)
	}
	// One row changes: exactly that row is sent.
	data2 := []byte(strings.Replace(string(data), "Answer number 5.", "Answer number five.", 1))
	os.WriteFile(path, data2, 0o644)
	rep, err = Run(context.Background(), job(t, srv, path, data2), nil)
	if err != nil || rep.Sent != 1 || rep.Requests != 1 {
		t.Fatalf("after an edit: %+v %v", rep, err)
	}
	last := srv.Requests()[len(srv.Requests())-1]
	if rows := last.ReviewRows(); len(rows) != 1 || !strings.Contains(rows[0].Turns[1].Content, "five") {
		t.Errorf("the request carried %+v", rows)
	}
}

// TestUntrustedAnswers checks each way a judge's answer can be wrong:
// every one gets a note and no verdict for the rows concerned.
func TestUntrustedAnswers(t *testing.T) {
	tests := []struct {
		name   string
		answer func(req *fakeopenai.Request) string
		judged int
		note   string
	}{
		{"fenced", func(req *fakeopenai.Request) string {
			return "Here you go:\n```json\n" + judged(req, nil) + "\n```"
		}, 4, ""},
		{"bare array", func(req *fakeopenai.Request) string {
			b, _ := json.Marshal(fakeopenai.JudgeVerdicts(req))
			return string(b)
		}, 4, ""},
		{"not JSON", func(*fakeopenai.Request) string { return "All rows look fine to me." }, 0, "not JSON"},
		{"no rows key", func(*fakeopenai.Request) string { return `{"verdicts": []}` }, 0, `without a "rows" list`},
		{"a row left out", func(req *fakeopenai.Request) string {
			return judged(req, func(v []map[string]any) []map[string]any { return v[1:] })
		}, 3, "leaves out the rows at line 1"},
		{"a wrong id", func(req *fakeopenai.Request) string {
			return judged(req, func(v []map[string]any) []map[string]any { v[0]["id"] = "r99"; return v })
		}, 3, `names row "r99"`},
		{"a row twice", func(req *fakeopenai.Request) string {
			return judged(req, func(v []map[string]any) []map[string]any { return append(v, v[0]) })
		}, 3, "twice"},
		{"a score out of range", func(req *fakeopenai.Request) string {
			return judged(req, func(v []map[string]any) []map[string]any {
				v[2]["scores"].(map[string]any)["accuracy"].(map[string]any)["score"] = 9
				return v
			})
		}, 3, "accuracy score 9 is outside 1-5"},
		{"a criterion missing", func(req *fakeopenai.Request) string {
			return judged(req, func(v []map[string]any) []map[string]any {
				delete(v[3]["scores"].(map[string]any), "flow")
				return v
			})
		}, 3, "no flow score"},
		{"no reason", func(req *fakeopenai.Request) string {
			return judged(req, func(v []map[string]any) []map[string]any {
				v[0]["scores"].(map[string]any)["realism"].(map[string]any)["reason"] = " "
				return v
			})
		}, 3, "realism has no reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
				return &fakeopenai.Reply{Content: tt.answer(req)}
			})
			defer srv.Close()
			path, data := dataset(t, 4)
			rep, err := Run(context.Background(), job(t, srv, path, data), nil)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Judged != tt.judged {
				t.Errorf("judged %d rows, want %d (notes %v)", rep.Judged, tt.judged, rep.Notes)
			}
			notes := strings.Join(rep.Notes, "\n")
			if tt.note == "" && notes != "" || !strings.Contains(notes, tt.note) {
				t.Errorf("notes %q, want %q", notes, tt.note)
			}
			st, _, _ := review.Load(path, review.NewRubric(testPlan()), "judge-model")
			if got := st.Status(review.Keys(job(t, srv, path, data).Rows)); got.Reviewed != tt.judged {
				t.Errorf("the sidecar holds %d verdicts, want %d", got.Reviewed, tt.judged)
			}
		})
	}
}

// judged answers req as the fake judge would, after edit.
func judged(req *fakeopenai.Request, edit func([]map[string]any) []map[string]any) string {
	v := fakeopenai.JudgeVerdicts(req)
	if edit != nil {
		v = edit(v)
	}
	b, _ := json.Marshal(map[string]any{"rows": v})
	return string(b)
}

func TestRetriesHonourRetryAfter(t *testing.T) {
	var calls atomic.Int32
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		switch calls.Add(1) {
		case 1:
			return fakeopenai.Error(429, "slow down", "rate_limit", map[string]string{"Retry-After": "0.2"})
		case 2:
			return fakeopenai.Error(500, "oops "+secret, "server_error", nil)
		}
		return fakeopenai.Judge(req)
	})
	defer srv.Close()
	path, data := dataset(t, 3)
	j := job(t, srv, path, data)
	j.Concurrency = 1
	var events []Event
	rep, err := Run(context.Background(), j, func(e Event) { events = append(events, e) })
	if err != nil || rep.Judged != 3 || rep.Retries != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	reqs := srv.Requests()
	if gap := reqs[1].Arrived.Sub(reqs[0].Arrived); gap < 200*time.Millisecond {
		t.Errorf("retried after %s, before Retry-After", gap)
	}
	for _, e := range events {
		if strings.Contains(e.Message, secret) {
			t.Errorf("an event carries the key: %s", e.Message)
		}
	}
}

func TestTimeoutsAndTruncation(t *testing.T) {
	t.Run("slow", func(t *testing.T) {
		srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply { return &fakeopenai.Reply{Delay: time.Second} })
		defer srv.Close()
		path, data := dataset(t, 2)
		j := job(t, srv, path, data)
		j.Chat.Timeout, j.Chat.MaxRetries = 50*time.Millisecond, 1
		start := time.Now()
		_, err := Run(context.Background(), j, nil)
		if err == nil || !strings.Contains(err.Error(), "no answer within") || time.Since(start) > 900*time.Millisecond {
			t.Fatalf("err %v after %s", err, time.Since(start))
		}
	})
	t.Run("truncated", func(t *testing.T) {
		srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
			full := judged(req, nil)
			return &fakeopenai.Reply{Content: full[:len(full)/2], Finish: "length"}
		})
		defer srv.Close()
		path, data := dataset(t, 2)
		rep, err := Run(context.Background(), job(t, srv, path, data), nil)
		notes := strings.Join(rep.Notes, "\n")
		if err != nil || rep.Judged != 0 || !strings.Contains(notes, "cut off") {
			t.Fatalf("%+v %v", rep, err)
		}
	})
}

// TestCancelKeepsVerdicts cancels a run after its first batch: the
// verdicts received are in the sidecar.
func TestCancelKeepsVerdicts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		if calls.Add(1) > 1 {
			cancel()
			return &fakeopenai.Reply{Delay: 5 * time.Second}
		}
		return fakeopenai.Judge(req)
	})
	defer srv.Close()
	path, data := dataset(t, 12)
	j := job(t, srv, path, data)
	j.Concurrency = 1
	rep, err := Run(ctx, j, nil)
	if err == nil || rep.Stopped != "cancelled" {
		t.Fatalf("%+v %v", rep, err)
	}
	st, _, _ := review.Load(path, review.NewRubric(testPlan()), "judge-model")
	if got := st.Status(review.Keys(j.Rows)); got.Reviewed != 4 {
		t.Errorf("after cancelling, %d verdicts are kept, want the first batch's 4", got.Reviewed)
	}
}

func TestCategorize(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Judge)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "d.jsonl")
	data := []byte(`{"messages":[{"role":"user","content":"category:returns please"},{"role":"assistant","content":"ok"}]}
{"messages":[{"role":"user","content":"the weather?"},{"role":"assistant","content":"sunny"}]}
{"messages":[{"role":"user","content":"x"},{"role":"assistant","content":"y"}],"metadata":{"category":"orders"}}
`)
	j := job(t, srv, path, data)
	j.Categorize = true
	rep, err := Run(context.Background(), j, nil)
	if err != nil || rep.Categorized != 2 {
		t.Fatalf("%+v %v", rep, err)
	}
	v, _ := j.Store.Verdict(j.Rows[0].Key)
	if v.Category == nil || v.Category.Proposed != "returns" {
		t.Errorf("row 1: %+v", v.Category)
	}
	v, _ = j.Store.Verdict(j.Rows[1].Key)
	if v.Category == nil || v.Category.Proposed != "" {
		t.Errorf("row 2: %+v", v.Category)
	}
}

func TestEstimate(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Judge)
	defer srv.Close()
	path, data := dataset(t, 10)
	j := job(t, srv, path, data)
	j.Provider.Model = "gpt-4o-mini"
	e := EstimateRun(j)
	if e.Requests != 3 || e.Sent != 10 || e.PromptTokens < 1000 || !e.CostKnown || e.Cost <= 0 {
		t.Fatalf("%+v", e)
	}
	if len(srv.Requests()) != 0 {
		t.Error("the estimate sent a request")
	}
}
