package lsp

import (
	"os"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// TestServeCodeActionOrder checks what an editor lists first on a file
// full of errors: the quick fixes of the line, then fix all, and writing
// the statistics before splitting (kinds in that order, nothing else
// first).
func TestServeCodeActionOrder(t *testing.T) {
	data, err := os.ReadFile("../examples/flawed.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initialize(nil, false)
	uri := pathURI(t.TempDir() + "/flawed.jsonl")
	c.open(uri, "jsonl", string(data))
	diags := c.waitFull(uri, 1)
	var fixable *protocol.Diagnostic
	for i, d := range diags {
		if d.Data != nil && d.Data.Fix >= 0 {
			fixable = &diags[i]
			break
		}
	}
	if fixable == nil {
		t.Fatal("no fixable finding in examples/flawed.jsonl")
	}
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": fixable.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{*fixable}},
	}, &actions)
	var kinds, titles []string
	for _, a := range actions {
		kinds = append(kinds, a.Kind)
		titles = append(titles, a.Title)
	}
	if len(kinds) < 4 || kinds[0] != kindQuickFix {
		t.Fatalf("actions %q: a quick fix must come first", titles)
	}
	i := 0
	for i < len(kinds) && kinds[i] == kindQuickFix {
		i++
	}
	if kinds[i] != kindFixAll {
		t.Errorf("actions %q: fix all must follow the quick fixes", titles)
	}
	info, split := -1, -1
	for j, k := range kinds {
		switch k {
		case kindInfo:
			info = j
		case kindSplit:
			split = j
		}
	}
	if info < 0 || split < 0 || split < info {
		t.Errorf("actions %q: on a file with errors, writing the statistics comes before splitting", titles)
	}
	if strings.Contains(strings.Join(titles, "\n"), " 1 rows") {
		t.Errorf("actions %q", titles)
	}
}
