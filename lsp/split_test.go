package lsp

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// The split and info source actions (split.go), end to end over the real
// JSON-RPC pipe, checked against `ftls split` and `ftls info` run on a copy
// of the same files.

// splitFixture copies the example dataset and plan (validation.split
// 0.15) into a new folder and returns the dataset's path.
func splitFixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"training_data.jsonl", "support.plan.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "training_data.jsonl")
}

// cliSplit runs `ftls split` on a fresh copy of the fixture and returns the
// training and validation files it writes.
func cliSplit(t *testing.T) (train, valid string) {
	t.Helper()
	return cliSplitOf(t, splitFixture(t))
}

// cliSplitOf runs `ftls split` on the training file at path, in its folder,
// and returns the training and validation files it writes.
func cliSplitOf(t *testing.T, path string) (train, valid string) {
	t.Helper()
	cmd := exec.Command(ftlsBinary, "split", filepath.Base(path))
	cmd.Dir = filepath.Dir(path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ftls split: %v\n%s", err, out)
	}
	tb, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	vb, err := os.ReadFile(filepath.Join(filepath.Dir(path), "validation_data.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(tb), string(vb)
}

// initializeWith initializes c announcing the given resource operations
// (nil: no workspaceEdit capability at all).
func (c *client) initializeWith(resourceOps []string) {
	c.t.Helper()
	ws := map[string]any{"configuration": false}
	if resourceOps != nil {
		ws["workspaceEdit"] = map[string]any{"documentChanges": true, "resourceOperations": resourceOps}
	}
	var res protocol.InitializeResult
	c.mustCall("initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": nil,
		"capabilities":          map[string]any{"workspace": ws, "window": map[string]any{"showDocument": map[string]any{"support": true}}},
		"initializationOptions": map[string]any{"debounceMs": 5},
	}, &res)
	for _, k := range []string{kindSplit, kindInfo} {
		if !slices.Contains(res.Capabilities.CodeActionProvider.CodeActionKinds, k) {
			c.t.Errorf("code action kinds lack %s: %v", k, res.Capabilities.CodeActionProvider.CodeActionKinds)
		}
	}
	for _, k := range []string{cmdSplit, cmdInfo} {
		if !slices.Contains(res.Capabilities.ExecuteCommandProvider.Commands, k) {
			c.t.Errorf("commands lack %s: %v", k, res.Capabilities.ExecuteCommandProvider.Commands)
		}
	}
	c.notify("initialized", map[string]any{})
}

// sourceActions asks for the source actions of uri and returns them by
// kind.
func (c *client) sourceActionsOf(uri string) map[string]protocol.CodeAction {
	c.t.Helper()
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"source"}},
	}, &actions)
	out := map[string]protocol.CodeAction{}
	for _, a := range actions {
		out[a.Kind] = a
	}
	return out
}

// run executes the command of a code action.
func (c *client) run(a protocol.CodeAction) {
	c.t.Helper()
	if a.Command == nil {
		c.t.Fatalf("action %q has no command", a.Title)
	}
	c.mustCall("workspace/executeCommand", map[string]any{"command": a.Command.Command, "arguments": a.Command.Arguments}, nil)
}

// waitApplied waits for the n-th workspace/applyEdit and returns its
// documentChanges as sent.
func (c *client) waitApplied(n int) (label string, changes []json.RawMessage) {
	c.t.Helper()
	c.waitFor("workspace/applyEdit", func() bool { return len(c.appliedRaw) >= n })
	c.mu.Lock()
	raw := c.appliedRaw[n-1]
	c.mu.Unlock()
	var p struct {
		Label string `json:"label"`
		Edit  struct {
			DocumentChanges []json.RawMessage `json:"documentChanges"`
			Changes         json.RawMessage   `json:"changes"`
		} `json:"edit"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		c.t.Fatal(err)
	}
	if p.Edit.Changes != nil {
		c.t.Errorf("edit uses changes, not documentChanges: %s", raw)
	}
	return p.Label, p.Edit.DocumentChanges
}

type rawCreate struct {
	Kind    string `json:"kind"`
	URI     string `json:"uri"`
	Options *struct {
		Overwrite      *bool `json:"overwrite"`
		IgnoreIfExists *bool `json:"ignoreIfExists"`
	} `json:"options"`
}

type rawDocEdit struct {
	TextDocument struct {
		URI     string `json:"uri"`
		Version *int32 `json:"version"`
	} `json:"textDocument"`
	Edits []protocol.TextEdit `json:"edits"`
}

func decodeAs[T any](t *testing.T, raw json.RawMessage) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return v
}

// lines splits s into lines, each with its "\n".
func lines(s string) []string {
	ls := strings.SplitAfter(s, "\n")
	if ls[len(ls)-1] == "" {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// checkSplitRows checks the validation text against the input: 10 rows,
// each byte-identical to a distinct input row, 2 of each of the 5
// categories of 12 rows (round(0.15 × 12) = 2 per category, as `ftls
// split` prints: stratification rounds per category, so not 9 = 15 % of
// 60), and the training text equal to the input without them.
func checkSplitRows(t *testing.T, input, train, valid string) {
	t.Helper()
	in := lines(input)
	vs := lines(valid)
	if len(in) != 60 || len(vs) != 10 {
		t.Fatalf("%d input rows, %d validation rows; want 60 and 10", len(in), len(vs))
	}
	perCat := map[string]int{}
	for _, v := range vs {
		var row struct {
			Metadata struct {
				Category string `json:"category"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal([]byte(v), &row); err != nil {
			t.Fatal(err)
		}
		perCat[row.Metadata.Category]++
	}
	for _, cat := range []string{"billing", "order-status", "product-questions", "returns", "shipping"} {
		if perCat[cat] != 2 {
			t.Errorf("validation has %d rows of %s, want 2 (%v)", perCat[cat], cat, perCat)
		}
	}
	left := slices.Clone(in)
	for _, v := range vs {
		i := slices.Index(left, v)
		if i < 0 {
			t.Fatalf("validation row is not an input row (or appears twice): %q", v)
		}
		left = slices.Delete(left, i, i+1)
	}
	if got := strings.Join(left, ""); got != train {
		t.Errorf("training text is not the input without the validation rows:\n%s", train)
	}
}

func TestSplitAndInfoSourceActions(t *testing.T) {
	path := splitFixture(t)
	dir := filepath.Dir(path)
	wantTrain, wantValid := cliSplit(t)
	input, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	c := startServer(t)
	c.initializeWith([]string{"create", "rename", "delete"})
	uri := pathURI(path)
	d := c.open(uri, "jsonl", string(input))
	c.waitFull(uri, 1)

	acts := c.sourceActionsOf(uri)
	sa, ok := acts[kindSplit]
	if !ok || sa.Title != "Split validation set (15 %)" || sa.Edit != nil {
		t.Fatalf("split action: %+v (all: %+v)", sa, acts)
	}
	ia, ok := acts[kindInfo]
	if !ok || ia.Title != "Write dataset_info.txt" {
		t.Fatalf("info action: %+v", ia)
	}
	// Asking for quick fixes only leaves them out.
	var qf []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"quickfix"}},
	}, &qf)
	for _, a := range qf {
		if strings.HasPrefix(a.Kind, "source") {
			t.Errorf("source action offered for only=quickfix: %+v", a)
		}
	}

	// Split: one edit creating the validation file, filling it, and
	// removing the moved rows from the versioned training document.
	c.run(sa)
	label, ch := c.waitApplied(1)
	if len(ch) != 3 {
		t.Fatalf("split edit has %d changes, want 3 (create, fill, remove): %s", len(ch), ch)
	}
	validURI := pathURI(filepath.Join(dir, "validation_data.jsonl"))
	cr := decodeAs[rawCreate](t, ch[0])
	if cr.Kind != "create" || cr.URI != validURI || cr.Options == nil || cr.Options.Overwrite == nil || *cr.Options.Overwrite ||
		cr.Options.IgnoreIfExists == nil || *cr.Options.IgnoreIfExists {
		t.Errorf("create operation: %s", ch[0])
	}
	fill := decodeAs[rawDocEdit](t, ch[1])
	// The range ends past the new, empty document, so that Neovim drops
	// the empty last line it would otherwise save as a second newline.
	if fill.TextDocument.URI != validURI || fill.TextDocument.Version != nil || len(fill.Edits) != 1 ||
		fill.Edits[0].Range != (protocol.Range{End: protocol.Position{Line: 1}}) {
		t.Fatalf("validation file edit: %s", ch[1])
	}
	validText := fill.Edits[0].NewText
	if !strings.HasSuffix(validText, "}\n") {
		t.Errorf("the validation text does not end in one newline: %q", tail(validText, 40))
	}
	rm := decodeAs[rawDocEdit](t, ch[2])
	if rm.TextDocument.URI != uri || rm.TextDocument.Version == nil || *rm.TextDocument.Version != 1 {
		t.Fatalf("training edit is not versioned: %s", ch[2])
	}
	if len(rm.Edits) != 10 {
		t.Errorf("%d edits on the training document, want one per moved row (10)", len(rm.Edits))
	}
	for _, e := range rm.Edits {
		if e.NewText != "" || e.Range.Start.Character != 0 || e.Range.End != (protocol.Position{Line: e.Range.Start.Line + 1}) {
			t.Errorf("not a whole-row deletion: %+v", e)
		}
	}
	train := applyEdits(d.text, rm.Edits)
	checkSplitRows(t, d.text, train, validText)
	if validText != wantValid || train != wantTrain {
		t.Errorf("the editor's split differs from `ftls split`:\nvalidation:\n%s\nwant:\n%s", validText, wantValid)
	}
	if !strings.Contains(label, "10 rows") {
		t.Errorf("label %q", label)
	}
	if _, err := os.Stat(filepath.Join(dir, "validation_data.jsonl")); err == nil {
		t.Error("the server wrote the validation file itself although the client creates files")
	}

	// The split file is shown once the edit is applied.
	c.waitFor("the validation file to be shown", func() bool { return len(c.shown) >= 1 })
	c.mu.Lock()
	shown := c.shown[0]
	c.mu.Unlock()
	if shown.URI != validURI || shown.TakeFocus || shown.External {
		t.Errorf("showDocument after the split: %+v", shown)
	}

	// Info: written on disk by the server (a create-and-edit would leave
	// an empty file and an unsaved buffer), then shown.
	infoPath := filepath.Join(dir, "dataset_info.txt")
	c.run(ia)
	c.waitFor("the info file to be shown", func() bool { return len(c.shown) >= 2 })
	c.mu.Lock()
	shown = c.shown[1]
	n := len(c.appliedRaw)
	msgs := slices.Clone(c.messages)
	c.mu.Unlock()
	if shown.URI != pathURI(infoPath) || shown.TakeFocus {
		t.Errorf("showDocument after info: %+v", shown)
	}
	if n != 1 {
		t.Errorf("%d edits sent, want only the split's: the info file is written on disk", n)
	}
	raw, err := os.ReadFile(infoPath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if !strings.HasPrefix(text, "Fine-tuning dataset summary\n===========================\n") {
		t.Errorf("info text does not start with the heading:\n%s", tail(text, 2000))
	}
	if !strings.HasSuffix(text, "\n") || strings.HasSuffix(text, "\n\n") {
		t.Errorf("the info file does not end in exactly one newline: %q", tail(text, 40))
	}
	// The same document as `ftls info` on the same files.
	cmd := exec.Command(ftlsBinary, "info", "--plan", "support.plan.yaml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ftls info: %v\n%s", err, out)
	}
	want, err := os.ReadFile(infoPath)
	if err != nil {
		t.Fatal(err)
	}
	if text != string(want) {
		t.Errorf("info text differs from `ftls info`:\n%s\nwant:\n%s", text, want)
	}
	for _, w := range []string{"60", "order-status", "training_data.jsonl"} {
		if !strings.Contains(text, w) {
			t.Errorf("info text lacks %q", w)
		}
	}
	if len(msgs) != 2 || !strings.Contains(msgs[0].Message, "save both files") || !strings.Contains(msgs[1].Message, "wrote "+infoPath) {
		t.Errorf("messages: %+v", msgs)
	}
}

func TestSplitAndInfoFallbackWithoutResourceOperations(t *testing.T) {
	path := splitFixture(t)
	dir := filepath.Dir(path)
	validPath := filepath.Join(dir, "validation_data.jsonl")
	wantTrain, wantValid := cliSplit(t)
	input, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	c := startServer(t)
	c.initializeWith(nil)
	uri := pathURI(path)
	d := c.open(uri, "jsonl", string(input))
	acts := c.sourceActionsOf(uri)
	if acts[kindSplit].Title != "Split validation set (15 %)" || acts[kindInfo].Command == nil {
		t.Fatalf("source actions: %+v", acts)
	}

	// The validation file is written on disk; the edit only removes rows.
	c.run(acts[kindSplit])
	_, ch := c.waitApplied(1)
	if len(ch) != 1 {
		t.Fatalf("fallback split edit has %d changes, want only the training edit: %s", len(ch), ch)
	}
	rm := decodeAs[rawDocEdit](t, ch[0])
	if rm.TextDocument.URI != uri || rm.TextDocument.Version == nil || *rm.TextDocument.Version != 1 || len(rm.Edits) != 10 {
		t.Fatalf("training edit: %s", ch[0])
	}
	valid, err := os.ReadFile(validPath)
	if err != nil {
		t.Fatalf("validation file not written: %v", err)
	}
	train := applyEdits(d.text, rm.Edits)
	checkSplitRows(t, d.text, train, string(valid))
	if string(valid) != wantValid || train != wantTrain {
		t.Errorf("the fallback split differs from `ftls split`")
	}
	c.waitFor("a message about the fallback", func() bool { return len(c.messages) >= 1 })
	c.mu.Lock()
	m := c.messages[0]
	c.mu.Unlock()
	if m.Type != protocol.MessageInfo || !strings.Contains(m.Message, "written on disk") || !strings.Contains(m.Message, "validation_data.jsonl") {
		t.Errorf("fallback message: %+v", m)
	}

	// Again: the validation file exists now and is not replaced.
	c.run(acts[kindSplit])
	c.waitFor("a refusal", func() bool { return len(c.messages) >= 2 })
	c.mu.Lock()
	m = c.messages[1]
	n := len(c.appliedRaw)
	c.mu.Unlock()
	if m.Type != protocol.MessageError || !strings.Contains(m.Message, "exists") {
		t.Errorf("refusal message: %+v", m)
	}
	if n != 1 {
		t.Errorf("an edit was sent although the validation file exists")
	}
	if after, _ := os.ReadFile(validPath); string(after) != string(valid) {
		t.Error("the existing validation file was changed")
	}

	// Info: written on disk, and said so.
	c.run(acts[kindInfo])
	c.waitFor("a message about the info file", func() bool { return len(c.messages) >= 3 })
	c.mu.Lock()
	m = c.messages[2]
	n = len(c.appliedRaw)
	c.mu.Unlock()
	if m.Type != protocol.MessageInfo || !strings.Contains(m.Message, "wrote") || !strings.Contains(m.Message, "dataset_info.txt") {
		t.Errorf("info message: %+v", m)
	}
	if n != 1 {
		t.Errorf("an edit was sent for the info file without resource operations")
	}
	text, err := os.ReadFile(filepath.Join(dir, "dataset_info.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(text), "Fine-tuning dataset summary\n") || !strings.Contains(string(text), "training_data.jsonl") {
		t.Errorf("info file:\n%s", tail(string(text), 2000))
	}
}

// The split works on the editor's text, not the file on disk, and only on
// the version it was offered for.
func TestSplitActionUsesTheBufferAndItsVersion(t *testing.T) {
	path := splitFixture(t)
	input, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initializeWith([]string{"create"})
	uri := pathURI(path)
	d := c.open(uri, "jsonl", string(input))
	stale := c.sourceActionsOf(uri)[kindSplit]

	// Remove the first row in the editor only.
	first := lines(d.text)[0]
	d.edit(protocol.Range{End: protocol.Position{Line: 1}}, "")
	if strings.HasPrefix(d.text, first) {
		t.Fatal("fixture: the edit did not remove the first row")
	}
	if err := c.call("workspace/executeCommand", map[string]any{"command": stale.Command.Command, "arguments": stale.Command.Arguments}, nil); err == nil ||
		!strings.Contains(err.Error(), "changed since version 1") {
		t.Errorf("a split offered for version 1 ran on version 2: %v", err)
	}
	fresh := c.sourceActionsOf(uri)[kindSplit]
	c.run(fresh)
	_, ch := c.waitApplied(1)
	if len(ch) != 3 {
		t.Fatalf("%d changes", len(ch))
	}
	rm := decodeAs[rawDocEdit](t, ch[2])
	if rm.TextDocument.Version == nil || *rm.TextDocument.Version != 2 {
		t.Fatalf("training edit version: %s", ch[2])
	}
	valid := decodeAs[rawDocEdit](t, ch[1]).Edits[0].NewText
	left := lines(d.text)
	for _, v := range lines(valid) {
		if v == first {
			t.Errorf("the row removed in the editor was moved to validation")
		}
		i := slices.Index(left, v)
		if i < 0 {
			t.Fatalf("validation row not in the buffer: %q", v)
		}
		left = slices.Delete(left, i, i+1)
	}
	if got := applyEdits(d.text, rm.Edits); got != strings.Join(left, "") {
		t.Error("the training edit does not remove exactly the moved rows")
	}
}

// TestSplitActionOnAStreamedOpen: on a document large enough to be read
// as it arrives (its text cut into lines as it came, its rows' summaries
// adopted as the checkers gathered them), the split the editor applies is
// `ftls split`'s, byte for byte. The action checks the buffer's text again
// rather than reading the published rows, so this holds the streamed
// buffer's text, and the edits cut from it, to the file's.
func TestSplitActionOnAStreamedOpen(t *testing.T) {
	data, err := os.ReadFile(genDatasetFile(t, 3000))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < streamFrom {
		t.Fatalf("the dataset is %d bytes, under the %d the server streams from", len(data), streamFrom)
	}
	fixture := func() string {
		path := splitFixture(t)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	wantTrain, wantValid := cliSplitOf(t, fixture())

	path := fixture()
	c := startServer(t)
	c.initializeWith([]string{"create", "rename", "delete"})
	uri := pathURI(path)
	d := c.open(uri, "jsonl", string(data))
	c.waitFull(uri, 1)
	if !c.logged("takes the row summaries gathered") {
		t.Fatalf("the rows' summaries were not adopted; log:\n%s", tail(c.stderr.String(), 2000))
	}
	sa, ok := c.sourceActionsOf(uri)[kindSplit]
	if !ok {
		t.Fatal("no split action")
	}
	c.run(sa)
	_, ch := c.waitApplied(1)
	if len(ch) != 3 {
		t.Fatalf("split edit has %d changes, want 3", len(ch))
	}
	validText := decodeAs[rawDocEdit](t, ch[1]).Edits[0].NewText
	train := applyEdits(d.text, decodeAs[rawDocEdit](t, ch[2]).Edits)
	if len(validText) == 0 || len(train)+len(validText) != len(d.text) {
		t.Errorf("the split moves %d bytes out of %d, keeping %d", len(validText), len(d.text), len(train))
	}
	if validText != wantValid || train != wantTrain {
		t.Errorf("the editor's split differs from `ftls split`: validation at byte %d, training at byte %d",
			firstDiff(validText, wantValid), firstDiff(train, wantTrain))
	}
}
