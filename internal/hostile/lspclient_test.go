package hostile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lspProc drives one `ftls serve` process over its pipes. Unlike the
// client of lsp/client_test.go it writes raw frames, so that tests can send
// what no JSON-RPC library would: broken headers, broken JSON, wrong types.
// It answers the server's requests as a cooperative editor does
// (confirmation "Generate", edits applied, no configuration).
type lspProc struct {
	t      testing.TB
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *capBuffer
	done   chan struct{} // closed when the process has exited
	code   int
	rssMB  float64

	wmu    sync.Mutex // one frame at a time on stdin
	nextID int

	mu      sync.Mutex
	changed *sync.Cond
	resps   map[string]*rpcMsg            // responses by id
	diags   map[string][]publishedVersion // publishDiagnostics by URI, in order
	msgs    []string                      // window/showMessage texts
	ends    []string                      // $/progress "end" messages
	applied int                           // workspace/applyEdit requests answered
	readErr error
}

// publishedVersion is one publishDiagnostics notification, summarised.
type publishedVersion struct {
	version int
	codes   []string // "CODE line:col" (0-based, as LSP sends them)
	n       int
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

type rpcMsg struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *rpcError       `json:"error,omitempty"`
}

// startServe starts `ftls serve` with env added to a minimal environment.
func startServe(t testing.TB, dir string, env map[string]string) *lspProc {
	t.Helper()
	cmd := exec.Command(ftlsBin, "serve")
	cmd.Dir = dir
	cmd.Env = baseEnv(dir, env)
	p := &lspProc{t: t, cmd: cmd, stderr: newCapBuffer(), done: make(chan struct{}),
		resps: map[string]*rpcMsg{}, diags: map[string][]publishedVersion{}}
	p.changed = sync.NewCond(&p.mu)
	cmd.Stderr = p.stderr
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.read(out)
	go func() {
		cmd.Wait()
		p.mu.Lock()
		p.code = cmd.ProcessState.ExitCode()
		p.rssMB = maxRSS(cmd.ProcessState)
		p.mu.Unlock()
		close(p.done)
		p.broadcast()
	}()
	t.Cleanup(func() {
		p.stdin.Close()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-p.done
			t.Errorf("ftls serve did not exit within 10 s of its input closing")
		}
		if crashMarkers.MatchString(p.stderr.String()) || strings.Contains(p.stderr.String(), "panic in") {
			t.Errorf("the server crashed or recovered from a panic:\n%s", p.stderr)
		} else if t.Failed() {
			t.Logf("server log:\n%s", p.stderr)
		}
	})
	return p
}

func (p *lspProc) broadcast() {
	p.mu.Lock()
	p.changed.Broadcast()
	p.mu.Unlock()
}

// read parses the server's frames until its stdout closes.
func (p *lspProc) read(out io.Reader) {
	br := bufio.NewReaderSize(out, 1<<20)
	for {
		n := -1
		for {
			line, err := br.ReadString('\n')
			if err != nil {
				p.mu.Lock()
				p.readErr = err
				p.changed.Broadcast()
				p.mu.Unlock()
				return
			}
			line = strings.TrimRight(line, "\r\n")
			if line == "" {
				break
			}
			if name, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(name, "Content-Length") {
				n, _ = strconv.Atoi(strings.TrimSpace(v))
			}
		}
		body := make([]byte, max(n, 0))
		if _, err := io.ReadFull(br, body); err != nil {
			p.mu.Lock()
			p.readErr = err
			p.changed.Broadcast()
			p.mu.Unlock()
			return
		}
		var m rpcMsg
		if err := json.Unmarshal(body, &m); err != nil {
			p.mu.Lock()
			p.readErr = fmt.Errorf("server sent invalid JSON: %v", err)
			p.changed.Broadcast()
			p.mu.Unlock()
			return
		}
		p.handle(&m)
	}
}

func (p *lspProc) handle(m *rpcMsg) {
	if m.Method != "" && len(m.ID) > 0 {
		// A request from the server.
		var result any
		switch m.Method {
		case "window/showMessageRequest":
			result = map[string]string{"title": "Generate"}
		case "workspace/applyEdit":
			p.mu.Lock()
			p.applied++
			p.mu.Unlock()
			result = map[string]any{"applied": true}
		case "workspace/configuration":
			result = []any{nil}
		}
		resp, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
		p.frame(resp)
		p.broadcast()
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	defer p.changed.Broadcast()
	switch m.Method {
	case "":
		p.resps[string(m.ID)] = m
	case "textDocument/publishDiagnostics":
		var pd struct {
			URI         string `json:"uri"`
			Version     int    `json:"version"`
			Diagnostics []struct {
				Code  any `json:"code"`
				Range struct {
					Start struct{ Line, Character int } `json:"start"`
				} `json:"range"`
			} `json:"diagnostics"`
		}
		json.Unmarshal(m.Params, &pd)
		pv := publishedVersion{version: pd.Version, n: len(pd.Diagnostics)}
		for i, d := range pd.Diagnostics {
			if i == 50 {
				break // enough to assert on; a million would fill the log
			}
			pv.codes = append(pv.codes, fmt.Sprintf("%v %d:%d", d.Code, d.Range.Start.Line, d.Range.Start.Character))
		}
		p.diags[pd.URI] = append(p.diags[pd.URI], pv)
	case "window/showMessage":
		var sm struct{ Message string }
		json.Unmarshal(m.Params, &sm)
		p.msgs = append(p.msgs, sm.Message)
	case "$/progress":
		var pr struct {
			Value struct{ Kind, Message string }
		}
		json.Unmarshal(m.Params, &pr)
		if pr.Value.Kind == "end" {
			p.ends = append(p.ends, pr.Value.Message)
		}
	}
}

// raw writes bytes to the server's standard input as they are.
func (p *lspProc) raw(b []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	_, err := p.stdin.Write(b)
	return err
}

// frame writes body with a correct header.
func (p *lspProc) frame(body []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if _, err := fmt.Fprintf(p.stdin, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	_, err := p.stdin.Write(body)
	return err
}

// message encodes a JSON-RPC message; params may be json.RawMessage.
func message(id any, method string, params any) []byte {
	m := map[string]any{"jsonrpc": "2.0", "method": method}
	if id != nil {
		m["id"] = id
	}
	if params != nil {
		m["params"] = params
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(err)
	}
	return b
}

// request sends a request with a fresh numeric id and returns the id.
func (p *lspProc) request(method string, params any) string {
	p.mu.Lock()
	p.nextID++
	id := p.nextID
	p.mu.Unlock()
	if err := p.frame(message(id, method, params)); err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
	return strconv.Itoa(id)
}

// call sends a request and waits for its response.
func (p *lspProc) call(method string, params any) (json.RawMessage, *rpcError) {
	p.t.Helper()
	id := p.request(method, params)
	m := p.response(id, 30*time.Second)
	return m.Result, m.Error
}

// response waits for the response with the given id.
func (p *lspProc) response(id string, timeout time.Duration) *rpcMsg {
	p.t.Helper()
	var m *rpcMsg
	p.waitFor("the response to request "+id, timeout, func() bool { m = p.resps[id]; return m != nil })
	return m
}

func (p *lspProc) notify(method string, params any) {
	p.t.Helper()
	if err := p.frame(message(nil, method, params)); err != nil {
		p.t.Fatalf("%s: %v", method, err)
	}
}

// waitFor waits until cond (called with p.mu held) holds; it fails the
// test after timeout or when the server exits first.
func (p *lspProc) waitFor(what string, timeout time.Duration, cond func() bool) {
	p.t.Helper()
	if err := p.await(timeout, cond); err != nil {
		p.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// await is waitFor returning the failure instead.
func (p *lspProc) await(timeout time.Duration, cond func() bool) error {
	deadline := time.Now().Add(timeout)
	timer := time.AfterFunc(timeout, p.broadcast)
	defer timer.Stop()
	p.mu.Lock()
	defer p.mu.Unlock()
	for !cond() {
		select {
		case <-p.done:
			return fmt.Errorf("the server exited (code %d)\n%s", p.code, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v", timeout)
		}
		p.changed.Wait()
	}
	return nil
}

func (p *lspProc) initialize() {
	p.t.Helper()
	_, err := p.call("initialize", map[string]any{
		"processId": nil, "rootUri": nil,
		"capabilities": map[string]any{
			"window":    map[string]any{"workDoneProgress": true},
			"workspace": map[string]any{"workspaceEdit": map[string]any{"documentChanges": true}},
		},
		"initializationOptions": map[string]any{"debounceMs": 0},
	})
	if err != nil {
		p.t.Fatalf("initialize: %v", err)
	}
	p.notify("initialized", map[string]any{})
}

func (p *lspProc) didOpen(uri, text string) {
	p.t.Helper()
	p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "jsonl", "version": 1, "text": text}})
}

// waitDiagnostics waits for a publishDiagnostics of uri at version whose
// codes contain want ("CODE line:col"), and returns what was published.
func (p *lspProc) waitDiagnostics(uri string, version int, want string, timeout time.Duration) publishedVersion {
	p.t.Helper()
	var got publishedVersion
	err := p.await(timeout, func() bool {
		for _, pv := range p.diags[uri] {
			if pv.version == version && strings.Contains(strings.Join(pv.codes, "\n"), want) {
				got = pv
				return true
			}
		}
		return false
	})
	if err != nil {
		p.mu.Lock()
		seen := fmt.Sprintf("%+v", p.diags[uri])
		p.mu.Unlock()
		p.t.Fatalf("waiting for diagnostics %q for %s version %d: %v\npublished: %s", want, uri, version, err, seen)
	}
	return got
}

// healthy asserts that the server still works: a fresh document gets its
// diagnostics and a hover request on it is answered.
func (p *lspProc) healthy() {
	p.t.Helper()
	p.mu.Lock()
	p.nextID++
	uri := fmt.Sprintf("file:///nowhere/probe-%d.jsonl", p.nextID)
	p.mu.Unlock()
	p.didOpen(uri, "not json\n"+validRow+"\n")
	p.waitDiagnostics(uri, 1, "J001 0:1", 30*time.Second)
	res, err := p.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 1, "character": 3}})
	if err != nil || !strings.Contains(string(res), "Row 2") {
		p.t.Fatalf("hover after the hostile input: %s %v", res, err)
	}
}

// exit closes the server's input and waits for it to exit; it returns the
// exit code and the peak RSS.
func (p *lspProc) exit(timeout time.Duration) (int, float64) {
	p.t.Helper()
	p.stdin.Close()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.t.Fatalf("ftls serve did not exit within %v of its input closing", timeout)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.code, p.rssMB
}
