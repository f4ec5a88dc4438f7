package lsp

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// Diagnostics are the largest messages the server sends, and it sends them
// after every edit. jsonrpc2 v0.2.0 encodes a notification's params, then
// encodes the message around them, and encoding/json re-validates the
// inner JSON at each level: about 18 ms of an edit's 30 ms with 1,800
// diagnostics on 100,000 rows. So the server owns its standard output too:
// glsp writes to a pipe, a relay copies its frames to the real output
// whole, and publishDiagnostics is encoded once and written between them
// (notifyDirect).

// frameWriter writes whole LSP frames to the real standard output, one at
// a time.
type frameWriter struct {
	mu   sync.Mutex
	w    io.Writer
	pipe *os.File      // the write end that glsp writes to
	done chan struct{} // closed when the relay has copied glsp's last frame
}

func (f *frameWriter) write(header, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.w.Write(header); err != nil {
		return err
	}
	_, err := f.w.Write(body)
	return err
}

// interceptStdout puts a pipe in place of os.Stdout, which glsp writes
// to, and relays its frames to the real standard output.
func (s *Server) interceptStdout() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	growPipe(os.Stdout)
	out := &frameWriter{w: os.Stdout, pipe: w, done: make(chan struct{})}
	os.Stdout = w
	s.mu.Lock()
	s.out = out
	s.mu.Unlock()
	go func() {
		defer close(out.done)
		s.relay(r, out)
		// If the relay stopped on an error, glsp's next write must fail
		// (and end the session) rather than block on a full pipe.
		r.Close()
	}()
	return nil
}

// relay copies frames from glsp's pipe until glsp closes it.
func (s *Server) relay(r io.Reader, out *frameWriter) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		header, n, err := readHeader(br)
		if err != nil {
			if err != io.EOF {
				s.log.Errorf("relaying standard output: %v", err)
			}
			return
		}
		body, err := readBody(br, n)
		if err != nil {
			s.log.Errorf("relaying standard output: %v", err)
			return
		}
		if err := out.write(header, body); err != nil {
			s.log.Errorf("writing standard output: %v", err)
			return
		}
	}
}

// flushStdout waits, for a bounded time, until the relay has written what
// glsp wrote before it closed its output, so that the last responses are
// not lost when the process exits.
func (s *Server) flushStdout() {
	s.mu.Lock()
	out := s.out
	s.mu.Unlock()
	if out == nil {
		return
	}
	out.pipe.Close() // glsp may have closed it already
	select {
	case <-out.done:
	case <-time.After(5 * time.Second):
		s.log.Warning("standard output: gave up waiting for the last messages")
	}
}

// notifyDirect sends a notification encoded once, past jsonrpc2, when the
// server owns its standard output, and through glsp otherwise.
func (s *Server) notifyDirect(method string, params any) {
	s.mu.Lock()
	out := s.out
	s.mu.Unlock()
	if out == nil {
		s.Notify(method, params)
		return
	}
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	err := json.NewEncoder(buf).Encode(struct {
		JSONRPC string `json:"jsonrpc"`
		Method  string `json:"method"`
		Params  any    `json:"params"`
	}{"2.0", method, params})
	if err != nil {
		s.log.Errorf("%s: %v", method, err)
		return
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}) // Encode ends the value with one
	if err := out.write(fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", len(body)), body); err != nil {
		s.log.Errorf("%s: %v", method, err)
	}
}

// replyError answers the request id with a JSON-RPC error, written
// directly to the real standard output (the pump's answers to messages
// glsp never sees). It reports false when the server does not own its
// output, and nothing was sent.
func (s *Server) replyError(id json.RawMessage, code int, message string) bool {
	s.mu.Lock()
	out := s.out
	s.mu.Unlock()
	if out == nil {
		return false
	}
	body, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}{JSONRPC: "2.0", ID: id, Error: struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}{code, message}})
	if err != nil {
		s.log.Errorf("error response: %v", err)
		return false
	}
	if err := out.write(fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", len(body)), body); err != nil {
		s.log.Errorf("error response: %v", err)
	}
	return true
}

// bodies recycles the buffers notifications are encoded in: the
// diagnostics of 100,000 rows take most of a megabyte, sent after every
// edit, and fresh buffers had the garbage collector run twice as often
// while typing.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}
