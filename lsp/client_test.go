package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"

	"github.com/ftls-dev/ftls/internal/testbin"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// The end-to-end tests build the real ftls binary once and speak LSP to
// `ftls serve` over its standard input and output with a JSON-RPC client
// library, as an editor does.

var ftlsBinary string

func TestMain(m *testing.M) { testbin.Main(m, &ftlsBinary) }

// stdio joins the child's pipes into the stream the client reads and
// writes.
type stdio struct {
	io.Reader
	io.WriteCloser
}

// client is an LSP client driving one `ftls serve` process.
type client struct {
	t      testing.TB
	cmd    *exec.Cmd
	conn   *jsonrpc2.Conn
	stdin  io.WriteCloser // the server's input, for frames written by hand
	stderr *syncBuffer
	done   chan struct{} // closed when the process has exited
	exit   int

	mu       sync.Mutex
	changed  *sync.Cond
	diags    map[string]protocol.PublishDiagnosticsParams
	received map[string]map[int32]time.Time // first publish per version
	checked  map[string]checkedParams       // last ftls/checked per URI
	fullAt   map[string]map[int32]time.Time
	// serverMs is the server's own time from a version's arrival to its
	// first and to its full publish.
	firstMs, fullMs map[string]map[int32]float64
	messages        []protocol.ShowMessageParams
	config          json.RawMessage // answer to workspace/configuration
	applied         []protocol.ApplyWorkspaceEditParams
	appliedRaw      []json.RawMessage // the same edits as sent (resource operations)

	// window/showMessageRequest: the requests received and the title of
	// the action to answer with ("" answers null).
	msgRequests []json.RawMessage
	shown       []protocol.ShowDocumentParams // window/showDocument requests
	msgAnswer   string
	// window/workDoneProgress/create tokens and $/progress notifications,
	// as sent.
	progressCreated []json.RawMessage
	progress        []json.RawMessage
	// onApply, when set, answers workspace/applyEdit instead of the
	// default (applied), outside c.mu: it may send didChange first, as an
	// editor does.
	onApply   func(params json.RawMessage) protocol.ApplyWorkspaceEditResult
	published map[string]int // publishDiagnostics received, by URI
	// onPublish, when set, sees every publishDiagnostics (c.mu held).
	onPublish func(protocol.PublishDiagnosticsParams)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServer(t testing.TB, args ...string) *client {
	t.Helper()
	cmd := exec.Command(ftlsBinary, append([]string{"serve"}, args...)...)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	c := &client{
		t: t, cmd: cmd, stderr: &syncBuffer{}, done: make(chan struct{}),
		diags: map[string]protocol.PublishDiagnosticsParams{}, received: map[string]map[int32]time.Time{},
		checked: map[string]checkedParams{}, fullAt: map[string]map[int32]time.Time{},
		firstMs: map[string]map[int32]float64{}, fullMs: map[string]map[int32]float64{},
		published: map[string]int{},
	}
	c.changed = sync.NewCond(&c.mu)
	c.stdin = in
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := cmd.Wait()
		c.exit = cmd.ProcessState.ExitCode()
		_ = err
		close(c.done)
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	}()
	c.conn = jsonrpc2.NewConn(context.Background(), jsonrpc2.NewBufferedStream(stdio{out, in}, jsonrpc2.VSCodeObjectCodec{}), jsonrpc2.HandlerWithError(c.handle))
	t.Cleanup(func() {
		c.conn.Close()
		select {
		case <-c.done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-c.done
		}
		if log := c.stderr.String(); strings.Contains(log, "DATA RACE") || strings.Contains(log, "panic in") {
			t.Errorf("the server reported a race or a panic:\n%s", tail(log, 8000))
		} else if t.Failed() {
			t.Logf("server log:\n%s", tail(log, 4000))
		}
	})
	return c
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// handle receives the server's notifications and requests.
func (c *client) handle(_ context.Context, _ *jsonrpc2.Conn, req *jsonrpc2.Request) (any, error) {
	now := time.Now()
	var params json.RawMessage
	if req.Params != nil {
		params = *req.Params
	}
	if req.Method == "workspace/applyEdit" {
		c.mu.Lock()
		h := c.onApply
		c.mu.Unlock()
		if h != nil {
			res := h(params)
			c.mu.Lock()
			var p protocol.ApplyWorkspaceEditParams
			json.Unmarshal(params, &p)
			c.applied = append(c.applied, p)
			c.appliedRaw = append(c.appliedRaw, params)
			c.changed.Broadcast()
			c.mu.Unlock()
			return res, nil
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.changed.Broadcast()
	switch req.Method {
	case "window/showMessageRequest":
		c.msgRequests = append(c.msgRequests, params)
		if c.msgAnswer == "" {
			return nil, nil
		}
		return map[string]string{"title": c.msgAnswer}, nil
	case "window/showDocument":
		var p protocol.ShowDocumentParams
		json.Unmarshal(params, &p)
		c.shown = append(c.shown, p)
		return map[string]bool{"success": true}, nil
	case "window/workDoneProgress/create":
		c.progressCreated = append(c.progressCreated, params)
		return nil, nil
	case "$/progress":
		c.progress = append(c.progress, params)
	case "textDocument/publishDiagnostics":
		var p protocol.PublishDiagnosticsParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		c.diags[p.URI] = p
		c.published[p.URI]++
		if c.onPublish != nil {
			c.onPublish(p)
		}
		if p.Version != nil {
			m := c.received[p.URI]
			if m == nil {
				m = map[int32]time.Time{}
				c.received[p.URI] = m
			}
			if _, ok := m[*p.Version]; !ok {
				m[*p.Version] = now
			}
		}
	case "ftls/checked":
		var p checkedParams
		if err := json.Unmarshal(params, &p); err != nil {
			return nil, err
		}
		c.checked[p.URI] = p
		if p.Unchanged {
			// The diagnostics published last stand for this version.
			d := c.diags[p.URI]
			v := p.Version
			d.Version = &v
			c.diags[p.URI] = d
			if c.received[p.URI] == nil {
				c.received[p.URI] = map[int32]time.Time{}
			}
			if _, ok := c.received[p.URI][v]; !ok {
				c.received[p.URI][v] = now
			}
		}
		record := func(m map[string]map[int32]float64) {
			if m[p.URI] == nil {
				m[p.URI] = map[int32]float64{}
			}
			if _, ok := m[p.URI][p.Version]; !ok {
				m[p.URI][p.Version] = p.Millis
			}
		}
		record(c.firstMs)
		if p.Full {
			record(c.fullMs)
		}
		if p.Full {
			m := c.fullAt[p.URI]
			if m == nil {
				m = map[int32]time.Time{}
				c.fullAt[p.URI] = m
			}
			if _, ok := m[p.Version]; !ok {
				m[p.Version] = now
			}
		}
	case "window/showMessage":
		var p protocol.ShowMessageParams
		json.Unmarshal(params, &p)
		c.messages = append(c.messages, p)
	case "workspace/configuration":
		if c.config == nil {
			return []any{nil}, nil
		}
		return []json.RawMessage{c.config}, nil
	case "workspace/applyEdit":
		var p protocol.ApplyWorkspaceEditParams
		json.Unmarshal(params, &p)
		c.applied = append(c.applied, p)
		c.appliedRaw = append(c.appliedRaw, params)
		return protocol.ApplyWorkspaceEditResult{Applied: true}, nil
	}
	return nil, nil
}

func (c *client) call(method string, params, result any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return c.conn.Call(ctx, method, params, result)
}

func (c *client) mustCall(method string, params, result any) {
	c.t.Helper()
	if err := c.call(method, params, result); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) notify(method string, params any) {
	c.t.Helper()
	if err := c.conn.Notify(context.Background(), method, params); err != nil {
		c.t.Fatalf("%s: %v", method, err)
	}
}

func (c *client) initialize(options any, configuration bool) {
	c.t.Helper()
	params := map[string]any{
		"processId": os.Getpid(), "rootUri": nil,
		"capabilities":          map[string]any{"workspace": map[string]any{"configuration": configuration}},
		"initializationOptions": options,
	}
	var res protocol.InitializeResult
	c.mustCall("initialize", params, &res)
	c.notify("initialized", map[string]any{})
}

// waitFull waits until the file rules ran on version v of uri and returns
// the diagnostics published for it.
func (c *client) waitFull(uri string, v int32) []protocol.Diagnostic {
	c.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if _, ok := c.fullAt[uri][v]; ok {
			if d := c.diags[uri]; d.Version != nil && *d.Version == v {
				return d.Diagnostics
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no full diagnostics for %s version %d (last checked %+v)", uri, v, c.checked[uri])
		}
		c.waitLocked(deadline)
	}
}

// waitLocked waits for the next message or the deadline; c.mu is held.
func (c *client) waitLocked(deadline time.Time) {
	timer := time.AfterFunc(time.Until(deadline), func() {
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	})
	c.changed.Wait()
	timer.Stop()
}

func (c *client) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s", what)
		}
		c.waitLocked(deadline)
	}
}

func (c *client) waitExit() int {
	c.t.Helper()
	select {
	case <-c.done:
		return c.exit
	case <-time.After(10 * time.Second):
		c.t.Fatal("server did not exit")
	}
	return -1
}

// doc is the client's copy of an open document.
type doc struct {
	c       *client
	uri     string
	version int32
	text    string
}

func (c *client) open(uri, lang, text string) *doc {
	if len(text) < 1<<20 {
		c.notify("textDocument/didOpen", didOpenParams{TextDocument: textDocumentItem{URI: uri, LanguageID: lang, Version: 1, Text: text}})
	} else {
		// encoding/json takes seconds per hundred megabytes; an editor's
		// client (JSON.stringify in VS Code) does not.
		raw := fmt.Appendf(nil, `{"textDocument":{"uri":%q,"languageId":%q,"version":1,"text":`, uri, lang)
		raw = appendJSONString(raw, text)
		raw = append(raw, "}}"...)
		c.notify("textDocument/didOpen", json.RawMessage(raw))
	}
	return &doc{c: c, uri: uri, version: 1, text: text}
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	last := 0
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= 0x20 && b != '"' && b != '\\' {
			continue
		}
		dst = append(dst, s[last:i]...)
		switch b {
		case '"', '\\':
			dst = append(dst, '\\', b)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&15])
		}
		last = i + 1
	}
	dst = append(dst, s[last:]...)
	return append(dst, '"')
}

// edit sends one incremental change and applies it to the local copy.
func (d *doc) edit(r protocol.Range, text string) {
	d.version++
	d.text = applyEdits(d.text, []protocol.TextEdit{{Range: r, NewText: text}})
	d.c.notify("textDocument/didChange", didChangeParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: d.uri, Version: d.version},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{{Range: &r, Text: text}},
	})
}

// editRemote sends a change without keeping the local copy (benchmarks:
// rebuilding a 230 MB string per keystroke would be measured too).
func (d *doc) editRemote(r protocol.Range, text string) {
	d.version++
	d.c.notify("textDocument/didChange", didChangeParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: d.uri, Version: d.version},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{{Range: &r, Text: text}},
	})
}

func (d *doc) hover(line, char int) string {
	d.c.t.Helper()
	var h *protocol.Hover
	d.c.mustCall("textDocument/hover", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: d.uri}, Position: protocol.Position{Line: line, Character: char}}, &h)
	if h == nil {
		return ""
	}
	return h.Contents.Value
}

func codes(ds []protocol.Diagnostic) string {
	var out []string
	for _, d := range ds {
		out = append(out, fmt.Sprintf("%s %d:%d-%d:%d", d.Code, d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character))
	}
	return strings.Join(out, "\n")
}
