package main

// Tests of `ftls generate` against a fake OpenAI-compatible endpoint on
// 127.0.0.1; nothing leaves the machine.

import (
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/plan"
)

const generateKey = "sk-test-cli-0a1b2c3d4e5f6789SECRET"

// generateSandbox copies the generator's shop fixture (a 30-example plan
// and 6 rows) into a temporary folder, makes it the working directory, and
// gives `ftls generate` the environment env and an Ollama probe address
// where nothing listens.
func generateSandbox(t *testing.T, env map[string]string) string {
	t.Helper()
	src := filepath.Join(testdataDir, "..", "..", "..", "generator", "testdata", "shop")
	dir := t.TempDir()
	for _, name := range []string{"shop.plan.yaml", "training_data.jsonl"} {
		data, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	oldEnv, oldProbe := generateEnv, generateProbeURL
	generateEnv = func(k string) string { return env[k] }
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	generateProbeURL = "http://" + l.Addr().String() + "/v1/models"
	l.Close()
	t.Cleanup(func() { generateEnv, generateProbeURL = oldEnv, oldProbe })
	return dir
}

func jsonLines(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i, l := range out {
		if !json.Valid([]byte(l)) {
			t.Errorf("line %d is not JSON: %q", i+1, l)
		}
	}
	return out
}

func TestGenerateFillsThePlan(t *testing.T) {
	srv := fakeopenai.New(nil)
	defer srv.Close()
	generateSandbox(t, map[string]string{"OPENAI_BASE_URL": srv.URL, "OPENAI_API_KEY": generateKey})
	r := ftls(t, "generate")
	r.wantCode(t, exitOK)
	for _, want := range []string{
		"Added 24 of 24 examples to training_data.jsonl (6 rows before).",
		"orders       3 + 12   =   15  (target 15)",
		"Dropped:  0 (none)",
		"Requests: 4; response format json_schema",
		"Tokens:   4,000 prompt + 2,400 completion",
		"Cost:     about $",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, want := range []string{"generating with gpt-4o-mini at " + srv.URL, "key from OPENAI_API_KEY", "generating 24 examples", "batch 1 (billing): 6 of 6 accepted", "24/24\n"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, generateKey) {
		t.Error("the key was printed")
	}
	if n := len(jsonLines(t, "training_data.jsonl")); n != 30 {
		t.Errorf("%d rows, want 30", n)
	}
	// Running again finds the plan complete.
	r = ftls(t, "generate")
	r.wantCode(t, exitOK)
	if !strings.Contains(r.stdout, "Nothing to generate: training_data.jsonl already has what the plan asks for (30 rows)") || len(srv.Requests()) != 4 {
		t.Errorf("second run:\n%s", r.stdout)
	}
}

// Flags beat the plan and the environment.
func TestGenerateFlags(t *testing.T) {
	srv := fakeopenai.New(nil)
	defer srv.Close()
	generateSandbox(t, map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:1/v1", "OPENAI_MODEL": "env-model"})
	r := ftls(t, "generate", "--count", "5", "--category", "returns", "--model", "flag-model",
		"--base-url", srv.URL, "--concurrency", "1", "--json", "training_data.jsonl")
	r.wantCode(t, exitOK)
	var rep generator.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, r.stdout)
	}
	if rep.Accepted != 5 || rep.Model != "flag-model" {
		t.Errorf("report %+v", rep)
	}
	for _, q := range srv.Requests() {
		if cat, _ := q.Asked(); q.Body.Model != "flag-model" || cat != "returns" || q.Auth != "" {
			t.Errorf("request: model %q category %q auth %q", q.Body.Model, cat, q.Auth)
		}
	}
}

// --dry-run prints the first request and the estimate and sends nothing;
// it needs no endpoint.
func TestGenerateDryRun(t *testing.T) {
	generateSandbox(t, nil)
	before := jsonLines(t, "training_data.jsonl")
	r := ftls(t, "generate", "--dry-run", "--plan", "shop.plan.yaml")
	r.wantCode(t, exitOK)
	for _, want := range []string{
		"Dry run: nothing was sent.",
		"Dataset:  training_data.jsonl (6 rows present, 24 to add)",
		"First request: batch 1, 6 examples of \"billing\", model gpt-4o-mini, temperature 0.7",
		"----- system message -----", "----- user message -----", "----- response_format -----",
		`Write 6 conversations for the category "billing".`,
		"You are the support assistant of Trailhead Outfitters.",
		"Estimate: 3 requests, about ",
		"with gpt-4o-mini.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	if after := jsonLines(t, "training_data.jsonl"); len(after) != len(before) {
		t.Error("the dataset changed")
	}
	// Same seed, same prompts.
	if again := ftls(t, "generate", "--dry-run"); again.stdout != r.stdout {
		t.Error("two dry runs differ")
	}
	// Unknown models have no price.
	r = ftls(t, "generate", "--dry-run", "--model", "llama3.2")
	if !strings.Contains(r.stdout, "cost unknown: llama3.2 has no price") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
}

func TestGenerateNoProvider(t *testing.T) {
	generateSandbox(t, nil)
	r := ftls(t, "generate")
	r.wantCode(t, exitUsage)
	for _, want := range []string{"no model provider configured", "OPENAI_API_KEY", "OPENAI_BASE_URL", "generation.base_url", "--base-url", "ollama serve"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// A provider error stops the run with exit status 1, a message without
// the key, and the file intact.
func TestGenerateProviderError(t *testing.T) {
	srv := fakeopenai.New(func(q *fakeopenai.Request) *fakeopenai.Reply {
		return fakeopenai.Error(401, "Incorrect API key provided: "+strings.TrimPrefix(q.Auth, "Bearer "), "invalid_request_error", nil)
	})
	defer srv.Close()
	generateSandbox(t, map[string]string{"OPENAI_BASE_URL": srv.URL, "OPENAI_API_KEY": generateKey})
	r := ftls(t, "generate")
	r.wantCode(t, exitFindings)
	for _, want := range []string{"generation stopped", "HTTP 401", "Incorrect API key provided: [redacted]", "0 rows were written"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, generateKey) || strings.Contains(r.stdout+r.stderr, "SECRET") {
		t.Errorf("the key was printed:\n%s\n%s", r.stdout, r.stderr)
	}
	if n := len(jsonLines(t, "training_data.jsonl")); n != 6 {
		t.Errorf("%d rows, want the 6 it had", n)
	}
}

func TestGenerateUsageErrors(t *testing.T) {
	generateSandbox(t, nil)
	for _, args := range [][]string{
		{"generate", "--count", "-1"},
		{"generate", "--plan", "missing.plan.yaml"},
		{"generate", "--price", "nonsense"},
		{"generate", "a.jsonl", "b.jsonl"},
	} {
		if r := ftls(t, args...); r.code != exitUsage {
			t.Errorf("%v: exit %d, want %d\n%s", args, r.code, exitUsage, r.stderr)
		}
	}
	os.Remove("shop.plan.yaml")
	if r := ftls(t, "generate"); r.code != exitUsage || !strings.Contains(r.stderr, "no plan in the current folder") {
		t.Errorf("no plan: %d %s", r.code, r.stderr)
	}
}

// docs/generation.md shows the dry run of examples/support.plan.yaml
// verbatim; this keeps it true. -update rewrites the block.
func TestGenerateDocsPrompt(t *testing.T) {
	root := filepath.Join(testdataDir, "..", "..", "..")
	t.Chdir(root)
	oldEnv, oldProbe := generateEnv, generateProbeURL
	generateEnv = func(string) string { return "" }
	t.Cleanup(func() { generateEnv, generateProbeURL = oldEnv, oldProbe })
	r := ftls(t, "generate", "--dry-run", "--plan", "examples/support.plan.yaml")
	r.wantCode(t, exitOK)
	doc, err := os.ReadFile("docs/generation.md")
	if err != nil {
		t.Fatal(err)
	}
	const fenceOpen, fenceClose = "```text\n", "```\n"
	start := strings.Index(string(doc), fenceOpen+"Dry run:")
	if start < 0 {
		t.Fatal("docs/generation.md has no dry-run block")
	}
	start += len(fenceOpen)
	end := start + strings.Index(string(doc[start:]), fenceClose)
	if got := string(doc[start:end]); got != r.stdout {
		if *update {
			out := string(doc[:start]) + r.stdout + string(doc[end:])
			if err := os.WriteFile("docs/generation.md", []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Errorf("docs/generation.md shows an outdated dry run; run go test ./cmd/ftls -run TestGenerateDocsPrompt -update")
	}
}

// --batch-api submits every request as one batch, prints its id at once,
// polls it and appends its results; --batch-id collects a batch submitted
// by an interrupted run.
func TestGenerateBatchAPI(t *testing.T) {
	srv := fakeopenai.New(nil)
	defer srv.Close()
	generateSandbox(t, map[string]string{"OPENAI_BASE_URL": srv.URL, "OPENAI_API_KEY": generateKey})
	r := ftls(t, "generate", "--batch-api", "--poll-interval", "1ms")
	r.wantCode(t, exitOK)
	for _, want := range []string{"Added 24 of 24 examples to training_data.jsonl", "Batch API: half the synchronous price"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
	for _, want := range []string{"submitted batch batch_1 (resume with --batch-id batch_1)", "batch status completed"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if strings.Contains(r.stdout+r.stderr, generateKey) {
		t.Error("the key was printed")
	}
	if n := len(jsonLines(t, "training_data.jsonl")); n != 30 {
		t.Errorf("%d rows, want 30", n)
	}
	if len(srv.Uploads()) != 1 || len(srv.BatchCreates()) != 1 {
		t.Errorf("%d uploads, %d batches", len(srv.Uploads()), len(srv.BatchCreates()))
	}
	if _, err := os.Stat(generator.BatchStatePath("training_data.jsonl")); !os.IsNotExist(err) {
		t.Errorf("state file left: %v", err)
	}
}

func TestGenerateBatchAPIResume(t *testing.T) {
	srv := fakeopenai.New(nil)
	defer srv.Close()
	srv.SetBatchScript([]string{"validating", "in_progress", "in_progress", "completed"}, nil)
	dir := generateSandbox(t, map[string]string{"OPENAI_BASE_URL": srv.URL, "OPENAI_API_KEY": generateKey})
	// A run interrupted right after submitting leaves the state file.
	p, err := plan.Load(filepath.Join(dir, "shop.plan.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	job := generator.Job{Plan: p, Provider: generator.Provider{BaseURL: srv.URL, APIKey: generateKey, Model: "gpt-4o-mini"}, Seed: 1}
	_, err = generator.RunBatch(ctx, job, generator.BatchOptions{PollInterval: time.Millisecond}, func(e generator.Event) {
		if e.Kind == generator.EventSubmitted {
			cancel()
		}
	})
	cancel()
	if err == nil {
		t.Fatal("the run was not interrupted")
	}
	state, err := os.ReadFile(generator.BatchStatePath(filepath.Join(dir, "training_data.jsonl")))
	if err != nil || !strings.Contains(string(state), "batch_1") || strings.Contains(string(state), generateKey) {
		t.Fatalf("state %s, %v", state, err)
	}
	// Submitting again is refused while the batch is pending.
	r := ftls(t, "generate", "--batch-api", "--poll-interval", "1ms")
	if r.code == exitOK || !strings.Contains(r.stderr, "--batch-id batch_1") {
		t.Errorf("second submission: %d\n%s", r.code, r.stderr)
	}
	r = ftls(t, "generate", "--batch-id", "batch_1", "--poll-interval", "1ms")
	r.wantCode(t, exitOK)
	if !strings.Contains(r.stdout, "Added 24 of 24 examples") || len(srv.BatchCreates()) != 1 {
		t.Errorf("resume:\n%s\n%s", r.stdout, r.stderr)
	}
	if n := len(jsonLines(t, "training_data.jsonl")); n != 30 {
		t.Errorf("%d rows, want 30", n)
	}
	if strings.Contains(r.stdout+r.stderr, generateKey) {
		t.Error("the key was printed")
	}
}
