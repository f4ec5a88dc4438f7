package lsp

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// A CRLF dataset whose problems sit after non-ASCII text on their lines.
var trainRows = []string{
	`{"messages":[{"role":"user","content":"Bonjour é 中文 😀"},{"role":"asistant","content":"Salut"}]}`,
	`{"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4"}]}`,
	`{"messages":[{"role":"user","content":"What is 2+2?"},{"role":"assistant","content":"4"}]}`,
	``,
	`{"messages":[{"role":"user","content":"中文😀 x"},{"role":"assistant","content":"y"}],}`,
	`{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello","weight":0},{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye"}]}`,
}

func crlf(rows []string) string { return strings.Join(rows, "\r\n") + "\r\n" }

// utf16Col is the UTF-16 column of the first sub in line.
func utf16Col(line, sub string) int {
	i := strings.Index(line, sub)
	if i < 0 {
		panic("no " + sub)
	}
	return len(utf16.Encode([]rune(line[:i])))
}

func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(filepath.Join(dir, "train.jsonl"))
	d := c.open(uri, "jsonl", crlf(trainRows))

	// Diagnostics: codes and exact UTF-16 ranges.
	got := c.waitFull(uri, 1)
	c005 := utf16Col(trainRows[0], `"asistant"`)
	j001 := utf16Col(trainRows[4], `],}`) + 2
	if c005 != 65 || j001 != 84 {
		t.Fatalf("fixture columns moved: %d %d", c005, j001)
	}
	want := strings.Join([]string{
		"C018 0:0-0:96",
		"C005 0:65-0:75",
		"D001 2:0-2:90",
		"J003 3:0-3:0",
		"J001 4:84-4:85",
	}, "\n")
	if codes(got) != want {
		t.Fatalf("diagnostics:\n%s\nwant:\n%s", codes(got), want)
	}
	for _, g := range got {
		if g.Source != "ftls" || g.CodeDescription == nil || g.CodeDescription.Href != diagnostics.DocURL(g.Code) || g.Data == nil || g.Data.Code != g.Code || g.Data.Version != 1 {
			t.Errorf("%s: incomplete diagnostic %+v", g.Code, g)
		}
	}
	dup := got[2]
	if dup.Severity != 2 || dup.Message != "duplicate of line 2" || len(dup.RelatedInformation) != 1 ||
		dup.RelatedInformation[0].Location.URI != uri || dup.RelatedInformation[0].Location.Range.Start != (protocol.Position{Line: 1}) {
		t.Errorf("D001 related information: %+v", dup)
	}
	if got[1].Severity != 1 || !strings.Contains(got[1].Message, `did you mean "assistant"`) {
		t.Errorf("C005: %+v", got[1])
	}

	// Hover on a row: turns, tokens, ChatML with untrained turns.
	h := d.hover(5, 3)
	for _, want := range []string{
		"**Row 6** · OpenAI chat messages · 4 turns (user, assistant, user, assistant)",
		"| 2 | assistant |",
		"| | **total** |",
		"<|im_start|>user\nHi<|im_end|>\n# weight 0: this turn is not trained\n<|im_start|>assistant\nHello<|im_end|>",
		"```chatml\n",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("row hover lacks %q:\n%s", want, h)
		}
	}
	h = d.hover(2, 0)
	if !strings.Contains(h, "`D001` duplicate of line 2 ([line 2]("+uri+"#L2))") {
		t.Errorf("hover of a duplicate lacks it:\n%s", h)
	}
	if h := d.hover(1, 0); !strings.Contains(h, "line 3: `D001` duplicate of line 2") {
		t.Errorf("hover of the first copy lacks its duplicate:\n%s", h)
	}
	// Line 0 and blank lines: the dataset statistics.
	h = d.hover(0, 0)
	if !strings.Contains(h, "**Dataset statistics**") || !strings.Contains(h, "**4 examples**") || !strings.Contains(h, "Bonjour é 中文 😀") {
		t.Errorf("hover on line 0:\n%s", h)
	}
	if h := d.hover(3, 0); !strings.Contains(h, "**Dataset statistics**") || strings.Contains(h, "**Row") {
		t.Errorf("hover on a blank line:\n%s", h)
	}

	// Code action on the C005 diagnostic: one minimal, versioned edit.
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": got[1].Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{got[1]}, "only": []string{"quickfix"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Kind != "quickfix" || actions[0].Edit == nil {
		t.Fatalf("code actions: %+v", actions)
	}
	ch := actions[0].Edit.DocumentChanges
	if len(ch) != 1 || ch[0].TextDocument.URI != uri || ch[0].TextDocument.Version != 1 {
		t.Fatalf("edit is not versioned: %+v", ch)
	}
	if e := ch[0].Edits; len(e) != 1 || e[0].NewText != "s" || e[0].Range.Start != e[0].Range.End || e[0].Range.Start.Line != 0 {
		t.Errorf("edit is not minimal: %+v", e)
	}
	fixed := applyEdits(d.text, ch[0].Edits)
	if !strings.HasPrefix(fixed, strings.Replace(trainRows[0], "asistant", "assistant", 1)+"\r\n") {
		t.Fatalf("fixed text: %q", fixed)
	}
	// The editor applies it as a didChange.
	for _, e := range ch[0].Edits {
		d.edit(e.Range, e.NewText)
	}
	got = c.waitFull(uri, 2)
	if strings.Contains(codes(got), "C005") || !strings.Contains(codes(got), "D001 2:0-2:90") {
		t.Errorf("after the fix:\n%s", codes(got))
	}

	// Fix all: blank line, duplicate and invalid rows as `ftls fix` does.
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"source.fixAll"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Kind != "source.fixAll.ftls" || actions[0].Edit == nil {
		t.Fatalf("fix all actions: %+v", actions)
	}
	wantAll, _, err := engine.FixBytes(context.Background(), []byte(d.text), engine.Options{Settings: diagnostics.DefaultSettings()})
	if err != nil {
		t.Fatal(err)
	}
	if got := applyEdits(d.text, actions[0].Edit.DocumentChanges[0].Edits); got != string(wantAll) {
		t.Errorf("fix all gives %q, want %q", got, wantAll)
	}

	// Code lens and outline.
	var lenses []protocol.CodeLens
	c.mustCall("textDocument/codeLens", map[string]any{"textDocument": protocol.TextDocumentIdentifier{URI: uri}}, &lenses)
	if len(lenses) != 1 || lenses[0].Command == nil || !strings.Contains(lenses[0].Command.Title, "6 rows") || !strings.Contains(lenses[0].Command.Title, "errors") {
		t.Errorf("code lens: %+v", lenses)
	}
	var syms []protocol.DocumentSymbol
	c.mustCall("textDocument/documentSymbol", map[string]any{"textDocument": protocol.TextDocumentIdentifier{URI: uri}}, &syms)
	if len(syms) != 2 || syms[0].Name != "(no category)" || len(syms[0].Children) != 4 || syms[0].Children[0].Name != "line 1: Bonjour é 中文 😀" || syms[1].Name != "(invalid JSON)" {
		t.Errorf("symbols: %+v", syms)
	}

	// Robustness: positions outside the document, unknown documents,
	// clamped edits.
	if h := d.hover(999, 0); h != "" {
		t.Errorf("hover past the end: %q", h)
	}
	if h := d.hover(0, 9999); !strings.Contains(h, "Row 1") {
		t.Errorf("hover past the end of a line: %q", h)
	}
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{Start: protocol.Position{Line: 500}, End: protocol.Position{Line: 600, Character: 7}},
		"context": map[string]any{"diagnostics": []any{}},
	}, &actions)
	for _, a := range actions {
		if a.Kind == "quickfix" {
			t.Errorf("quick fix out of range: %+v", a)
		}
	}
	c.notify("textDocument/didChange", didChangeParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: "file:///nowhere/unknown.jsonl", Version: 3},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{{Range: &protocol.Range{}, Text: "x"}},
	})
	if h := (&doc{c: c, uri: "file:///nowhere/unknown.jsonl"}).hover(0, 0); h != "" {
		t.Errorf("hover on an unknown document: %q", h)
	}
	// An edit past the end appends at the end.
	d.version++
	r := protocol.Range{Start: protocol.Position{Line: 50, Character: 3}, End: protocol.Position{Line: 60}}
	d.text += trainRows[1] + "\r\n"
	c.notify("textDocument/didChange", didChangeParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: uri, Version: d.version},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{{Range: &r, Text: trainRows[1] + "\r\n"}},
	})
	got = c.waitFull(uri, d.version)
	if !strings.Contains(codes(got), "D001 6:0-6:90") {
		t.Errorf("after an out-of-range edit:\n%s", codes(got))
	}

	// A burst of edits: the last version's diagnostics are those of the
	// final text.
	chars := []string{"é", "😀", "x"}
	at := protocol.Position{Line: 1, Character: utf16Col(trainRows[1], `?"`)}
	for i := 0; i < 300; i++ {
		d.edit(protocol.Range{Start: at, End: at}, chars[i%3])
	}
	final := d.version
	got = c.waitFull(uri, final)
	res, err := engine.Check(context.Background(), filepath.Join(dir, "train.jsonl"), strings.NewReader(d.text), engine.Options{Settings: diagnostics.DefaultSettings()})
	if err != nil {
		t.Fatal(err)
	}
	var wantDiags []string
	for _, w := range res.Diagnostics {
		wantDiags = append(wantDiags, fmt.Sprintf("%s %d:%d-%d:%d", w.Code, w.Range.Start.Line, w.Range.Start.Character, w.Range.End.Line, w.Range.End.Character))
	}
	if codes(got) != strings.Join(wantDiags, "\n") {
		t.Errorf("after a burst of edits:\n%s\nwant:\n%s", codes(got), strings.Join(wantDiags, "\n"))
	}
	if h := d.hover(1, 0); !strings.Contains(h, "**Row 2**") {
		t.Errorf("no hover after the burst: %q", h)
	}

	// Shutdown: requests are refused, exit ends the process with 0.
	c.mustCall("shutdown", nil, nil)
	var hv *protocol.Hover
	if err := c.call("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &hv); err == nil {
		t.Error("hover after shutdown succeeded")
	} else if !strings.Contains(err.Error(), "shut down") {
		t.Errorf("hover after shutdown: %v", err)
	}
	c.notify("exit", nil)
	if code := c.waitExit(); code != 0 {
		t.Errorf("exit code after shutdown = %d, want 0", code)
	}
	if strings.Contains(c.stderr.String(), "panic") {
		t.Errorf("the server panicked:\n%s", c.stderr.String())
	}
}

// TestServeLargeDocumentPhases covers the path of large documents: the
// first rows published early, row findings at once after an edit with the
// file findings carried over, then the file rules, all equal to the
// engine's findings for the same text.
func TestServeLargeDocumentPhases(t *testing.T) {
	var rows []string
	for i := 0; i < 25000; i++ {
		rows = append(rows, fmt.Sprintf(`{"messages":[{"role":"user","content":"Question %d about é 😀 item %d"},{"role":"assistant","content":"Answer %d"}]}`, i, i*7, i))
	}
	rows[20] = rows[10]    // a duplicate
	rows[30000%25000] = "" // a blank line
	text := strings.Join(rows, "\n") + "\n"
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := "file:///nowhere/big.jsonl"
	d := c.open(uri, "jsonl", text)
	want := func() string { return engineCodes(t, d.text) }
	got := c.waitFull(uri, 1)
	if codes(got) != want() {
		t.Fatalf("full diagnostics of version 1:\n%s\nwant:\n%s", codes(got), want())
	}
	c.mu.Lock()
	first := c.firstMs[uri][1]
	full := c.fullMs[uri][1]
	c.mu.Unlock()
	if first >= full {
		t.Errorf("first rows were not published before the rest (%.0f ms, full %.0f ms)", first, full)
	}
	// Make line 101 a copy of line 50: at once, the row findings and the
	// carried duplicate of line 21; then the new duplicate too.
	d.edit(protocol.Range{Start: protocol.Position{Line: 100}, End: protocol.Position{Line: 101}}, rows[50]+"\n")
	c.waitFor("row findings of version 2", func() bool {
		p := c.diags[uri]
		return p.Version != nil && *p.Version == 2
	})
	c.mu.Lock()
	early := codes(c.diags[uri].Diagnostics)
	c.mu.Unlock()
	if !strings.Contains(early, "D001 20:") || !strings.Contains(early, "J003 5000:") {
		t.Errorf("first diagnostics of version 2 lack the carried or row findings:\n%s", early)
	}
	got = c.waitFull(uri, 2)
	if codes(got) != want() || !strings.Contains(codes(got), "D001 100:") {
		t.Errorf("full diagnostics of version 2:\n%s\nwant:\n%s", codes(got), want())
	}
}

// A quick fix whose replacement is made only when it is asked for (Q008's
// trimmed text) arrives over the pipe as the minimal edits, on text after
// non-ASCII characters, with escapes kept as the row wrote them.
func TestServeQuickFixMadeOnRequest(t *testing.T) {
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(filepath.Join(t.TempDir(), "train.jsonl"))
	row := `{"messages":[{"role":"user","content":"中文 😀 \u00e9 \n"},{"role":"assistant","content":"\t Salut 😀"}]}`
	d := c.open(uri, "jsonl", row+"\n"+trainRows[1]+"\n")
	var q008 []protocol.Diagnostic
	for _, g := range c.waitFull(uri, 1) {
		if g.Code == "Q008" {
			q008 = append(q008, g)
		}
	}
	if len(q008) != 2 {
		t.Fatalf("Q008 findings: %+v", q008)
	}
	want := []string{
		`{"messages":[{"role":"user","content":"中文 😀 é"},{"role":"assistant","content":"\t Salut 😀"}]}`,
		`{"messages":[{"role":"user","content":"中文 😀 \u00e9 \n"},{"role":"assistant","content":"Salut 😀"}]}`,
	}
	for k, g := range q008 {
		var actions []protocol.CodeAction
		c.mustCall("textDocument/codeAction", map[string]any{
			"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": g.Range,
			"context": map[string]any{"diagnostics": []protocol.Diagnostic{g}, "only": []string{"quickfix"}},
		}, &actions)
		if len(actions) != 1 || actions[0].Title != "Trim whitespace (Q008)" || actions[0].Edit == nil {
			t.Fatalf("code actions: %+v", actions)
		}
		fixed := applyEdits(d.text, actions[0].Edit.DocumentChanges[0].Edits)
		if first, _, _ := strings.Cut(fixed, "\n"); first != want[k] {
			t.Errorf("fix %d gives\n%s\nwant\n%s", k, first, want[k])
		}
	}
}
