package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// The same scenarios through both shells, `ftls` on the command line and
// `ftls serve` over a real pipe: both are thin shells over one engine and
// one set of jobs, so a finding, a refusal or a written file must come out
// the same whichever way it was asked for.

// shellRows returns n distinct, valid chat rows of category cat.
func shellRows(n int, cat, word string) []string {
	var rows []string
	for i := range n {
		rows = append(rows, fmt.Sprintf(`{"messages":[{"role":"system","content":"You are the shop's assistant."},{"role":"user","content":"%s question %d about parcel %d and its %s"},{"role":"assistant","content":"A %s answer %d: the parcel %d is on its way, %s."}],"metadata":{"category":%q}}`,
			word, i, i*7, word, word, i, i*13, strings.Repeat("truly ", i%5), cat))
	}
	return rows
}

// runCLI runs the ftls binary in dir and returns its exit code, standard
// output and standard error.
func runCLI(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(ftlsBinary, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestShellsDiagnosticsOfAPair: a training file and a validation file that
// leaks two of its rows; every finding of each, D004 and B006 included, is
// the same in `ftls check --format json` and in the editor.
func TestShellsDiagnosticsOfAPair(t *testing.T) {
	dir := t.TempDir()
	train := shellRows(40, "orders", "train")
	train[3] = strings.Replace(train[3], `"assistant"`, `"asistant"`, 1)
	valid := append(shellRows(6, "orders", "valid"), train[10], train[20])
	writeFiles(t, dir, map[string]string{
		"train.jsonl": strings.Join(train, "\n") + "\n",
		"valid.jsonl": strings.Join(valid, "\n") + "\n",
	})
	_, out, _ := runCLI(t, dir, "check", "--format", "json", "train.jsonl", "valid.jsonl")
	var report struct {
		Diagnostics []struct {
			Path                             string
			Line, Column, EndLine, EndColumn int
			Code, Message                    string
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatalf("ftls check --format json: %v\n%s", err, out)
	}
	cli := map[string][]string{}
	for _, d := range report.Diagnostics {
		cli[d.Path] = append(cli[d.Path], fmt.Sprintf("%d:%d-%d:%d %s %s", d.Line, d.Column, d.EndLine, d.EndColumn, d.Code, d.Message))
	}

	c := startServer(t)
	c.initialize(nil, false)
	editor := map[string][]string{}
	for _, name := range []string{"train.jsonl", "valid.jsonl"} {
		text, _ := os.ReadFile(filepath.Join(dir, name))
		uri := pathURI(filepath.Join(dir, name))
		c.open(uri, "jsonl", string(text))
		for _, d := range c.waitFull(uri, 1) {
			editor[name] = append(editor[name], fmt.Sprintf("%d:%d-%d:%d %s %s", d.Range.Start.Line+1, d.Range.Start.Character+1, d.Range.End.Line+1, d.Range.End.Character+1, d.Code, d.Message))
		}
	}
	// The validation file's leak findings follow the training file's
	// full check: wait for them to settle.
	c.waitFor("D004 in valid.jsonl", func() bool {
		return strings.Contains(codes(c.diags[pathURI(filepath.Join(dir, "valid.jsonl"))].Diagnostics), "D004")
	})
	time.Sleep(300 * time.Millisecond)
	c.mu.Lock()
	editor["valid.jsonl"] = nil
	for _, d := range c.diags[pathURI(filepath.Join(dir, "valid.jsonl"))].Diagnostics {
		editor["valid.jsonl"] = append(editor["valid.jsonl"], fmt.Sprintf("%d:%d-%d:%d %s %s", d.Range.Start.Line+1, d.Range.Start.Character+1, d.Range.End.Line+1, d.Range.End.Character+1, d.Code, d.Message))
	}
	c.mu.Unlock()
	for _, name := range []string{"train.jsonl", "valid.jsonl"} {
		sort.Strings(cli[name])
		sort.Strings(editor[name])
		if got, want := strings.Join(editor[name], "\n"), strings.Join(cli[name], "\n"); got != want {
			t.Errorf("%s: the editor shows\n%s\n`ftls check` prints\n%s", name, got, want)
		}
	}
	if !strings.Contains(strings.Join(cli["valid.jsonl"], "\n"), "D004") {
		t.Errorf("no D004 in valid.jsonl: %q", cli["valid.jsonl"])
	}
}

// shellPlan is a plan governing train.jsonl with extra lines.
func shellPlan(extra string) string {
	return `version: 1
task: {type: customer-support, domain: e-commerce}
size: {examples: 60, complexity: simple}
categories:
  - {name: orders, weight: 1}
output: {train: train.jsonl, validation: validation.jsonl}
` + extra
}

// serverError runs a command in the editor and returns the error it ends
// with: the request's error, or the error message shown afterwards.
func serverError(t *testing.T, dir, doc, command string, arg map[string]any) string {
	t.Helper()
	c := startServer(t)
	c.initialize(nil, false)
	text, _ := os.ReadFile(filepath.Join(dir, doc))
	uri := pathURI(filepath.Join(dir, doc))
	lang := "jsonl"
	if strings.HasSuffix(doc, ".yaml") {
		lang = "yaml"
	}
	c.open(uri, lang, string(text))
	c.waitFull(uri, 1)
	if arg == nil {
		arg = map[string]any{}
	}
	arg["uri"], arg["version"] = uri, 1
	if err := c.call("workspace/executeCommand", map[string]any{"command": command, "arguments": []any{arg}}, nil); err != nil {
		return regexp.MustCompile(`^jsonrpc2: code -?\d+ message: `).ReplaceAllString(err.Error(), "")
	}
	var msg string
	c.waitFor("an error message", func() bool {
		for _, m := range c.messages {
			if m.Type == protocol.MessageError {
				msg = m.Message
				return true
			}
		}
		return false
	})
	return strings.TrimPrefix(msg, "ftls: ")
}

// TestShellsSplitBadRatio: a plan whose validation.split is 0 is refused
// by both, with the same words.
func TestShellsSplitBadRatio(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"train.jsonl": strings.Join(shellRows(40, "orders", "a"), "\n") + "\n",
		"s.plan.yaml": shellPlan("validation: {split: 0}\n"),
	})
	code, _, stderr := runCLI(t, dir, "split", "train.jsonl")
	if code == 0 {
		t.Fatalf("ftls split accepted validation.split: 0")
	}
	editor := serverError(t, dir, "train.jsonl", cmdSplit, nil)
	if !strings.Contains(editor, "validation.split is 0") || !strings.Contains(stderr, editor) {
		t.Errorf("the editor says %q, ftls split says %q", editor, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "validation.jsonl")); err == nil {
		t.Error("a validation file was written")
	}
}

// TestShellsGenerateInvalidPlan: a plan with an error finding (a negative
// weight, P004) is refused by both before anything is sent, with the same
// words.
func TestShellsGenerateInvalidPlan(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"train.jsonl": strings.Join(shellRows(12, "orders", "a"), "\n") + "\n",
		"s.plan.yaml": strings.Replace(shellPlan(""), "weight: 1}", "weight: 1}\n  - {name: returns, weight: -2}", 1),
	})
	code, _, stderr := runCLI(t, dir, "generate", "--dry-run", "--plan", "s.plan.yaml")
	if code == 0 {
		t.Fatalf("ftls generate accepted a plan with P004")
	}
	for _, doc := range []string{"train.jsonl", "s.plan.yaml"} {
		editor := serverError(t, dir, doc, cmdGenerate, map[string]any{"count": 3})
		if !strings.Contains(editor, "P004") || !strings.Contains(stderr, editor) {
			t.Errorf("from %s, the editor says %q, ftls generate says %q", doc, editor, stderr)
		}
	}
}

// TestShellsInfo: dataset_info.txt is the same file written by `ftls
// info` and by the editor's "Write dataset_info.txt".
func TestShellsInfo(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"train.jsonl": strings.Join(shellRows(30, "orders", "a"), "\n") + "\n",
		"s.plan.yaml": shellPlan(""),
	})
	info := filepath.Join(dir, "dataset_info.txt")
	if code, _, stderr := runCLI(t, dir, "info", "train.jsonl"); code != 0 {
		t.Fatalf("ftls info: %s", stderr)
	}
	cli, err := os.ReadFile(info)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(info)

	c := startServer(t)
	c.initialize(nil, false)
	text, _ := os.ReadFile(filepath.Join(dir, "train.jsonl"))
	uri := pathURI(filepath.Join(dir, "train.jsonl"))
	c.open(uri, "jsonl", string(text))
	c.waitFull(uri, 1)
	c.mustCall("workspace/executeCommand", map[string]any{"command": cmdInfo, "arguments": []any{protocol.VersionedTextDocumentIdentifier{URI: uri, Version: 1}}}, nil)
	var editor []byte
	c.waitFor("dataset_info.txt", func() bool {
		editor, err = os.ReadFile(info)
		return err == nil && len(editor) > 0
	})
	if !bytes.Equal(editor, cli) {
		el, cl := strings.Split(string(editor), "\n"), strings.Split(string(cli), "\n")
		for i := range min(len(el), len(cl)) {
			if el[i] != cl[i] {
				t.Errorf("dataset_info.txt line %d from the editor:\n%s\nfrom ftls info:\n%s", i+1, el[i], cl[i])
				break
			}
		}
		if len(el) != len(cl) {
			t.Errorf("dataset_info.txt: %d lines from the editor, %d from ftls info", len(el), len(cl))
		}
	}
}

// TestShellsSplitInterrupted: a validation file whose rows are all still
// in the training file (a split killed between its two renames) gets the
// same advice from both shells, which never says to append it.
func TestShellsSplitInterrupted(t *testing.T) {
	dir := t.TempDir()
	rows := shellRows(40, "orders", "a")
	writeFiles(t, dir, map[string]string{
		"train.jsonl":      strings.Join(rows, "\n") + "\n",
		"validation.jsonl": strings.Join(rows[:4], "\n") + "\n",
		"s.plan.yaml":      shellPlan(""),
	})
	code, _, stderr := runCLI(t, dir, "split", "train.jsonl")
	if code == 0 || !strings.Contains(stderr, "interrupted") {
		t.Fatalf("ftls split: exit %d, %s", code, stderr)
	}
	editor := serverError(t, dir, "train.jsonl", cmdSplit, nil)
	if !strings.Contains(editor, "interrupted") || strings.Contains(editor, "append it") {
		t.Errorf("the editor says %q", editor)
	}
}
