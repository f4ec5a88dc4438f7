package hostile

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Peak memory of `ftls serve` per case, in MiB (ru_maxrss, measured as
// for the CLI limits in cli_test.go):
//
//	ordinary hostile message                 15-25     limit 150 (rssOrdinary)
//	100 MB single-line document (didOpen)    689-811   limit 1100
//	10^6 blank lines document (didOpen)      141-159   limit 250
//
// The server publishes at most 10,000 diagnostics per document, which is
// why a million blank lines cost it far less than they cost `ftls check`.
// The 100 MB line costs about 8 times its size (the message, the document,
// the row's copies in the engine; see cli_test.go).
const (
	rssServeHugeLine  = 1100
	rssServeBlankMega = 250
)

// serveCase is one hostile exchange with a fresh, initialized server.
type serveCase struct {
	name string
	// send performs the exchange and asserts on the answers.
	send func(t *testing.T, p *lspProc)
	// dies is set for input after which no LSP stream can be resynchronised
	// (broken framing): the server must then exit by itself, with exit
	// status 1 and the log line matching dies, instead of answering.
	dies string
	// logs must match the server's log at the end (it logs asynchronously).
	logs string
	// rss is the limit in MiB; rssOrdinary when 0.
	rss   float64
	heavy bool
}

// wantError asserts that a request got an error response with the code
// and a message matching msg.
func wantError(t *testing.T, p *lspProc, method string, params any, code int, msg string) {
	t.Helper()
	res, err := p.call(method, params)
	if err == nil {
		t.Fatalf("%s: got result %s, want error %d", method, res, code)
	}
	if err.Code != code || !regexp.MustCompile(msg).MatchString(err.Message) {
		t.Errorf("%s: error %v, want %d matching %s", method, err, code, msg)
	}
}

const (
	codeInvalidParams  = -32602
	codeMethodNotFound = -32601
	codeInvalidRequest = -32600
)

func hoverAt(uri string, line, char any) map[string]any {
	return map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": line, "character": char}}
}

func serveCases() []serveCase {
	const doc = "file:///nowhere/train.jsonl"
	return []serveCase{
		{
			name: "hover with wrong param types is invalid params",
			send: func(t *testing.T, p *lspProc) {
				wantError(t, p, "textDocument/hover", json.RawMessage(`{"textDocument": 5, "position": "x"}`), codeInvalidParams, `invalid params`)
				wantError(t, p, "textDocument/hover", json.RawMessage(`[1, 2, 3]`), codeInvalidParams, `invalid params`)
				wantError(t, p, "textDocument/codeAction", json.RawMessage(`{"textDocument": {"uri": ["x"]}, "range": 7}`), codeInvalidParams, `invalid params`)
			},
		},
		{
			name: "notifications with wrong param types are dropped",
			send: func(t *testing.T, p *lspProc) {
				p.notify("textDocument/didOpen", json.RawMessage(`{"textDocument": {"uri": 5, "text": ["a"], "version": "one"}}`))
				p.notify("textDocument/didChange", json.RawMessage(`{"textDocument": {"uri": "file:///nowhere/none.jsonl", "version": 2}, "contentChanges": [{"range": "everything", "text": 5}]}`))
				p.notify("textDocument/didClose", json.RawMessage(`"closed"`))
				p.notify("workspace/didChangeConfiguration", json.RawMessage(`{"settings": {"ftls": {"rules": 5, "maxTokens": "lots"}}}`))
			},
		},
		{
			name: "unknown methods are method-not-found, unknown notifications ignored",
			send: func(t *testing.T, p *lspProc) {
				wantError(t, p, "ftls/noSuchMethod", nil, codeMethodNotFound, `method not supported: ftls/noSuchMethod`)
				p.notify("$/noSuchNotification", map[string]any{})
				p.notify("noSuchNotification", map[string]any{})
				wantError(t, p, "workspace/executeCommand", map[string]any{"command": "ftls.noSuchCommand", "arguments": []any{}}, codeInvalidRequest, `ftls\.noSuchCommand`)
			},
		},
		{
			name: "out-of-range positions in hover and edits are harmless",
			send: func(t *testing.T, p *lspProc) {
				p.didOpen(doc, validRow+"\n")
				p.waitDiagnostics(doc, 1, "C018 0:0", 30*time.Second)
				for _, pos := range [][2]any{{1 << 30, 0}, {0, 1 << 30}, {-1, -1}, {2147483647, 2147483647}} {
					if _, err := p.call("textDocument/hover", hoverAt(doc, pos[0], pos[1])); err != nil && err.Code != codeInvalidParams {
						t.Errorf("hover at %v: %v", pos, err)
					}
				}
				// An edit whose range lies past the end of the document,
				// and one whose end is before its start.
				p.notify("textDocument/didChange", map[string]any{
					"textDocument":   map[string]any{"uri": doc, "version": 2},
					"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": 1000, "character": 5}, "end": map[string]any{"line": 2000, "character": 0}}, "text": "x"}},
				})
				p.notify("textDocument/didChange", map[string]any{
					"textDocument":   map[string]any{"uri": doc, "version": 3},
					"contentChanges": []any{map[string]any{"range": map[string]any{"start": map[string]any{"line": 0, "character": 50}, "end": map[string]any{"line": 0, "character": 2}}, "text": "y"}},
				})
				_, _ = p.call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": doc},
					"range": map[string]any{"start": map[string]any{"line": 99, "character": 99}, "end": map[string]any{"line": -4, "character": 0}}, "context": map[string]any{"diagnostics": []any{}}})
			},
		},
		{
			name: "requests after shutdown are refused and exit ends with 0",
			send: func(t *testing.T, p *lspProc) {
				if _, err := p.call("shutdown", nil); err != nil {
					t.Fatal(err)
				}
				wantError(t, p, "textDocument/hover", hoverAt(doc, 0, 0), codeInvalidRequest, `shut down`)
				wantError(t, p, "shutdown", nil, codeInvalidRequest, `shut down`)
				p.notify("exit", nil)
				select {
				case <-p.done:
				case <-time.After(5 * time.Second):
					t.Fatal("no exit within 5 s of the exit notification")
				}
				if p.code != 0 {
					t.Errorf("exit code %d after shutdown and exit, want 0", p.code)
				}
			},
		},
		{
			name: "invalid UTF-8 and NUL bytes in a document are J004 and J001 at their column",
			send: func(t *testing.T, p *lspProc) {
				// Raw invalid bytes inside the JSON string of the message
				// (encoding/json would replace them, a careless client
				// does not), and an escaped NUL.
				body := []byte(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"` + doc + `","languageId":"jsonl","version":1,"text":"{\"messages\":[{\"role\":\"user\",\"content\":\"bad ` + "\xff\xfe" + ` here\"}]}\n\u0000\u0000\n"}}}`)
				if err := p.frame(body); err != nil {
					t.Fatal(err)
				}
				// encoding/json, under glsp, turns the invalid bytes into
				// U+FFFD: the document the server holds is valid UTF-8,
				// and only the NUL line is broken.
				p.waitDiagnostics(doc, 1, "J001 1:0", 30*time.Second)
			},
		},
		{
			name: "a document nested 100,000 levels deep is J001 at the depth limit",
			send: func(t *testing.T, p *lspProc) {
				// Two documents: a file opening with [ is read as one
				// JSON array, whose first error is its only one.
				p.didOpen(doc, strings.Repeat("[", 100_000)+"\n")
				p.waitDiagnostics(doc, 1, "J001 0:1000", 30*time.Second)
				other := "file:///nowhere/objects.jsonl"
				p.didOpen(other, validRow+"\n"+strings.Repeat(`{"a":`, 100_000)+"\n")
				p.waitDiagnostics(other, 1, "J001 1:5000", 30*time.Second)
			},
		},
		{
			name: "a message nested 100,000 levels deep is refused, not parsed",
			send: func(t *testing.T, p *lspProc) {
				deep := `{"jsonrpc":"2.0","id":1000,"method":"textDocument/hover","params":{"textDocument":{"uri":"` + doc + `"},"position":{"line":0,"character":0},"x":` + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + `}}`
				if err := p.frame([]byte(deep)); err != nil {
					t.Fatal(err)
				}
			},
			logs: `dropped a malformed message of \d+ bytes: invalid character '\[' exceeded max depth`,
		},
		{
			name: "huge numbers in params are invalid params or clamped",
			send: func(t *testing.T, p *lspProc) {
				p.didOpen(doc, validRow+"\n")
				p.waitDiagnostics(doc, 1, "C018 0:0", 30*time.Second)
				for _, pos := range []string{`1e999999`, strings.Repeat("9", 400), `-1e999999`, `1.5`} {
					params := json.RawMessage(`{"textDocument":{"uri":"` + doc + `"},"position":{"line":` + pos + `,"character":0}}`)
					if _, err := p.call("textDocument/hover", params); err != nil && err.Code != codeInvalidParams {
						t.Errorf("hover at line %s: %v", pos[:min(len(pos), 12)], err)
					}
				}
				p.notify("textDocument/didChange", json.RawMessage(`{"textDocument":{"uri":"`+doc+`","version":1e999999},"contentChanges":[{"text":"x"}]}`))
			},
		},
		{
			name: "duplicate keys in a message are decoded without a crash",
			send: func(t *testing.T, p *lspProc) {
				params := json.RawMessage(`{"textDocument":{"uri":"` + doc + `","uri":"file:///nowhere/other.jsonl","languageId":"jsonl","version":1,"version":2,"text":"x\n","text":"` + strings.ReplaceAll(validRow, `"`, `\"`) + `\n"}}`)
				p.notify("textDocument/didOpen", params)
			},
		},
		{
			name: "a JSON body that is not an object is ignored",
			send: func(t *testing.T, p *lspProc) {
				for _, body := range []string{`[]`, `5`, `"text"`, `null`, `{"jsonrpc":"2.0","id":{"a":1},"method":"textDocument/hover"}`, `{"jsonrpc":"2.0","method":7}`} {
					if err := p.frame([]byte(body)); err != nil {
						t.Fatal(err)
					}
				}
			},
			logs: `dropped a malformed message of 2 bytes: json: cannot unmarshal array(?s:.*)id \{"a":1\} is neither a number nor a string(?s:.*)method 7 is not a string`,
		},
		{
			name: "a frame of broken JSON is dropped; a readable id gets -32700",
			send: func(t *testing.T, p *lspProc) {
				p.frame([]byte(`{"jsonrpc":"2.0","id":99,"method":"textDocument/hover","params":{`))
				p.frame([]byte("\xff\xfe\x00garbage"))
				if m := p.response("99", 5*time.Second); m.Error == nil || m.Error.Code != codeParseError {
					t.Errorf("no parse error for request 99: %+v", m.Error)
				}
			},
			logs: `dropped a malformed message of 65 bytes: unexpected end of JSON input(?s:.*)dropped a malformed message of 10 bytes: invalid character`,
		},
		{
			name: "a non-numeric Content-Length ends the session cleanly",
			send: func(t *testing.T, p *lspProc) {
				p.raw([]byte("Content-Length: abc\r\n\r\n{}"))
			},
			dies: `reading standard input: bad Content-Length "\s*abc"`,
		},
		{
			name: "a negative Content-Length ends the session cleanly",
			send: func(t *testing.T, p *lspProc) {
				p.raw([]byte("Content-Length: -5\r\n\r\n{}"))
			},
			dies: `reading standard input: bad Content-Length "\s*-5"`,
		},
		{
			name: "a frame without Content-Length ends the session cleanly",
			send: func(t *testing.T, p *lspProc) {
				p.raw([]byte("Content-Type: application/json\r\n\r\n{}"))
			},
			dies: `frame without Content-Length`,
		},
		{
			name: "a Content-Length of 100 GB does not allocate it",
			send: func(t *testing.T, p *lspProc) {
				p.raw([]byte("Content-Length: 100000000000\r\n\r\n{\"jsonrpc\":\"2.0\"}"))
				p.stdin.Close()
			},
			dies: `reading standard input: Content-Length over the 4 GiB limit: 100000000000`,
		},
		{
			name: "a Content-Length of 3 GB that never comes does not allocate it",
			send: func(t *testing.T, p *lspProc) {
				p.raw([]byte("Content-Length: 3000000000\r\n\r\n{\"jsonrpc\":\"2.0\"}"))
				p.stdin.Close()
			},
			dies: `unexpected EOF`,
		},
		{
			name: "a Content-Length longer than the body that follows, then EOF",
			send: func(t *testing.T, p *lspProc) {
				p.raw([]byte("Content-Length: 1000\r\n\r\n{\"jsonrpc\":\"2.0\"}"))
				p.stdin.Close()
			},
			dies: `unexpected EOF`,
		},
		{
			name: "a 100 MB single-line document gets Q001 at 0:0",
			send: func(t *testing.T, p *lspProc) {
				sendHugeDidOpen(t, p, doc, func(w *bufio.Writer) { hugeLine(100 << 20)(w) })
				p.waitDiagnostics(doc, 1, "Q001 0:0", 3*time.Minute)
			},
			rss: rssServeHugeLine, heavy: true,
		},
		{
			name: "a document of a million blank lines gets J003 from line 0",
			send: func(t *testing.T, p *lspProc) {
				sendHugeDidOpen(t, p, doc, func(w *bufio.Writer) {
					repeat(w, "\n", 1_000_000)
					w.WriteString(validRow + "\n")
				})
				pv := p.waitDiagnostics(doc, 1, "J003 0:0", 3*time.Minute)
				// The server caps what it publishes per document (the
				// editor could not show a million anyway).
				t.Logf("%d diagnostics published", pv.n)
			},
			rss: rssServeBlankMega, heavy: true,
		},
	}
}

// sendHugeDidOpen streams a didOpen whose text gen writes, escaped as a
// JSON string on the fly, through a temporary file: the test never holds
// the text in memory.
func sendHugeDidOpen(t *testing.T, p *lspProc, uri string, gen func(w *bufio.Writer)) {
	t.Helper()
	body := filepath.Join(t.TempDir(), "body")
	writeFile(t, body, func(w *bufio.Writer) {
		fmt.Fprintf(w, `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":"jsonl","version":1,"text":"`, uri)
		ew := bufio.NewWriterSize(jsonEscaper{w}, 1<<20)
		gen(ew)
		ew.Flush()
		w.WriteString(`"}}}`)
	})
	st, err := os.Stat(body)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(body)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p.wmu.Lock()
	defer p.wmu.Unlock()
	fmt.Fprintf(p.stdin, "Content-Length: %d\r\n\r\n", st.Size())
	if _, err := bufio.NewReader(f).WriteTo(p.stdin); err != nil {
		t.Fatal(err)
	}
}

// jsonEscaper writes what it is given as the inside of a JSON string
// (quotes, backslashes and line feeds escaped; the generators write no
// other control character).
type jsonEscaper struct{ w *bufio.Writer }

func (e jsonEscaper) Write(b []byte) (int, error) {
	for _, c := range b {
		switch c {
		case '"', '\\':
			e.w.WriteByte('\\')
			e.w.WriteByte(c)
		case '\n':
			e.w.WriteString(`\n`)
		default:
			e.w.WriteByte(c)
		}
	}
	return len(b), nil
}

// TestServeHostileMessages sends each hostile message to a fresh server:
// it must answer with an error where a request is wrong, keep serving (a
// new document still gets diagnostics and hover), and stay within its
// memory limit; after broken framing it must exit by itself, cleanly.
func TestServeHostileMessages(t *testing.T) {
	for _, c := range serveCases() {
		t.Run(c.name, func(t *testing.T) {
			if c.heavy && testing.Short() {
				t.Skip("heavy input; run without -short")
			}
			p := startServe(t, t.TempDir(), nil)
			p.initialize()
			start := time.Now()
			c.send(t, p)
			if c.dies != "" {
				select {
				case <-p.done:
				case <-time.After(10 * time.Second):
					t.Fatal("the server neither answers nor exits after broken framing")
				}
				if p.code != 1 {
					t.Errorf("exit code %d, want 1 (no shutdown)", p.code)
				}
				if !regexp.MustCompile(c.dies).MatchString(p.stderr.String()) {
					t.Errorf("log lacks %s:\n%s", c.dies, p.stderr)
				}
			} else {
				select {
				case <-p.done:
					if !strings.Contains(c.name, "shutdown") {
						t.Fatalf("the server exited (code %d):\n%s", p.code, p.stderr)
					}
				default:
					p.healthy()
				}
			}
			_, rss := p.exit(10 * time.Second)
			if c.logs != "" && !regexp.MustCompile(c.logs).MatchString(p.stderr.String()) {
				t.Errorf("log lacks %s:\n%s", c.logs, p.stderr)
			}
			limit := c.rss
			if limit == 0 {
				limit = rssOrdinary
			}
			t.Logf("%v, peak RSS %.0f MiB", time.Since(start).Round(time.Millisecond), rss)
			if rss > limit {
				t.Errorf("peak RSS %.0f MiB, limit %.0f MiB", rss, limit)
			}
		})
	}
}
