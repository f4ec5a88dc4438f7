package lsp

import (
	"encoding/json"
	"os"
	"time"

	"github.com/ftls-dev/ftls/lsp/frame"
)

// Diagnostics are the largest messages the server sends, and it sends them
// after every edit; encoded by jsonrpc2 they took about 18 ms of an edit's
// 30 ms with 1,800 diagnostics on 100,000 rows (frame.Writer.Notify). So
// the server owns its standard output too: glsp writes to a pipe, a relay
// copies its frames to the real output whole, and publishDiagnostics is
// encoded once and written between them (notifyDirect).

// stdout is the server's real standard output and the pipe glsp writes to
// in its place.
type stdout struct {
	*frame.Writer
	pipe *os.File      // the write end that glsp writes to
	done chan struct{} // closed when the relay has copied glsp's last frame
}

// interceptStdout puts a pipe in place of os.Stdout, which glsp writes
// to, and relays its frames to the real standard output.
func (s *Server) interceptStdout() error {
	r, w, err := os.Pipe()
	if err != nil {
		return err
	}
	frame.GrowPipe(os.Stdout)
	out := &stdout{Writer: frame.NewWriter(os.Stdout), pipe: w, done: make(chan struct{})}
	os.Stdout = w
	s.mu.Lock()
	s.out = out
	s.mu.Unlock()
	go func() {
		defer close(out.done)
		if err := out.Relay(r); err != nil {
			s.log.Errorf("relaying standard output: %v", err)
		}
		// If the relay stopped on an error, glsp's next write must fail
		// (and end the session) rather than block on a full pipe.
		r.Close()
	}()
	return nil
}

// flushStdout waits, for a bounded time, until the relay has written what
// glsp wrote before it closed its output, so that the last responses are
// not lost when the process exits.
func (s *Server) flushStdout() {
	out := s.stdout()
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

func (s *Server) stdout() *stdout {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.out
}

// notifyDirect sends a notification encoded once, past jsonrpc2, when the
// server owns its standard output, and through glsp otherwise.
func (s *Server) notifyDirect(method string, params any) {
	out := s.stdout()
	if out == nil {
		s.Notify(method, params)
		return
	}
	if err := out.Notify(method, params); err != nil {
		s.log.Errorf("%s: %v", method, err)
	}
}

// replyError answers the request id with a JSON-RPC error, written
// directly to the real standard output (the pump's answers to messages
// glsp never sees). It reports false when the server does not own its
// output, and nothing was sent.
func (s *Server) replyError(id json.RawMessage, code int, message string) bool {
	out := s.stdout()
	if out == nil {
		return false
	}
	if err := out.ReplyError(id, code, message); err != nil {
		s.log.Errorf("error response: %v", err)
	}
	return true
}
