package lsp

import (
	"fmt"
	"os"
	"runtime/debug"

	glspserver "github.com/tliron/glsp/server"

	"github.com/tliron/commonlog"
	"github.com/tliron/commonlog/simple"
)

// Running a session over standard input and output, and logging.

// serverGCPercent is the growth of the live heap, in percent, that starts
// a collection in the server.
const serverGCPercent = 25

// Run serves LSP on standard input and output until the client exits or
// closes the stream, and returns the process exit code: 0 after a
// shutdown request, 1 otherwise.
func Run(opts Options) int {
	if err := configureLog(opts); err != nil {
		fmt.Fprintln(os.Stderr, "ftls serve:", err)
		return 2
	}
	// The server's heap is mostly the text of open documents, which holds
	// no pointers and costs the collector little to mark. Collecting at
	// half the default growth kept a 232 MB document at 2.5 times its size
	// instead of 2.8; at a quarter, 2.2 times (peak 518 MB instead of 590
	// over 100 edits), with no edit latency change beyond the noise
	// (docs/performance.md, issue 21). Once large documents are open, the
	// memory pacer takes over (memory.go).
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(serverGCPercent)
	}
	s := New(opts)
	s.memory = newMemoryPacer(func(uri string) int64 {
		if snap := s.docs.get(uri); snap != nil {
			return snap.Size()
		}
		return 0
	})
	// Standard output first: the input pump answers some requests itself
	// (replyError), from the first message on.
	if err := s.interceptStdout(); err != nil {
		s.log.Errorf("standard output: %v", err)
		return 2
	}
	if err := s.interceptStdin(); err != nil {
		s.log.Errorf("standard input: %v", err)
		return 2
	}
	// glsp's own message log is never turned on: messages carry settings,
	// and settings can carry the provider's API key, which must not reach a
	// log. Debug raises the verbosity of ftls's own log instead.
	srv := glspserver.NewServer(s, "ftls", false)
	s.log.Noticef("ftls %s language server starting", opts.Version)
	if err := srv.RunStdio(); err != nil {
		s.log.Errorf("serve: %v", err)
	}
	if opts.BeforeExit != nil {
		opts.BeforeExit()
	}
	code := s.close()
	s.flushStdout()
	return code
}

// configureLog sends commonlog's output to a file or to standard error,
// unbuffered so that nothing is lost when the process exits.
func configureLog(opts Options) error {
	backend := simple.NewBackend()
	backend.Buffered = false
	verbosity := 0
	if opts.Debug {
		verbosity = 2
	}
	var path *string
	if opts.LogFile != "" {
		// simple's backend exits the process when it cannot open the file:
		// find out first.
		f, err := os.OpenFile(opts.LogFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		f.Close()
		path = &opts.LogFile
	}
	backend.Configure(verbosity, path)
	commonlog.SetBackend(backend)
	return nil
}

// close ends background work and returns the exit code.
func (s *Server) close() int {
	s.cancel()
	s.diags.stopAll()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shutdown {
		s.log.Notice("exiting after shutdown")
		return 0
	}
	s.log.Warning("exiting without a shutdown request")
	return 1
}
