package main

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/plan"
)

// runInitWith runs `ftls init` with the given answers on stdin, as if on a
// terminal when tty is true.
func runInitWith(t *testing.T, tty bool, input string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	oldIn, oldTTY := stdin, isTerminal
	t.Cleanup(func() { stdin, isTerminal = oldIn, oldTTY })
	stdin = strings.NewReader(input)
	isTerminal = func() bool { return tty }
	var out, errOut bytes.Buffer
	code = run(append([]string{"init"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// parsePlan reads a written plan and fails on any diagnostic.
func parsePlan(t *testing.T, path string) *plan.Plan {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	p, diags := plan.Parse(path, data)
	for _, d := range diags {
		t.Errorf("written plan: %s %d:%d %s", d.Code, d.Range.Start.Line+1, d.Range.Start.Character+1, d.Message)
	}
	return p
}

func TestInitNonInteractive(t *testing.T) {
	cases := []struct {
		name  string
		tty   bool
		args  []string
		check func(t *testing.T, p *plan.Plan)
	}{
		{"defaults without a terminal", false, nil, func(t *testing.T, p *plan.Plan) {
			if p.Size.Examples != 500 || p.Size.Complexity != "medium" || p.Task.Type != plan.DefaultTaskType || len(p.Categories) != 0 {
				t.Errorf("plan %+v %+v", p.Size, p.Task)
			}
		}},
		{"--yes on a terminal", true, []string{"--yes"}, func(t *testing.T, p *plan.Plan) {
			if p.Validation.Split != 0.1 || p.Generation.Model != plan.DefaultModel {
				t.Errorf("plan %+v %+v", p.Validation, p.Generation)
			}
		}},
		{"flags", true, []string{
			"--task-type", "customer-support", "--domain", "e-commerce", "--complexity", "complex",
			"--categories", "order-status,returns,billing", "--tone", "friendly", "--response-length", "brief",
			"--multi-turn", "30%", "--validation-split", "0.15", "--model", "gpt-4o", "--description", "Helps shoppers: orders & returns.",
		}, func(t *testing.T, p *plan.Plan) {
			var names []string
			for _, c := range p.Categories {
				names = append(names, c.Name)
			}
			got := []any{p.Task.Type, p.Task.Domain, p.Task.Description, p.Size.Complexity, p.Size.Examples, names,
				p.Style.Tone, p.Style.ResponseLength, p.Diversity.MultiTurn, p.Validation.Split, p.Generation.Model}
			want := []any{"customer-support", "e-commerce", "Helps shoppers: orders & returns.", "complex", 2000,
				[]string{"order-status", "returns", "billing"}, "friendly", "brief", 0.3, 0.15, "gpt-4o"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("plan values %v, want %v", got, want)
			}
		}},
		{"examples flag wins over the complexity default", false, []string{"--examples", "3000", "--complexity", "domain-adaptation"}, func(t *testing.T, p *plan.Plan) {
			if p.Size.Examples != 3000 || p.Size.Complexity != "domain-adaptation" {
				t.Errorf("size %+v", p.Size)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "support.plan.yaml")
			// Nothing on stdin: a prompt would hit end of input and fail.
			code, out, errOut := runInitWith(t, c.tty, "", append(c.args, path)...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if strings.Contains(out, "[") {
				t.Errorf("asked questions although non-interactive:\n%s", out)
			}
			if !strings.Contains(out, "wrote "+path) {
				t.Errorf("output %q", out)
			}
			c.check(t, parsePlan(t, path))
		})
	}
}

func TestInitDefaultFile(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if code, _, errOut := runInitWith(t, false, ""); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	parsePlan(t, filepath.Join(dir, "dataset.plan.yaml"))
	// A folder argument gets the default name inside it.
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runInitWith(t, false, "", sub); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	parsePlan(t, filepath.Join(sub, "dataset.plan.yaml"))
}

func TestInitInteractive(t *testing.T) {
	// One line per question, in order: task type, domain, complexity,
	// examples, categories, tone, response length, multi-turn, split,
	// model. Invalid replies are asked again.
	input := strings.Join([]string{
		"customer-support",
		"", // domain: keep the default
		"hard",
		"complex",
		"many",
		"2,500",
		"returns, returns",
		"returns, order-status",
		"",
		"short",
		"step-by-step",
		"150%",
		"25%",
		"0.2",
		"llama3.1:8b",
	}, "\n") + "\n"
	path := filepath.Join(t.TempDir(), "s.plan.yaml")
	code, out, errOut := runInitWith(t, true, input, path)
	if code != exitOK {
		t.Fatalf("exit %d: %s\n%s", code, errOut, out)
	}
	for _, s := range []string{
		"[instruction-following]", "[general]", "[medium]", "[2000]", "[none]", "[professional]", "[moderate]", "[0.2]", "[0.1]", "[gpt-4o-mini]",
		"enter simple, medium, complex or domain-adaptation",
		"enter a whole number",
		`category "returns" is listed twice`,
		"enter brief, moderate, detailed or step-by-step",
		"enter a share between 0 and 1",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("transcript lacks %q:\n%s", s, out)
		}
	}
	p := parsePlan(t, path)
	got := []any{p.Task.Type, p.Task.Domain, p.Size.Complexity, p.Size.Examples, len(p.Categories), p.Style.Tone,
		p.Style.ResponseLength, p.Diversity.MultiTurn, p.Validation.Split, p.Generation.Model}
	want := []any{"customer-support", plan.DefaultDomain, "complex", 2500, 2, plan.DefaultTone, "step-by-step", 0.25, 0.2, "llama3.1:8b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("plan values %v, want %v", got, want)
	}
}

func TestInitInteractiveNotes(t *testing.T) {
	// Answers against the recommendations are kept, with a note, and the
	// plan then carries the matching warnings.
	input := "\n\n\n50\n\n\n\n\n0.5\n\n"
	path := filepath.Join(t.TempDir(), "n.plan.yaml")
	code, out, errOut := runInitWith(t, true, input, path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, s := range []string{"note: medium tasks usually need 500-2,000 examples", "note: outside the recommended 10-20 %", "note: B005", "note: B006"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
}

func TestInitInteractiveCancelled(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.plan.yaml")
	code, _, errOut := runInitWith(t, true, "customer-support\n", path)
	if code != exitUsage || !strings.Contains(errOut, "cancelled") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("a cancelled init wrote %s", path)
	}
}

func TestInitRefusesOverwrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.plan.yaml")
	if err := os.WriteFile(path, []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tty := range []bool{false, true} {
		code, out, errOut := runInitWith(t, tty, "\n\n\n\n\n\n\n\n\n\n", path)
		if code != exitUsage || !strings.Contains(errOut, "already exists; use --force") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if strings.Contains(out, "[") {
			t.Errorf("asked questions before refusing:\n%s", out)
		}
		if data, _ := os.ReadFile(path); string(data) != "mine\n" {
			t.Fatalf("file was changed: %q", data)
		}
	}
	code, _, errOut := runInitWith(t, false, "", "--force", path)
	if code != exitOK {
		t.Fatalf("--force: exit %d: %s", code, errOut)
	}
	parsePlan(t, path)
}

func TestInitUsageErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		msg  string
	}{
		{[]string{"--complexity", "hard", filepath.Join(dir, "a.plan.yaml")}, `--complexity "hard": enter simple, medium, complex or domain-adaptation`},
		{[]string{"--multi-turn", "2", filepath.Join(dir, "b.plan.yaml")}, "--multi-turn"},
		{[]string{"--examples", "-3", filepath.Join(dir, "c.plan.yaml")}, "--examples"},
		{[]string{"--categories", "a,,b", filepath.Join(dir, "d.plan.yaml")}, "--categories"},
		{[]string{"--categories", "billing,Billing", filepath.Join(dir, "e.plan.yaml")}, `"billing" and "Billing" differ only in case`},
		{[]string{"one.plan.yaml", "two.plan.yaml"}, "Usage: ftls init"},
		{[]string{"--bogus"}, "unknown flag"},
	}
	for _, c := range cases {
		code, _, errOut := runInitWith(t, false, "", c.args...)
		if code != exitUsage || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, stderr %q", c.args, code, errOut)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors wrote files: %v", entries)
	}
}
