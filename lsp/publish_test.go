package lsp

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// TestServeUnchangedNotRepublished types in a large document (both
// phases run) and checks that a set of diagnostics identical to the one
// the editor has is never sent again, that the quick fixes of the set the
// editor has still work, and that an edit that changes the findings is
// published once, not once per phase.
func TestServeUnchangedNotRepublished(t *testing.T) {
	var b strings.Builder
	for i := range 6000 {
		role := "assistant"
		if i == 10 {
			role = "asistant"
		}
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"question number %d about things"},{"role":%q,"content":"answer number %d, with words"}]}`+"\n", i, role, i)
	}
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := "file:///tmp/publish/data.jsonl"
	d := c.open(uri, "jsonl", b.String())
	first := c.waitFull(uri, 1)
	c.mu.Lock()
	published := c.published[uri]
	c.mu.Unlock()

	// A keystroke inside an answer changes no finding.
	at := protocol.Position{Line: 100, Character: strings.Index(strings.Split(d.text, "\n")[100], "answer")}
	d.edit(protocol.Range{Start: at, End: at}, "x")
	c.waitFull(uri, d.version)
	c.mu.Lock()
	if n := c.published[uri]; n != published {
		t.Errorf("%d publishes of an unchanged set", n-published)
	}
	c.mu.Unlock()

	// The editor still has version 1's diagnostics: their fix must apply.
	var fix protocol.Diagnostic
	for _, g := range first {
		if g.Code == "C005" {
			fix = g
		}
	}
	if fix.Data == nil || fix.Data.Version != 1 {
		t.Fatalf("no C005 from version 1: %+v", fix)
	}
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": fix.Range,
		"context": map[string]any{"diagnostics": []any{map[string]any{"range": fix.Range, "data": fix.Data}}, "only": []string{kindQuickFix}},
	}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil || actions[0].Edit.DocumentChanges[0].TextDocument.Version != d.version {
		raw, _ := json.Marshal(actions)
		t.Fatalf("quick fix on the shown set: %s", raw)
	}

	// Breaking a row changes the findings: one publish, not two.
	c.mu.Lock()
	published = c.published[uri]
	c.mu.Unlock()
	d.edit(protocol.Range{Start: protocol.Position{Line: 200, Character: 0}, End: protocol.Position{Line: 200, Character: 1}}, "")
	c.waitFull(uri, d.version)
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.published[uri] - published; n != 1 {
		t.Errorf("%d publishes for one edit that changed the findings, want 1", n)
	}
	if !strings.Contains(codes(c.diags[uri].Diagnostics), "J001 200:") {
		t.Errorf("no J001 on line 201:\n%s", codes(c.diags[uri].Diagnostics))
	}
}
