package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// streamedDataset is a dataset of rows over 4 MB (so that the server
// reads its didOpen as it arrives), with findings on its first rows and
// text the JSON encoding escapes in several ways.
func streamedDataset(rows int) string {
	var b strings.Builder
	for i := range rows {
		switch {
		case i == 3:
			b.WriteString(`{"messages":[{"role":"user","content":"hi"},{"role":"asistant","content":"hello"}]}` + "\n")
		case i == 7:
			b.WriteString(`{"messages":[{"role":"user","content":"broken"}` + "\n")
		case i == 12 || i == rows-5:
			b.WriteString(`{"messages":[{"role":"user","content":"Same question"},{"role":"assistant","content":"Same answer"}]}` + "\r\n")
		case i%1000 == 999:
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"Question %d: é 中文 😀 \"quoted\" \\ back\tslash %s"},{"role":"assistant","content":"Answer %d, line one\nline two"}]}`+"\n", i, strings.Repeat("x", i%97), i*31)
		}
	}
	return b.String()
}

func engineCodes(t *testing.T, text string) string {
	t.Helper()
	res, err := engine.Check(context.Background(), "", strings.NewReader(text), engine.Options{Settings: diagnostics.DefaultSettings()})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, w := range res.Diagnostics {
		out = append(out, fmt.Sprintf("%s %d:%d-%d:%d", w.Code, w.Range.Start.Line, w.Range.Start.Character, w.Range.End.Line, w.Range.End.Character))
	}
	return strings.Join(out, "\n")
}

// didOpenFrame is a didOpen message as a frame, with the fields of its
// textDocument in the given order.
func didOpenFrame(uri, text string, order ...string) []byte {
	body := []byte(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{`)
	for i, key := range order {
		if i > 0 {
			body = append(body, ',')
		}
		body = fmt.Appendf(body, "%q:", key)
		switch key {
		case "uri":
			body = fmt.Appendf(body, "%q", uri)
		case "languageId":
			body = append(body, `"jsonl"`...)
		case "version":
			body = append(body, '1')
		case "text":
			body = appendJSONString(body, text)
		}
	}
	body = append(body, "}}}"...)
	return append(fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", len(body)), body...)
}

// The orders of a didOpen's fields: VS Code's and the LSP libraries', two
// of Neovim's (the order of its fields changes from run to run).
var (
	vscodeOrder    = []string{"uri", "languageId", "version", "text"}
	neovimOrder    = []string{"uri", "text", "languageId", "version"}
	textFirstOrder = []string{"text", "uri", "languageId", "version"}
)

// TestServeStreamedOpen sends a large didOpen by hand, in the field orders
// of VS Code and Neovim, stopping halfway: the server publishes the first
// rows' findings before the message has ended when it knows the document
// by then, and the full findings are the engine's either way.
func TestServeStreamedOpen(t *testing.T) {
	text := streamedDataset(30000)
	if len(text) < streamFrom {
		t.Fatalf("the dataset is %d bytes, under the %d the server streams from", len(text), streamFrom)
	}
	want := engineCodes(t, text)
	for _, tt := range []struct {
		name  string
		order []string
	}{
		{"vscode order", vscodeOrder},
		{"neovim order", neovimOrder},
		{"text first", textFirstOrder},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := startServer(t)
			c.initialize(map[string]any{"debounceMs": 0}, false)
			uri := "file:///nowhere/streamed.jsonl"
			frame := didOpenFrame(uri, text, tt.order...)
			half := len(frame) / 2
			if _, err := c.stdin.Write(frame[:half]); err != nil {
				t.Fatal(err)
			}
			if tt.order[0] != "text" {
				c.waitFor("the first rows' findings before the rest is sent", func() bool {
					d, ok := c.diags[uri]
					return ok && strings.Contains(codes(d.Diagnostics), "C005 3:") && c.checked[uri].Rows > 0
				})
				c.mu.Lock()
				rows := c.checked[uri].Rows
				version := c.diags[uri].Version
				c.mu.Unlock()
				if rows == 0 || rows >= 30000 {
					t.Errorf("the early publish covers %d rows", rows)
				}
				// Neovim sends the version after the text: the early findings
				// go without one.
				if versioned := tt.order[2] == "version"; (version != nil) != versioned || versioned && *version != 1 {
					t.Errorf("the early publish has version %v", version)
				}
			}
			if _, err := c.stdin.Write(frame[half:]); err != nil {
				t.Fatal(err)
			}
			if got := codes(c.waitFull(uri, 1)); got != want {
				t.Fatalf("full diagnostics:\n%.2000s\nwant:\n%.2000s", got, want)
			}
			if !c.logged("checking it as it came") {
				t.Errorf("the message was not read as it came; log:\n%s", tail(c.stderr.String(), 2000))
			}
		})
	}
}

// TestServeStreamedOpenMalformed: a large didOpen whose text breaks off
// into an invalid escape after its first rows were published is dropped;
// those findings are taken back, and the server goes on.
func TestServeStreamedOpenMalformed(t *testing.T) {
	text := streamedDataset(30000)
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := "file:///nowhere/broken.jsonl"
	frame := didOpenFrame(uri, text, vscodeOrder...)
	half := len(frame) / 2
	bad := half + strings.Index(string(frame[half:]), `}\n{`) + 1 // the newline after a row
	frame[bad+1] = 'x'                                            // "\x" is no JSON escape
	c.stdin.Write(frame[:half])
	c.waitFor("the first rows' findings", func() bool { return len(c.diags[uri].Diagnostics) > 0 })
	c.stdin.Write(frame[half:])
	c.waitFor("the findings taken back", func() bool { return len(c.diags[uri].Diagnostics) == 0 })
	if !c.logged("dropped a malformed didOpen") {
		t.Errorf("no log line for the dropped message:\n%s", tail(c.stderr.String(), 2000))
	}
	d := c.open("file:///nowhere/small.jsonl", "jsonl", `{"messages":[{"role":"user","content":"hi"}]}`+"\n")
	if got := codes(c.waitFull(d.uri, 1)); !strings.Contains(got, "C009") {
		t.Errorf("after the dropped message: %q", got)
	}
}

// logged reports whether the server's log has part, waiting a while for
// it: the log reaches the test through a pipe of its own, and may lag
// behind the messages.
func (c *client) logged(part string) bool {
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(c.stderr.String(), part) {
			return true
		}
	}
	return false
}

// TestServeStreamedOpenSettings: an ftls.yaml next to the dataset turns a
// rule off. The rows checked while the message arrived follow it, and so
// do the rows checked before the message named the document (text first),
// once it does.
func TestServeStreamedOpenSettings(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ftls.yaml"), []byte("rules:\n  C005: off\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	text := streamedDataset(30000)
	for _, order := range [][]string{vscodeOrder, textFirstOrder} {
		t.Run(order[0]+" first", func(t *testing.T) {
			c := startServer(t)
			c.initialize(map[string]any{"debounceMs": 0}, false)
			uri := pathURI(filepath.Join(dir, "train.jsonl"))
			var early []string
			c.mu.Lock()
			c.onPublish = func(p protocol.PublishDiagnosticsParams) { early = append(early, codes(p.Diagnostics)) }
			c.mu.Unlock()
			if _, err := c.stdin.Write(didOpenFrame(uri, text, order...)); err != nil {
				t.Fatal(err)
			}
			got := codes(c.waitFull(uri, 1))
			if strings.Contains(got, "C005") || !strings.Contains(got, "J001 7:") {
				t.Errorf("full diagnostics with C005 off:\n%.2000s", got)
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			for _, e := range early {
				if strings.Contains(e, "C005") {
					t.Errorf("a publish had C005:\n%.500s", e)
				}
			}
		})
	}
}

// TestServeStreamedOpenThenEdit: edits typed while a large document is
// still being opened make its first check one of a later version. The
// summaries gathered as the rows were checked serve that check too (the
// lines no longer hold theirs), and its findings are the engine's for the
// edited text.
func TestServeStreamedOpenThenEdit(t *testing.T) {
	text := streamedDataset(30000)
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := "file:///nowhere/edited.jsonl"
	edits := []protocol.TextEdit{
		{Range: protocol.Range{Start: protocol.Position{Line: 20}, End: protocol.Position{Line: 20}}, NewText: `{"messages":[{"role":"user","content":"new"}]}` + "\n"},
		{Range: protocol.Range{Start: protocol.Position{Line: 101, Character: 2}, End: protocol.Position{Line: 101, Character: 2}}, NewText: "x"},
	}
	// The edits go in the same write as the didOpen, so that they are in
	// before the rows checked as it arrived are.
	frames := didOpenFrame(uri, text, vscodeOrder...)
	for i, e := range edits {
		text = applyEdits(text, []protocol.TextEdit{e})
		body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "textDocument/didChange", "params": didChangeParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: uri, Version: int32(i + 2)},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{{Range: &e.Range, Text: e.NewText}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		frames = append(fmt.Appendf(frames, "Content-Length: %d\r\n\r\n", len(body)), body...)
	}
	if _, err := c.stdin.Write(frames); err != nil {
		t.Fatal(err)
	}
	if got, want := codes(c.waitFull(uri, int32(len(edits)+1))), engineCodes(t, text); got != want {
		t.Fatalf("full diagnostics after the edits:\n%.2000s\nwant:\n%.2000s", got, want)
	}
	if !c.logged("takes the row summaries gathered") {
		t.Errorf("the summaries gathered were not taken; log:\n%s", tail(c.stderr.String(), 2000))
	}
}
