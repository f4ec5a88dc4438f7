// Package clitest drives `ftls review` and `ftls check` end to end: the
// real binary (internal/testbin) against a judge on 127.0.0.1
// (fakeopenai.Judge), counting the requests that reach it.
//
// go test ./internal/review/clitest -update rewrites testdata/golden.
package clitest

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/testbin"
)

var update = flag.Bool("update", false, "rewrite testdata/golden")

var ftlsBin string

func TestMain(m *testing.M) { testbin.Main(m, &ftlsBin) }

const apiKey = "sk-test-REVIEW-0a1b2c3d4e5f-SECRET"

// project copies testdata/project into a temporary folder.
func project(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"shop.plan.yaml", "data.jsonl"} {
		data, err := os.ReadFile(filepath.Join("testdata", "project", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

type result struct {
	code           int
	stdout, stderr string
}

// ftls runs the binary in dir with the judge at baseURL ("" for none).
func ftls(t *testing.T, dir, baseURL string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ftlsBin, args...)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LANG=C.UTF-8", "TMPDIR=" + os.TempDir(), "NO_COLOR=1"}
	if baseURL != "" {
		cmd.Env = append(cmd.Env, "OPENAI_BASE_URL="+baseURL, "OPENAI_API_KEY="+apiKey)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	r := result{code, out.String(), errOut.String()}
	if strings.Contains(r.stdout+r.stderr, apiKey) {
		t.Errorf("the API key was printed:\n%s\n%s", r.stdout, r.stderr)
	}
	return r
}

func (r result) want(t *testing.T, code int, contains ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
	for _, c := range contains {
		if !strings.Contains(r.stdout+r.stderr, c) {
			t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", c, r.stdout, r.stderr)
		}
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// rowsSent counts the rows the judge received, over every request.
func rowsSent(srv *fakeopenai.Server) (requests, rows int) {
	for _, r := range srv.Requests() {
		requests++
		rows += len(r.ReviewRows())
	}
	return requests, rows
}

// TestReviewThenCheck reviews a dataset, checks it from the cache alone,
// and proves the cache: a second review sends nothing, an edited row is
// sent alone.
func TestReviewThenCheck(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Judge)
	defer srv.Close()
	dir := project(t)

	dry := ftls(t, dir, srv.URL, "review", "--dry-run")
	dry.want(t, 0, "Dry run: nothing was sent.", "5 rows in 2 requests", "judge-1")
	if n, _ := rowsSent(srv); n != 0 {
		t.Fatalf("the dry run sent %d requests", n)
	}

	r := ftls(t, dir, srv.URL, "review")
	r.want(t, 0, "Reviewed data.jsonl with judge-1: 5 rows, 0 cached, 5 sent in 2 requests.", "3 flagged", "Tokens:   2,500 prompt + 300 completion")
	if reqs, rows := rowsSent(srv); reqs != 2 || rows != 5 {
		t.Fatalf("the review sent %d rows in %d requests", rows, reqs)
	}
	for _, req := range srv.Requests() {
		if req.Body.Model != "judge-1" || req.Auth != "Bearer "+apiKey {
			t.Errorf("request to model %q with auth %q", req.Body.Model, req.Auth)
		}
		if !strings.Contains(req.Prompt("system"), "customer-support") || !strings.Contains(req.Prompt("system"), "friendly") {
			t.Errorf("the rubric lacks the plan:\n%s", req.Prompt("system"))
		}
	}
	side, err := os.ReadFile(filepath.Join(dir, "data.jsonl.ftls-review"))
	if err != nil || bytes.Contains(side, []byte(apiKey)) {
		t.Fatalf("sidecar: %v\n%s", err, side)
	}

	// check shows the cached findings without a request.
	before, _ := rowsSent(srv)
	c := ftls(t, dir, "", "check", "data.jsonl")
	golden(t, "check-reviewed.txt", c.stdout+"--- stderr\n"+c.stderr)
	c.want(t, 0, "R001", "R002", "R004", "3 flagged, 0 unreviewed")
	for _, format := range []string{"json", "sarif", "github"} {
		f := ftls(t, dir, "", "check", "--format", format, "data.jsonl")
		f.want(t, 0, "R001", "The answer is wrong.")
	}
	if n, _ := rowsSent(srv); n != before {
		t.Fatalf("check sent %d requests", n-before)
	}

	// A second review sends nothing.
	r = ftls(t, dir, srv.URL, "review")
	r.want(t, 0, "5 rows, 5 cached, 0 sent in 0 requests.")
	if n, _ := rowsSent(srv); n != before {
		t.Fatalf("the second review sent %d requests", n-before)
	}

	// Fixing the wrong answer makes its verdict stale: its finding
	// disappears, the row counts as unreviewed, and only it is sent.
	data, _ := os.ReadFile(filepath.Join(dir, "data.jsonl"))
	data = bytes.Replace(data, []byte("WRONG: returns are never possible."), []byte("Start a return from your orders page."), 1)
	os.WriteFile(filepath.Join(dir, "data.jsonl"), data, 0o644)
	c = ftls(t, dir, "", "check", "data.jsonl")
	c.want(t, 0, "4 of 5 rows reviewed, 2 flagged, 1 unreviewed")
	if strings.Contains(c.stdout, "R001") {
		t.Errorf("the stale verdict still shows:\n%s", c.stdout)
	}
	r = ftls(t, dir, srv.URL, "review")
	r.want(t, 0, "5 rows, 4 cached, 1 sent in 1 request.")
	reqs := srv.Requests()
	if len(reqs) != before+1 || len(reqs[before].ReviewRows()) != 1 || !strings.Contains(reqs[before].Prompt("user"), "Start a return") {
		t.Fatalf("after one edit: %d requests (want 1) carrying %d rows", len(reqs)-before, len(reqs[len(reqs)-1].ReviewRows()))
	}
}

// TestDamagedSidecar hand-edits the cache: each bad line is reported with
// its place, the others still apply, and nothing crashes.
func TestDamagedSidecar(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Judge)
	defer srv.Close()
	dir := project(t)
	ftls(t, dir, srv.URL, "review").want(t, 0)
	path := filepath.Join(dir, "data.jsonl.ftls-review")
	side, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSuffix(string(side), "\n"), "\n")
	lines[2] = strings.Replace(lines[2], `"score":1`, `"score":11`, 1) // row 2: the WRONG answer
	lines = append(lines, `{"row": "oops"`, "\x00\x01 garbage")
	os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	c := ftls(t, dir, "", "check", "data.jsonl")
	c.want(t, 0, "data.jsonl.ftls-review:3: accuracy score 11 is outside 1-5; line skipped",
		"data.jsonl.ftls-review:7: not a verdict", "data.jsonl.ftls-review:8: not a verdict", "R002", "1 unreviewed")
	// The review re-sends only the row whose verdict was unreadable.
	before, _ := rowsSent(srv)
	ftls(t, dir, srv.URL, "review").want(t, 0, "5 rows, 4 cached, 1 sent in 1 request.")
	if n, rows := rowsSent(srv); n != before+1 || rows != 6 {
		t.Errorf("%d requests, %d rows in all", n, rows)
	}
}

// TestUntrustedJudge runs the CLI against a judge that misbehaves: a rate
// limit with Retry-After, a server error, then malformed answers.
func TestUntrustedJudge(t *testing.T) {
	calls := 0
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		calls++
		switch calls {
		case 1:
			return fakeopenai.Error(429, "rate limited", "rate_limit", map[string]string{"Retry-After": "0.1"})
		case 2:
			return fakeopenai.Error(500, "boom", "server_error", nil)
		case 3:
			return &fakeopenai.Reply{Content: "I think these rows are fine."}
		}
		return fakeopenai.Judge(req)
	})
	defer srv.Close()
	dir := project(t)
	r := ftls(t, dir, srv.URL, "review")
	r.want(t, 0, "retry 1", "retry 2", "Retries:  2", "the judge's answer is not JSON", "2 new")
	r = ftls(t, dir, srv.URL, "review")
	r.want(t, 0, "5 rows, 2 cached, 3 sent")
}

// TestCategorizeFix proposes categories for uncategorised rows and writes
// them.
func TestCategorizeFix(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Judge)
	defer srv.Close()
	dir := project(t)
	data := `{"messages": [{"role": "user", "content": "category:returns how do I send boots back?"}, {"role": "assistant", "content": "Use the free label."}]}
{"messages": [{"role": "user", "content": "Will it rain tomorrow?"}, {"role": "assistant", "content": "I cannot say."}]}
`
	os.WriteFile(filepath.Join(dir, "data.jsonl"), []byte(data), 0o644)
	r := ftls(t, dir, srv.URL, "review", "--categorize")
	r.want(t, 0, "2 categorized")
	c := ftls(t, dir, "", "check", "--rule", "B002=warning", "data.jsonl")
	c.want(t, 0, `R007 reviewer proposes category "returns"`, "R007 no category of the plan fits this row")
	r = ftls(t, dir, srv.URL, "review", "--categorize", "--fix")
	r.want(t, 0, "Categories written: 1 rows")
	got, _ := os.ReadFile(filepath.Join(dir, "data.jsonl"))
	if !strings.Contains(string(got), `"metadata":{"category":"returns"}`) || strings.Count(string(got), "category\":") != 1 {
		t.Errorf("dataset after --fix:\n%s", got)
	}
}

// TestGenerateReview generates with --review: the judge sees every
// accepted batch, the rows it scores low are dropped and generated again,
// the report counts them by rule, and the rows kept are never sent to the
// judge again by `ftls review`.
func TestGenerateReview(t *testing.T) {
	n := 0
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		if ok, _ := req.IsReview(); ok {
			return fakeopenai.Judge(req)
		}
		_, count := req.Asked()
		convs := fakeopenai.Conversations(count, uint64(len(req.Raw)))
		for i := range convs {
			if n++; n%3 == 0 {
				convs[i][1].Content = "WRONG " + convs[i][1].Content
			}
		}
		return &fakeopenai.Reply{Content: fakeopenai.Batch(convs), PromptTokens: 100, CompletionTokens: 10}
	})
	defer srv.Close()
	dir := project(t)
	r := ftls(t, dir, srv.URL, "generate", "--review", "--count", "6", "--batch-size", "10", "--model", "gen-1")
	r.want(t, 0, "Added 6 of 6 examples", "review (R001 ", "Review:   ", "judged by judge-1")
	var judged int
	for _, req := range srv.Requests() {
		if ok, _ := req.IsReview(); ok {
			judged += len(req.ReviewRows())
			for _, row := range req.ReviewRows() {
				if row.Category == "" {
					t.Errorf("a generated row reached the judge without its category")
				}
			}
		}
	}
	data, _ := os.ReadFile(filepath.Join(dir, "data.jsonl"))
	if strings.Count(string(data), "WRONG") != 1 { // the fixture's own row
		t.Errorf("rows the judge rejected were appended:\n%s", data)
	}
	if judged < 6 {
		t.Errorf("the judge saw %d rows", judged)
	}
	// The generated rows' verdicts are cached: a review sends only the 5
	// rows that were there before.
	before := len(srv.Requests())
	r = ftls(t, dir, srv.URL, "review")
	r.want(t, 0, "11 rows, 6 cached, 5 sent")
	if len(srv.Requests()) == before {
		t.Error("no request for the 5 older rows")
	}
}

// TestReviewBatchAPI reviews through the Batch API: one upload, one
// batch, the verdicts recorded as with direct requests.
func TestReviewBatchAPI(t *testing.T) {
	srv := fakeopenai.New(fakeopenai.Judge)
	defer srv.Close()
	dir := project(t)
	r := ftls(t, dir, srv.URL, "review", "--batch-api", "--poll-interval", "10ms")
	r.want(t, 0, "5 sent in 2 requests", "3 flagged", "submitted batch", "completed, 2/2 requests")
	if len(srv.Uploads()) != 1 || len(srv.BatchCreates()) != 1 || len(srv.BatchLines()) != 2 {
		t.Fatalf("%d uploads, %d batches, %d lines", len(srv.Uploads()), len(srv.BatchCreates()), len(srv.BatchLines()))
	}
	ftls(t, dir, "", "check", "data.jsonl").want(t, 0, "5 of 5 rows reviewed, 3 flagged")
}

// TestInterruptKeepsVerdicts interrupts `ftls review` (SIGINT, as Ctrl-C
// does) while the judge holds the second batch: the first batch's
// verdicts are in the cache, and the next run sends only the rest.
func TestInterruptKeepsVerdicts(t *testing.T) {
	answered := make(chan struct{}, 10)
	srv := fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		r := fakeopenai.Judge(req)
		switch req.N {
		case 0:
			answered <- struct{}{}
		case 1:
			r.Delay = 30 * time.Second // the plan sends one batch at a time
		}
		return r
	})
	defer srv.Close()
	dir := project(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, ftlsBin, "review")
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "OPENAI_BASE_URL=" + srv.URL, "OPENAI_API_KEY=" + apiKey}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-answered
	for deadline := time.Now().Add(10 * time.Second); len(srv.Requests()) < 2; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the second batch was not sent")
		}
	}
	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	err := cmd.Wait()
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the interrupt took %s", d)
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(errOut.String(), "review interrupted") {
		t.Fatalf("exit %v\nstdout:\n%s\nstderr:\n%s", err, out.String(), errOut.String())
	}
	ftls(t, dir, "", "check", "data.jsonl").want(t, 0, "3 of 5 rows reviewed", "2 unreviewed")
	before := len(srv.Requests())
	ftls(t, dir, srv.URL, "review", "--concurrency", "1").want(t, 0, "5 rows, 3 cached, 2 sent")
	if got := srv.Requests()[before:]; len(got) != 1 || len(got[0].ReviewRows()) != 2 {
		t.Errorf("the rerun sent %d requests", len(got))
	}
}
