package lsp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// TestServePairingByStem pairs an open validation file with the training
// file of its folder that has its name stem (package pairing), not with
// every training file of the folder: a row copied from another training
// file is no leak, and B006 comes once.
func TestServePairingByStem(t *testing.T) {
	dir := t.TempDir()
	other := `{"messages":[{"role":"user","content":"Only in the other training file"},{"role":"assistant","content":"Right"}]}`
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("foo-train.jsonl", crlf(trainRows))
	write("bar-train.jsonl", other+"\n")
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := pathURI(filepath.Join(dir, "foo-valid.jsonl"))
	c.open(uri, "jsonl", trainRows[1]+"\n"+other+"\n")
	got := c.waitFull(uri, 1)
	var leaks, shares []protocol.Diagnostic
	for _, d := range got {
		switch d.Code {
		case "D004":
			leaks = append(leaks, d)
		case "B006":
			shares = append(shares, d)
		}
	}
	if len(leaks) != 1 || leaks[0].Range.Start.Line != 0 || leaks[0].RelatedInformation[0].Location.URI != pathURI(filepath.Join(dir, "foo-train.jsonl")) {
		t.Errorf("D004, want one on line 1 pointing into foo-train.jsonl:\n%+v", leaks)
	}
	if len(leaks) == 1 && !strings.Contains(leaks[0].Message, "foo-train.jsonl") {
		t.Errorf("D004 does not name the training file: %q", leaks[0].Message)
	}
	if len(shares) > 1 {
		t.Errorf("B006 %d times, want at most once:\n%s", len(shares), codes(got))
	}
}
