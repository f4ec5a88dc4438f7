package generator

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/internal/plan"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// closedURL returns a loopback URL where nothing listens.
func closedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/v1/models"
}

func TestResolveProviderPrecedence(t *testing.T) {
	ctx := context.Background()
	withPlan := parsePlan(t, "version: 1\ngeneration: {model: plan-model, base_url: 'http://127.0.0.1:9/plan/v1'}\n")
	withoutPlan := parsePlan(t, "version: 1\n")
	e := env(map[string]string{EnvBaseURL: "http://127.0.0.1:9/env/v1", EnvAPIKey: "sk-env", EnvModel: "env-model"})

	p, err := ResolveProvider(ctx, ResolveOptions{Flags: ProviderConfig{BaseURL: "http://127.0.0.1:9/flag/v1/", Model: "flag-model"}, Plan: withPlan, Getenv: e})
	if err != nil {
		t.Fatal(err)
	}
	if p.BaseURL != "http://127.0.0.1:9/flag/v1" || p.Model != "flag-model" || p.APIKey != "sk-env" {
		t.Errorf("flags: %+v", p)
	}
	p, _ = ResolveProvider(ctx, ResolveOptions{Plan: withPlan, Getenv: e})
	if p.BaseURL != "http://127.0.0.1:9/plan/v1" || p.Model != "plan-model" {
		t.Errorf("plan: %+v", p)
	}
	p, _ = ResolveProvider(ctx, ResolveOptions{Plan: withoutPlan, Getenv: e})
	if p.BaseURL != "http://127.0.0.1:9/env/v1" || p.Model != "env-model" {
		t.Errorf("env: %+v", p)
	}
	// A key alone means OpenAI, with the plan's default model.
	p, _ = ResolveProvider(ctx, ResolveOptions{Plan: withoutPlan, Getenv: env(map[string]string{EnvAPIKey: "sk-x"})})
	if p.BaseURL != OpenAIBaseURL || p.Model != "gpt-4o-mini" {
		t.Errorf("key only: %+v", p)
	}
	if strings.Contains(p.String()+fmt.Sprintf("%v %+v %#v", p, p, p), "sk-x") {
		t.Errorf("the key appears when the provider is printed")
	}
}

// A plan cannot send the user's key to a host the user did not name.
func TestResolveProviderPlanHostNeedsConfirmation(t *testing.T) {
	ctx := context.Background()
	planAt := func(u string) ResolveOptions {
		return ResolveOptions{Plan: parsePlan(t, "version: 1\ngeneration: {base_url: '"+u+"'}\n"),
			Getenv: env(map[string]string{EnvAPIKey: "sk-user"})}
	}
	p, _ := ResolveProvider(ctx, planAt("https://collector.example/v1"))
	if p.APIKey != "" || !strings.Contains(p.Note, "collector.example") {
		t.Errorf("foreign host from the plan: key %q, note %q", p.APIKey, p.Note)
	}
	for _, u := range []string{"http://127.0.0.1:8000/v1", "http://localhost:11434/v1", "http://[::1]:8000/v1", "https://api.openai.com/v1"} {
		if p, _ := ResolveProvider(ctx, planAt(u)); p.APIKey != "sk-user" {
			t.Errorf("%s: key withheld", u)
		}
	}
	// Confirmed by the environment or a flag.
	o := planAt("https://gpu01.lab:8000/v1")
	o.Getenv = env(map[string]string{EnvAPIKey: "sk-user", EnvBaseURL: "https://gpu01.lab:8000/v1"})
	if p, _ := ResolveProvider(ctx, o); p.APIKey != "sk-user" || p.BaseURL != "https://gpu01.lab:8000/v1" {
		t.Errorf("confirmed by %s: %+v", EnvBaseURL, p)
	}
	o = planAt("https://gpu01.lab:8000/v1")
	o.Flags.BaseURL = "https://gpu01.lab:8000/v1"
	if p, _ := ResolveProvider(ctx, o); p.APIKey != "sk-user" {
		t.Errorf("confirmed by the flag: %+v", p)
	}
}

func TestResolveProviderOllama(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/models" || r.Header.Get("Authorization") != "" {
			http.Error(w, "unexpected", 400)
			return
		}
		fmt.Fprint(w, `{"object":"list","data":[{"id":"nomic-embed-text:latest"},{"id":"llama3.2:latest"},{"id":"qwen2.5:7b"}]}`)
	}))
	defer srv.Close()
	ctx := context.Background()
	probe := srv.URL + "/v1/models"
	p, err := ResolveProvider(ctx, ResolveOptions{Plan: parsePlan(t, "version: 1\n"), Probe: true, ProbeURL: probe})
	if err != nil {
		t.Fatal(err)
	}
	if p.BaseURL != srv.URL+"/v1" || p.Model != "llama3.2:latest" || p.APIKey != "" {
		t.Errorf("ollama: %+v", p)
	}
	// A model the plan names is used when the server has it; otherwise
	// the first one, with a note.
	p, _ = ResolveProvider(ctx, ResolveOptions{Plan: parsePlan(t, "version: 1\ngeneration: {model: 'qwen2.5:7b'}\n"), Probe: true, ProbeURL: probe})
	if p.Model != "qwen2.5:7b" || p.Note != "" {
		t.Errorf("plan model on ollama: %+v", p)
	}
	p, _ = ResolveProvider(ctx, ResolveOptions{Plan: parsePlan(t, "version: 1\ngeneration: {model: gpt-4o}\n"), Probe: true, ProbeURL: probe})
	if p.Model != "llama3.2:latest" || !strings.Contains(p.Note, "gpt-4o is not available") {
		t.Errorf("missing model on ollama: %+v", p)
	}
}

func TestResolveProviderNothingConfigured(t *testing.T) {
	start := time.Now()
	_, err := ResolveProvider(context.Background(), ResolveOptions{
		Plan: parsePlan(t, "version: 1\n"), Getenv: env(nil), Probe: true, ProbeURL: closedURL(t), ProbeTimeout: 500 * time.Millisecond,
	})
	if !errors.Is(err, ErrNoProvider) {
		t.Fatalf("err %v, want ErrNoProvider", err)
	}
	for _, want := range []string{EnvAPIKey, EnvBaseURL, EnvModel, "generation.base_url", "--base-url", "ollama serve", "127.0.0.1:11434"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("the probe took %s", time.Since(start))
	}
}

func TestRedact(t *testing.T) {
	key := "sk-proj-abc123SECRET"
	in := `401: Incorrect API key provided: sk-proj-abc123SECRET. Header was "Authorization: Bearer sk-other-token", see docs`
	out := redact(in, key)
	if strings.Contains(out, "SECRET") || strings.Contains(out, "sk-other-token") {
		t.Errorf("redact left a secret: %s", out)
	}
	if !strings.Contains(out, "Incorrect API key provided: [redacted]") || !strings.Contains(out, "Bearer [redacted]") {
		t.Errorf("redact: %s", out)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		ra, ms string
		want   time.Duration
		ok     bool
	}{
		{"2", "", 2 * time.Second, true},
		{"0.5", "", 500 * time.Millisecond, true},
		{now.Add(30 * time.Second).Format(http.TimeFormat), "", 30 * time.Second, true},
		{now.Add(-time.Minute).Format(http.TimeFormat), "", 0, true},
		{"", "1500", 1500 * time.Millisecond, true},
		{"10", "250", 250 * time.Millisecond, true},
		{"soon", "", 0, false},
		{"-3", "", 0, false},
		{"", "", 0, false},
	}
	for _, c := range cases {
		got, ok := parseRetryAfter(c.ra, c.ms, now)
		if got != c.want || ok != c.ok {
			t.Errorf("parseRetryAfter(%q, %q) = %s, %v; want %s, %v", c.ra, c.ms, got, ok, c.want, c.ok)
		}
	}
}

func TestPrices(t *testing.T) {
	for model, want := range map[string]float64{
		"gpt-4o-mini": 0.15, "gpt-4o-mini-2024-07-18": 0.15, "gpt-4o": 2.5, "gpt-4o-2024-08-06": 2.5,
		"gpt-4.1": 2, "gpt-4.1-mini": 0.4, "gpt-4.1-mini-2025-04-14": 0.4, "gpt-3.5-turbo-0125": 0.5,
	} {
		p, ok := DefaultPrices.Lookup(model)
		if !ok || p.Input != want {
			t.Errorf("%s: %v %v, want input %v", model, p, ok, want)
		}
	}
	if _, ok := DefaultPrices.Lookup("llama3.2:latest"); ok {
		t.Error("an unknown model has a price")
	}
	cost, ok := DefaultPrices.Cost("gpt-4o-mini", 1_000_000, 2_000_000)
	if !ok || math.Abs(cost-1.35) > 1e-9 {
		t.Errorf("cost %v %v, want 1.35", cost, ok)
	}
	name, price, err := ParsePrice("llama3=0.1/0.2")
	if err != nil || name != "llama3" || price != (Price{0.1, 0.2}) {
		t.Errorf("ParsePrice: %v %v %v", name, price, err)
	}
	for _, bad := range []string{"x", "x=1", "=1/2", "x=a/b", "x=-1/2"} {
		if _, _, err := ParsePrice(bad); err == nil {
			t.Errorf("ParsePrice(%q) accepted", bad)
		}
	}
}

func TestFileSink(t *testing.T) {
	dir := t.TempDir()
	rows := [][]byte{[]byte(`{"a":1}`), []byte(`{"b":2}`)}

	// A missing file and folder are created.
	p := filepath.Join(dir, "new", "train.jsonl")
	if err := (&FileSink{p}).Append(rows); err != nil {
		t.Fatal(err)
	}
	expectFile(t, p, "{\"a\":1}\n{\"b\":2}\n")

	// A last line without a terminator is ended first.
	p = filepath.Join(dir, "open.jsonl")
	os.WriteFile(p, []byte(`{"x":0}`), 0o600)
	if err := (&FileSink{p}).Append(rows[:1]); err != nil {
		t.Fatal(err)
	}
	expectFile(t, p, "{\"x\":0}\n{\"a\":1}\n")
	if st, _ := os.Stat(p); runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
	}

	// CRLF files stay CRLF.
	p = filepath.Join(dir, "crlf.jsonl")
	os.WriteFile(p, []byte("{\"x\":0}\r\n"), 0o644)
	(&FileSink{p}).Append(rows)
	expectFile(t, p, "{\"x\":0}\r\n{\"a\":1}\r\n{\"b\":2}\r\n")

	// No temporary file is left behind.
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".ftls-") {
			t.Errorf("temporary file %s left", e.Name())
		}
	}
}

func expectFile(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("%s = %q, want %q", filepath.Base(path), got, want)
	}
}

// A key never travels in clear to another machine, whoever chose the URL;
// a plan's endpoint gets it once the user confirmed it for that plan, and
// the record lives in the user's configuration folder.
func TestResolveProviderKeyRules(t *testing.T) {
	ctx := context.Background()
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	t.Setenv("HOME", cfg)
	e := env(map[string]string{EnvAPIKey: "sk-user"})
	// The user's own choice of a plain-http remote endpoint.
	for _, o := range []ResolveOptions{
		{Flags: ProviderConfig{BaseURL: "http://gpu-box.lan:8000/v1"}, Getenv: e},
		{Getenv: env(map[string]string{EnvAPIKey: "sk-user", EnvBaseURL: "http://10.0.0.5:8000/v1"})},
	} {
		p, err := ResolveProvider(ctx, o)
		if err != nil || p.APIKey != "" || !strings.Contains(p.Note, "plain http") {
			t.Errorf("plain http remote: key %q note %q err %v", p.APIKey, p.Note, err)
		}
	}
	dir := t.TempDir()
	planPath := filepath.Join(dir, "ftls.plan.yaml")
	pl := parsePlan(t, "version: 1\ngeneration: {base_url: 'https://collector.example/v1'}\n")
	pl.Path = planPath
	p, _ := ResolveProvider(ctx, ResolveOptions{Plan: pl, Getenv: e})
	if p.APIKey != "" || p.PlanEndpoint != "https://collector.example/v1" {
		t.Fatalf("unconfirmed: key %q endpoint %q", p.APIKey, p.PlanEndpoint)
	}
	if err := TrustPlanEndpoint(planPath, p.PlanEndpoint); err != nil {
		t.Fatal(err)
	}
	tf, _ := TrustFile()
	if !strings.HasPrefix(tf, cfg) || strings.HasPrefix(tf, dir) {
		t.Errorf("trust file %s not in the user's config folder", tf)
	}
	if p, _ = ResolveProvider(ctx, ResolveOptions{Plan: pl, Getenv: e}); p.APIKey != "sk-user" {
		t.Errorf("confirmed endpoint: key withheld (%s)", p.Note)
	}
	// Another plan, or the same plan with another URL, needs its own answer.
	other := parsePlan(t, "version: 1\ngeneration: {base_url: 'https://collector.example/v1'}\n")
	other.Path = filepath.Join(dir, "other.plan.yaml")
	changed := parsePlan(t, "version: 1\ngeneration: {base_url: 'https://evil.example/v1'}\n")
	changed.Path = planPath
	for _, q := range []*plan.Plan{other, changed} {
		if p, _ := ResolveProvider(ctx, ResolveOptions{Plan: q, Getenv: e}); p.APIKey != "" {
			t.Errorf("%s %s: key sent without confirmation", q.Path, q.Generation.BaseURL)
		}
	}
	if err := TrustPlanEndpoint(planPath, "http://203.0.113.9/v1"); err == nil {
		t.Errorf("a plain-http remote endpoint was trusted")
	}
}

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"http://user:secret@host:8000/v1": "http://user:[redacted]@host:8000/v1",
		"https://tok@host/v1":             "https://[redacted]@host/v1",
		"https://host/v1":                 "https://host/v1",
		"ht tp://u:secret@h\x7f/":         "ht tp://[redacted]@h\x7f/",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
	p := Provider{BaseURL: "http://user:secret@127.0.0.1/v1", Model: "m"}
	if strings.Contains(p.String(), "secret") {
		t.Errorf("String shows the password: %s", p)
	}
}
