package lsp

import (
	"regexp"
	"testing"
)

// TestServeOpenWithoutCollecting opens a dataset of several megabytes in
// a real server with the runtime's collection trace on: the collector's
// floor follows the document (memory.go), so nothing is collected while
// it arrives and is checked, where collecting at 25 % growth from the
// first megabytes marked the growing heap again and again.
func TestServeOpenWithoutCollecting(t *testing.T) {
	t.Setenv("GODEBUG", "gctrace=1")
	t.Setenv("GOGC", "")
	text := streamedDataset(30000)
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := "file:///nowhere/floor.jsonl"
	if _, err := c.stdin.Write(didOpenFrame(uri, text, vscodeOrder...)); err != nil {
		t.Fatal(err)
	}
	if d := c.waitFull(uri, 1); len(d) == 0 {
		t.Fatal("no findings")
	}
	log := c.stderr.String()
	if n := len(regexp.MustCompile(`(?m)^gc \d+ @`).FindAllString(log, -1)); n != 0 {
		t.Errorf("%d collections while a %d MB document opened, want 0:\n%s", n, len(text)>>20, tail(log, 2000))
	}
}
