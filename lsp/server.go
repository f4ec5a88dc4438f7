// Package lsp is ftls's language server: the Language Server Protocol
// between an editor and the engine, and nothing else.
//
// It follows gopls and terraform-ls: one file per LSP feature, a method
// table in server.go, diagnostics published from one place (publish.go),
// and no domain logic: rows are checked by the engine (engine.Doc,
// engine.CheckLines), settings, plans, splits and dataset_info.txt come
// from the workspace package, pairing from package pairing, hover text
// from rowview; so the editor shows what `ftls check` prints and runs
// what `ftls split` and `ftls info` run. See docs/architecture.md.
//
// glsp v0.2.2 carries the JSON-RPC connection, but the server is its own
// glsp.Handler and decodes every request itself, because glsp's protocol
// types decode some fields wrongly. glsp handles one message at a time, so
// handlers only read snapshots and cached results; checking, statistics and
// every request the server sends to the client run in goroutines.
//
// The files:
//
//	server.go         method table, panics; run.go: the session, logging
//	lifecycle.go      initialize, initialized, shutdown, exit
//	docsync.go        didOpen, didChange, didClose
//	document.go       documents as immutable snapshots (engine.Doc)
//	textsync.go       large didOpen/didChange decoded ahead of glsp
//	stream.go         streamcheck.go  decode.go  params.go  stdout.go
//	                  (the same; frames themselves: package lsp/frame)
//	diagnostics.go    the document workers: debouncing, two phases
//	check.go          checking one version; publish.go sends the result
//	leakage.go        validation documents against their training file
//	hover.go          codeaction.go  fixall.go  codelens.go  symbols.go
//	plan.go           completion.go  plan_actions.go  (plan documents)
//	generate.go       generate_actions.go  editsink.go  progress.go
//	embed.go          edited rows embedded for D005 (semantic near-duplicates)
//	split.go          info.go  commands.go  applyedit.go (verified edits)
//	config.go         clientsettings.go  client.go  confine.go
//
// The protocol's structures are in package lsp/protocol, the base
// protocol's frames in lsp/frame.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/tliron/commonlog"
	"github.com/tliron/glsp"
)

// Options configure the server.
type Options struct {
	// LogFile receives the log; "" logs to standard error. Standard output
	// is the protocol and never gets a byte of log.
	LogFile string
	// Debug makes the log verbose (the methods handled and their timing;
	// never message contents, which may hold the API key).
	Debug bool
	// Version is reported to the client in serverInfo.
	Version string
	// BeforeExit, if set, runs when the session has ended, before the
	// documents are let go (the heap profile of `ftls serve --memprofile`).
	BeforeExit func()
}

// Commands the server executes (workspace/executeCommand).
const (
	cmdFixAll = "ftls.fixAll"
	cmdStats  = "ftls.stats"
)

// Code action kinds offered.
const (
	kindQuickFix = "quickfix"
	kindFixAll   = "source.fixAll.ftls"
)

// handlerFunc answers one method; raw holds the request's params.
type handlerFunc func(s *Server, ctx *glsp.Context) (any, error)

// methods is the server's method table.
var methods = map[string]handlerFunc{
	"initialize":                       (*Server).initialize,
	"initialized":                      (*Server).initializedNotification,
	"shutdown":                         (*Server).shutdownRequest,
	"exit":                             (*Server).exit,
	"textDocument/didOpen":             (*Server).didOpen,
	"textDocument/didChange":           (*Server).didChange,
	"textDocument/didClose":            (*Server).didClose,
	"textDocument/didSave":             (*Server).didSave,
	"textDocument/hover":               planAware((*Server).hover, (*Server).planHover),
	"textDocument/codeAction":          planAware((*Server).codeAction, (*Server).planCodeActionGenerate),
	"textDocument/codeLens":            planAware((*Server).codeLens, (*Server).planCodeLens),
	"textDocument/completion":          (*Server).completion,
	"textDocument/documentSymbol":      (*Server).documentSymbol,
	"workspace/executeCommand":         (*Server).executeCommand,
	"workspace/didChangeConfiguration": (*Server).didChangeConfiguration,
	"workspace/didChangeWatchedFiles":  noop,
	"$/cancelRequest":                  noop,
	"$/setTrace":                       noop,
	"window/workDoneProgress/cancel":   (*Server).workDoneProgressCancel,
}

func noop(*Server, *glsp.Context) (any, error) { return nil, nil }

// Server is the state of one language server session.
type Server struct {
	log     commonlog.Logger
	version string

	mu          sync.Mutex
	initialized bool
	shutdown    bool
	exited      bool
	notify      glsp.NotifyFunc
	call        glsp.CallFunc
	out         *stdout  // the real standard output, once the server owns it (stdout.go)
	pullConfig  bool     // the client answers workspace/configuration
	createFiles bool     // the client's workspace edits may create files (split.go)
	roots       []string // resolved workspace folders; writes stay inside (confine.go)
	// workDoneProgress: the client accepts window/workDoneProgress/create
	// (generate.go).
	workDoneProgress bool
	showDocument     bool         // the client answers window/showDocument (split.go)
	gens             generations  // generation and review runs by progress token (generate.go, review_run.go)
	reviewCounts     reviewCounts // rows reviewed per document version (review_actions.go)

	ctx    context.Context // background work; cancelled at shutdown
	cancel context.CancelFunc

	docs  *store
	cfg   *configState
	diags *publisher
	stats *statsCache
	// embeds embeds the rows edits changed, for D005 (embed.go).
	embeds *embedder
	stash  stash // large messages decoded ahead of glsp (textsync.go)
	// memory paces the collector once large documents are open (memory.go);
	// nil in tests that make a Server without Run.
	memory *memoryPacer
}

// New returns a server ready to be handed to glsp.
func New(opts Options) *Server {
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		log:     commonlog.GetLogger("ftls.lsp"),
		version: opts.Version,
		ctx:     ctx,
		cancel:  cancel,
		docs:    newStore(),
		embeds:  newEmbedder(),
	}
	s.cfg = newConfigState()
	s.diags = newPublisher(s)
	s.stats = newStatsCache()
	return s
}

// paramsError marks a request whose params do not decode.
type paramsError struct{ err error }

func (e *paramsError) Error() string { return "invalid params: " + e.err.Error() }

func decode[T any](ctx *glsp.Context) (T, error) {
	var v T
	if len(ctx.Params) == 0 || string(ctx.Params) == "null" {
		return v, nil
	}
	if err := json.Unmarshal(ctx.Params, &v); err != nil {
		return v, &paramsError{err}
	}
	return v, nil
}

// Handle implements glsp.Handler: it looks the method up in the table,
// enforces the lifecycle, and turns a panic into an error response.
func (s *Server) Handle(ctx *glsp.Context) (r any, validMethod, validParams bool, err error) {
	validMethod, validParams = true, true
	defer func() {
		if p := recover(); p != nil {
			s.log.Errorf("panic in %s: %v\n%s", ctx.Method, p, debug.Stack())
			r, err = nil, fmt.Errorf("ftls: internal error in %s: %v", ctx.Method, p)
		}
	}()
	s.mu.Lock()
	if s.notify == nil {
		s.notify, s.call = ctx.Notify, ctx.Call
	}
	initialized, shutdown := s.initialized, s.shutdown
	s.mu.Unlock()

	h, ok := methods[ctx.Method]
	if !ok {
		if strings.HasPrefix(ctx.Method, "$/") {
			return nil, true, true, nil // optional notifications may be ignored
		}
		s.log.Infof("method not supported: %s", ctx.Method)
		return nil, false, true, nil
	}
	switch {
	case shutdown && ctx.Method != "exit":
		return nil, true, true, errors.New("the server is shut down; only exit is accepted")
	case !initialized && ctx.Method != "initialize" && ctx.Method != "exit":
		return nil, true, true, errors.New("the server is not initialized")
	}
	r, err = h(s, ctx)
	var pe *paramsError
	if errors.As(err, &pe) {
		s.log.Warningf("%s: %v", ctx.Method, err)
		return nil, true, false, err
	}
	if err != nil {
		s.log.Warningf("%s: %v", ctx.Method, err)
	}
	return r, true, true, err
}

// goSafe runs fn in a goroutine that logs a panic instead of ending the
// server.
func (s *Server) goSafe(name string, fn func()) {
	go func() {
		defer func() {
			if p := recover(); p != nil {
				s.log.Errorf("panic in background %s: %v\n%s", name, p, debug.Stack())
			}
		}()
		fn()
	}()
}

// --- text synchronization ---
