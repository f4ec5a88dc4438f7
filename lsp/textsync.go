package lsp

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/lsp/frame"
)

// didOpen and didChange carry whole documents, hundreds of megabytes for a
// large dataset. jsonrpc2 v0.2.0, under glsp, decodes a message with
// encoding/json four times over (into a message, into a map, back to raw
// params) before a handler sees it: about 30 s for a 230 MB document. So
// the server reads its standard input itself first (interceptStdin): a
// large didOpen or didChange is decoded once with ftls's positional JSON
// parser, kept aside, and glsp gets a small stand-in that names it. Other
// messages pass through byte for byte, and the order of messages is kept.

// largeMessage is the body size from which didOpen and didChange take the
// fast path.
const largeMessage = 256 << 10

// stash holds the params of large messages until their handler runs.
type stash struct {
	mu   sync.Mutex
	next int64
	m    map[int64]any
}

func (st *stash) put(v any) int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.m == nil {
		st.m = map[int64]any{}
	}
	st.next++
	st.m[st.next] = v
	return st.next
}

func (st *stash) take(key int64) (any, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	v, ok := st.m[key]
	delete(st.m, key)
	return v, ok
}

// interceptStdin puts a pipe in place of os.Stdin, which glsp reads, and
// feeds it from the real standard input through pump.
func (s *Server) interceptStdin() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	in := os.Stdin
	frame.GrowPipe(in)
	os.Stdin = r
	s.goSafe("stdin", func() { s.pump(in, w) })
	return nil
}

// pump copies LSP frames from in to out, replacing large document
// messages with stand-ins.
func (s *Server) pump(in io.Reader, out io.WriteCloser) {
	defer out.Close()
	br := bufio.NewReaderSize(in, 64<<10)
	initSent := false // an initialize request has gone to glsp
	for {
		header, n, err := frame.ReadHeader(br)
		arrived := time.Now()
		if err != nil {
			if err != io.EOF {
				s.log.Errorf("reading standard input: %v", err)
			}
			return
		}
		var body []byte
		var streamed any
		if n >= streamFrom {
			body, streamed, err = s.readStreamed(br, n, arrived)
		} else {
			body, err = frame.ReadBody(br, n)
		}
		if err != nil {
			s.log.Errorf("reading standard input: %v", err)
			return
		}
		if body == nil {
			continue // a malformed didOpen, dropped
		}
		standIn := false
		if streamed != nil {
			s.log.Noticef("read a %.1f MB message in %.0f ms, checking it as it came", float64(n)/1e6, ms(time.Since(arrived)))
			body = s.standInFor("textDocument/didOpen", streamed)
			header = frame.Header(len(body))
			standIn = true
		} else if n >= largeMessage {
			if repl, ok := s.standIn(body, arrived); ok {
				s.log.Noticef("read a %.1f MB message in %.0f ms", float64(n)/1e6, ms(time.Since(arrived)))
				body = repl
				header = frame.Header(len(repl))
				standIn = true
			}
		}
		if !standIn {
			// A body jsonrpc2 cannot decode would end the session (frames.go).
			msg, err := frame.Check(body)
			if err != nil {
				s.log.Errorf("dropped a malformed message of %d bytes: %v", n, err)
				if fe, ok := err.(*frame.Error); ok && fe.ID != nil {
					what := "parse error"
					if fe.Code != frame.CodeParseError {
						what = "invalid request"
					}
					s.replyError(fe.ID, fe.Code, fmt.Sprintf("%s: %v", what, err))
				}
				continue
			}
			// LSP: until initialize, every request gets
			// ServerNotInitialized, which glsp cannot send.
			if msg.Method == "initialize" {
				initSent = true
			} else if !initSent && msg.Request() && s.replyError(msg.ID, frame.CodeServerNotInitialized, "the server is not initialized: send initialize first") {
				continue
			}
		}
		if _, err := out.Write(header); err != nil {
			return
		}
		if _, err := out.Write(body); err != nil {
			return
		}
	}
}

// standIn decodes a large didOpen or didChange and returns the small
// message that replaces it.
func (s *Server) standIn(body []byte, arrived time.Time) ([]byte, bool) {
	var p jsonpos.Parser
	root, err := p.Parse(body)
	if err != nil || root.Get("id").Exists() {
		return nil, false
	}
	method := root.Get("method").Str()
	var v any
	switch method {
	case "textDocument/didOpen":
		var p didOpenParams
		p, err = didOpenFrom(root.Get("params"))
		p.arrived = arrived
		v = p
	case "textDocument/didChange":
		var p didChangeParams
		p, err = didChangeFrom(root.Get("params"))
		p.arrived = arrived
		v = p
	default:
		return nil, false
	}
	if err != nil {
		return nil, false // glsp and the handler report it
	}
	return s.standInFor(method, v), true
}

// standInFor keeps v aside and returns the message that names it.
func (s *Server) standInFor(method string, v any) []byte {
	key := s.stash.put(v)
	return []byte(fmt.Sprintf(`{"jsonrpc":"2.0","method":%q,"params":{"ftlsStash":%d}}`, method, key))
}
