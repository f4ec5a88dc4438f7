package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Tests of what an editor user sees: statistics on hover, the files the
// split and info commands write.

// The first hover on line 1 of a small dataset has its token figures: the
// server counts them before answering rather than saying they are being
// computed (and nothing else would start the count).
func TestFirstHoverHasTokenCounts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "small.jsonl")
	text := strings.Repeat(`{"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"Could you share your order number?"}]}`+"\n", 3)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(path)
	d := c.open(uri, "jsonl", text)
	c.waitFull(uri, 1)
	h := d.hover(0, 0)
	if strings.Contains(h, "being computed") || !strings.Contains(h, "| tokens (") {
		t.Errorf("first hover on line 1:\n%s", h)
	}
	// After an edit: the figures of the new version, at once.
	d.edit(Range{Start: Position{Line: 3}, End: Position{Line: 3}}, `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}`+"\n")
	c.waitFull(uri, 2)
	h = d.hover(0, 0)
	if strings.Contains(h, "being computed") || strings.Contains(h, "earlier version") || !strings.Contains(h, "**4 examples**") || !strings.Contains(h, "| tokens (") {
		t.Errorf("hover on line 1 after an edit:\n%s", h)
	}
}
