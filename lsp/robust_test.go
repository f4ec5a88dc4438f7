package lsp

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/lsp/frame"
	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/commonlog"
	"github.com/tliron/glsp"
)

func TestServeExitWithoutShutdown(t *testing.T) {
	c := startServer(t)
	c.initialize(nil, false)
	c.notify("exit", nil)
	if code := c.waitExit(); code != 1 {
		t.Errorf("exit code without shutdown = %d, want 1", code)
	}
}

// Before initialize every request gets ServerNotInitialized (-32002),
// answered below glsp (which would send -32600); after it, an unknown
// method is "not supported".
func TestServeRequestBeforeInitialize(t *testing.T) {
	c := startServer(t)
	var h *protocol.Hover
	for _, method := range []string{"textDocument/hover", "no/such/method"} {
		err := c.call(method, protocol.TextDocumentPositionParams{}, &h)
		var re *jsonrpc2.Error
		if !errors.As(err, &re) || re.Code != frame.CodeServerNotInitialized || !strings.Contains(re.Message, "not initialized") {
			t.Errorf("%s before initialize: %v, want code %d", method, err, frame.CodeServerNotInitialized)
		}
	}
	c.initialize(nil, false)
	if err := c.call("no/such/method", nil, nil); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("unknown method: %v", err)
	}
}

func TestServeSettings(t *testing.T) {
	dir := t.TempDir()
	c := startServer(t, "--log", filepath.Join(dir, "ftls.log"))
	// initializationOptions turn C018 off.
	c.initialize(map[string]any{"rules": map[string]string{"C018": "off"}, "debounceMs": 0}, false)
	uri := pathURI(filepath.Join(dir, "train.jsonl"))
	c.open(uri, "jsonl", crlf(trainRows))
	got := codes(c.waitFull(uri, 1))
	if strings.Contains(got, "C018") || !strings.Contains(got, "J003") {
		t.Fatalf("with C018 off:\n%s", got)
	}
	// Invalid settings: a warning, and the previous settings stay.
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"ftls": map[string]any{"rules": map[string]string{"X999": "off"}}}})
	c.waitFor("a warning", func() bool { return len(c.messages) > 0 })
	if m := c.messages[0]; m.Type != protocol.MessageWarning || !strings.Contains(m.Message, "X999") {
		t.Errorf("message: %+v", m)
	}
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"ftls": map[string]any{"maxTokens": -4}}})
	c.waitFor("a second warning", func() bool { return len(c.messages) > 1 })
	// Valid settings re-check the open document (same version).
	c.mu.Lock()
	delete(c.fullAt[uri], 1)
	c.mu.Unlock()
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"ftls": map[string]any{"rules": map[string]string{"J003": "off"}}}})
	got = codes(c.waitFull(uri, 1))
	if strings.Contains(got, "J003") || !strings.Contains(got, "C018") {
		t.Errorf("after J003 off (and C018 back on):\n%s", got)
	}
	c.mustCall("shutdown", nil, nil)
	c.notify("exit", nil)
	c.waitExit()
	log, err := os.ReadFile(filepath.Join(dir, "ftls.log"))
	if err != nil || !strings.Contains(string(log), "invalid settings") {
		t.Errorf("log file: %v\n%s", err, log)
	}
	if c.stderr.String() != "" {
		t.Errorf("logged to stderr despite --log: %q", c.stderr.String())
	}
}

func TestServePullsConfiguration(t *testing.T) {
	dir := t.TempDir()
	c := startServer(t)
	c.config = json.RawMessage(`{"rules": {"D001": "off"}, "debounceMs": 0}`)
	c.initialize(nil, true)
	uri := pathURI(filepath.Join(dir, "train.jsonl"))
	c.open(uri, "jsonl", crlf(trainRows))
	// The pulled configuration may arrive after the first check: wait for
	// a full result without D001.
	c.waitFor("diagnostics without D001", func() bool {
		p, ok := c.diags[uri]
		_, full := c.fullAt[uri][1]
		return ok && full && !strings.Contains(codes(p.Diagnostics), "D001") && strings.Contains(codes(p.Diagnostics), "J003")
	})
}

// TestServeSameConfiguration: the configuration the client answers with
// is what initializationOptions said, and a later change notification
// brings the same again. Neither checks the document a second time.
func TestServeSameConfiguration(t *testing.T) {
	dir := t.TempDir()
	c := startServer(t, "--debug") // the log says when settings are unchanged
	settings := map[string]any{"rules": map[string]string{"D001": "off"}, "debounceMs": 0}
	c.config, _ = json.Marshal(settings)
	c.initialize(settings, true)
	uri := pathURI(filepath.Join(dir, "train.jsonl"))
	c.open(uri, "jsonl", crlf(trainRows))
	c.waitFull(uri, 1)
	c.notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	if !c.logged("settings unchanged") {
		t.Fatalf("no log of unchanged settings:\n%s", tail(c.stderr.String(), 2000))
	}
	// Another document's check, asked for after the change, is published
	// after any re-check the change could have caused.
	other := pathURI(filepath.Join(dir, "other.jsonl"))
	c.open(other, "jsonl", crlf(trainRows))
	c.waitFull(other, 1)
	c.mu.Lock()
	defer c.mu.Unlock()
	if n := c.published[uri]; n != 1 {
		t.Errorf("the document was published %d times, want once", n)
	}
}

// TestServeLeakage pairs an open validation file with the training file of
// its folder, read from disk.
func TestServeLeakage(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "training_data.jsonl")
	if err := os.WriteFile(train, []byte(crlf(trainRows)), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := pathURI(filepath.Join(dir, "validation_data.jsonl"))
	c.open(uri, "jsonl", trainRows[1]+"\n"+`{"messages":[{"role":"user","content":"Unrelated é"},{"role":"assistant","content":"Answer"}]}`+"\n")
	got := c.waitFull(uri, 1)
	var leak *protocol.Diagnostic
	for i := range got {
		if got[i].Code == "D004" {
			leak = &got[i]
		}
	}
	if leak == nil {
		t.Fatalf("no D004:\n%s", codes(got))
	}
	if leak.Range.Start.Line != 0 || len(leak.RelatedInformation) != 1 || leak.RelatedInformation[0].Location.URI != pathURI(train) || leak.RelatedInformation[0].Location.Range.Start.Line != 1 {
		t.Errorf("D004: %+v", leak)
	}
	// Opening the training file and editing its copy away updates the
	// validation file's findings.
	tr := c.open(pathURI(train), "jsonl", crlf(trainRows))
	c.waitFull(tr.uri, 1)
	tr.edit(protocol.Range{Start: protocol.Position{Line: 1}, End: protocol.Position{Line: 3}}, "")
	c.waitFull(tr.uri, 2)
	c.waitFor("D004 gone", func() bool {
		return !strings.Contains(codes(c.diags[uri].Diagnostics), "D004")
	})
}

func TestServePlanDocument(t *testing.T) {
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := "file:///nowhere/support.plan.yaml"
	c.open(uri, "yaml", "version: 1\n")
	// The plan's findings (plan_test.go covers them in depth): its
	// training file does not exist.
	if got := c.waitFull(uri, 1); codes(got) != "P006 0:0-0:10" {
		t.Errorf("plan diagnostics: %v", got)
	}
	var h *protocol.Hover
	c.mustCall("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}}, &h)
	if h == nil || !strings.Contains(h.Contents.Value, "**version**") {
		t.Errorf("hover on a plan: %+v", h)
	}
}

// TestServeHugeLine opens a document that is one 50 MB line.
func TestServeHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB document")
	}
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	uri := "file:///nowhere/huge.jsonl"
	content := strings.Repeat("é 中文 😀 words ", 50<<20/24)
	text := `{"messages":[{"role":"user","content":"` + content + `"},{"role":"asistant","content":"x"}]}`
	start := time.Now()
	d := c.open(uri, "jsonl", text)
	got := c.waitFull(uri, 1)
	if !strings.Contains(codes(got), "C005") {
		t.Errorf("huge line diagnostics:\n%s", codes(got))
	}
	diagAt := time.Since(start)
	hs := time.Now()
	h := d.hover(0, 5)
	t.Logf("hover of the 50 MB row: %v", time.Since(hs))
	if !strings.Contains(h, "**Row 1**") || len(h) > 64<<10 {
		t.Errorf("huge line hover: %d bytes", len(h))
	}
	c.mu.Lock()
	t.Logf("50 MB line: diagnostics %v after didOpen was sent, %.0f ms after the server had decoded it", diagAt, c.fullMs[uri][1])
	c.mu.Unlock()
}

// TestHandlerPanicIsAnError calls the handler in-process with a method
// that panics: the client gets an error and the server goes on.
func TestHandlerPanicIsAnError(t *testing.T) {
	commonlog.Configure(-4, nil) // the panic's stack trace would fill the test log
	defer commonlog.Configure(0, nil)
	s := New(Options{})
	methods["test/panic"] = func(*Server, *glsp.Context) (any, error) { panic("boom") }
	defer delete(methods, "test/panic")
	notify := func(string, any) {}
	ctx := &glsp.Context{Method: "initialize", Params: json.RawMessage(`{}`), Notify: notify, Call: func(string, any, any) {}}
	if _, _, _, err := s.Handle(ctx); err != nil {
		t.Fatal(err)
	}
	_, valid, _, err := s.Handle(&glsp.Context{Method: "test/panic", Notify: notify})
	if !valid || err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panic: valid %v, err %v", valid, err)
	}
	if _, _, _, err := s.Handle(&glsp.Context{Method: "shutdown", Notify: notify}); err != nil {
		t.Errorf("after a panic: %v", err)
	}
	_, _, validParams, err := s.Handle(&glsp.Context{Method: "textDocument/hover", Params: json.RawMessage(`{"position": "x"}`), Notify: notify})
	if err == nil {
		t.Errorf("hover after shutdown: validParams %v err %v", validParams, err)
	}
}

// TestServeHoverTruncation: with a small token limit, the hover shows
// where the example is cut.
func TestServeHoverTruncation(t *testing.T) {
	c := startServer(t)
	c.initialize(map[string]any{"maxTokens": 20, "debounceMs": 0}, false)
	uri := "file:///nowhere/train.jsonl"
	d := c.open(uri, "jsonl", trainRows[5]+"\n")
	if got := codes(c.waitFull(uri, 1)); !strings.Contains(got, "Q001") {
		t.Errorf("no Q001 with a limit of 20 tokens:\n%s", got)
	}
	h := d.hover(0, 1)
	cut := strings.Index(h, "✂ ─── token limit 20 reached")
	if cut < 0 || !strings.Contains(h, "of 20 (o200k_base)") {
		t.Fatalf("hover lacks the cut:\n%s", h)
	}
	if before := h[:cut]; !strings.Contains(before, "<|im_start|>user\nHi<|im_end|>") || strings.Contains(before, "Goodbye") {
		t.Errorf("the cut is misplaced:\n%s", h)
	}
}
