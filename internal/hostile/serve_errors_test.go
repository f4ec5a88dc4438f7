package hostile

import (
	"strings"
	"testing"
	"time"
)

const (
	codeParseError           = -32700
	codeServerNotInitialized = -32002
)

// JSON-RPC and LSP error codes that glsp cannot give (it turns every
// handler error into -32600): a request before initialize gets -32002
// (ServerNotInitialized), a body that is not JSON gets -32700 (ParseError)
// when its id can be read before the error, and valid JSON that is no
// request gets -32600 with its id. The server answers these itself, below
// glsp, and keeps serving.
func TestServeErrorCodes(t *testing.T) {
	start := time.Now()
	p := startServe(t, t.TempDir(), nil)

	// Before initialize: every request is refused with -32002, the unknown
	// method included; notifications are dropped.
	wantError(t, p, "textDocument/hover", hoverAt("file:///nowhere/a.jsonl", 0, 0), codeServerNotInitialized, `not initialized`)
	wantError(t, p, "ftls/noSuchMethod", nil, codeServerNotInitialized, `not initialized`)
	p.didOpen("file:///nowhere/a.jsonl", validRow+"\n")
	p.frame([]byte(`{"jsonrpc":"2.0","id":"pre","method":"shutdown"}`))
	if m := p.response(`"pre"`, 5*time.Second); m.Error == nil || m.Error.Code != codeServerNotInitialized {
		t.Errorf("shutdown before initialize: %+v", m.Error)
	}
	p.initialize()

	// Broken JSON whose id comes before the error: -32700 to that id.
	p.frame([]byte(`{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{`))
	if m := p.response("99", 5*time.Second); m.Error == nil || m.Error.Code != codeParseError || !strings.Contains(m.Error.Message, "parse error") {
		t.Errorf("truncated request: %+v", m.Error)
	}
	p.frame([]byte(`{"id":"s-1","jsonrpc":"2.0","method":"textDocument/hover","params":{"position":{"line":0,,}}}`))
	if m := p.response(`"s-1"`, 5*time.Second); m.Error == nil || m.Error.Code != codeParseError {
		t.Errorf("string id, syntax error after it: %+v", m.Error)
	}
	// Valid JSON but not a request: -32600 to its id.
	p.frame([]byte(`{"jsonrpc":"2.0","id":7,"method":7}`))
	if m := p.response("7", 5*time.Second); m.Error == nil || m.Error.Code != codeInvalidRequest {
		t.Errorf("method 7: %+v", m.Error)
	}
	// No id to answer: an error before the id, a notification, a broken
	// response of the client's, garbage. Dropped with a log line.
	p.frame([]byte(`{"jsonrpc":"2.0","method":"textDocument/hover","params":{"x":[}, "id": 905}`))
	p.frame([]byte(`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{`))
	p.frame([]byte(`{"jsonrpc":"2.0","id":908,"result":{"applied":`))
	p.frame([]byte("\xff\xfe\x00garbage"))
	p.healthy()
	p.mu.Lock()
	for _, id := range []string{"905", "908", "null"} {
		if m := p.resps[id]; m != nil {
			t.Errorf("an answer to id %s: %+v", id, m.Error)
		}
	}
	p.mu.Unlock()
	code, rss := p.exit(10 * time.Second)
	t.Logf("exit %d after %v, peak RSS %.0f MiB", code, time.Since(start).Round(time.Millisecond), rss)
	if logs := p.stderr.String(); !strings.Contains(logs, "dropped a malformed message") {
		t.Errorf("no log line for the dropped messages:\n%s", logs)
	}
}
