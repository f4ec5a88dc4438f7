package lsp

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// This file is the one place that checks documents and publishes their
// diagnostics. Every open document has a worker goroutine. An edit kicks
// it; after a short pause without edits (debounce) it checks the newest
// snapshot in two phases, as gopls splits cheap and expensive diagnostics:
//
//  1. rows: the rows an edit touched are checked again (engine.CheckLines) and the
//     file rules' findings of the last full check are carried over to the
//     lines that still hold them. Milliseconds, even on 100k rows.
//  2. file rules: duplicates, near duplicates, balance and formats over all
//     rows, plus train/validation leakage, in a goroutine of its own so that
//     the next keystroke never waits for it.
//
// A phase whose snapshot is no longer the newest publishes nothing: a newer
// run is already on its way. Small documents run both phases at once and
// publish once.

// inlineFileRules is the size (lines) below which both phases run
// together.
const inlineFileRules = 5000

// firstBatch is how many lines of a large document just opened are
// checked and published before the others.
const firstBatch = 10000

// fileRulesDelay is how long the typing must pause before the file rules
// run again on a large document.
const fileRulesDelay = 250 * time.Millisecond

// result is the outcome of checking one version of a document.
type result struct {
	snap     *snapshot
	res      *engine.Result
	settings *diagnostics.Settings
	// full is set when the file rules ran on this very version; otherwise
	// their findings are carried over from an earlier one.
	full bool
	// shown is what the editor has for this result: the diagnostics
	// published for it, or for an earlier version when they were the
	// same (then they were not sent again), and that version, which
	// their data names.
	shown        []protocol.Diagnostic
	shownVersion int32
}

// publisher owns the document workers and their latest results.
type publisher struct {
	s       *Server
	mu      sync.Mutex
	workers map[string]*worker
	results map[string]*result
	// onDisk caches training files that are not open, read for leakage.
	onDisk map[string]*diskResult
	// afterPublish, when set (tests), is called after every publish.
	afterPublish func(uri string, version int32, full bool)
}

func newPublisher(s *Server) *publisher {
	return &publisher{s: s, workers: map[string]*worker{}, results: map[string]*result{}, onDisk: map[string]*diskResult{}}
}

// worker checks one document.
type worker struct {
	p     *publisher
	uri   string
	kick  chan struct{}
	stop  chan struct{}
	force atomic.Bool

	last     *snapshot           // the snapshot checked last (worker goroutine only)
	lastDone time.Time           // when that check ended (idem)
	gen      uint32              // numbering of lines for carried findings (idem)
	numbered *engine.Doc         // the version numbered as gen last (idem)
	rows     *engine.RowFindings // the row findings of last's first phase (idem)
	freed    bool                // the memory of opening was freed (file rules' goroutine only)

	// state keeps the near-duplicate index between runs of the file rules;
	// only the one goroutine that runs them (fileRunning) touches it.
	state engine.FileState

	mu          sync.Mutex
	carried     []engine.Carried
	fileRunning bool
	fileNext    *fileJob
}

type fileJob struct {
	snap     *snapshot
	settings *diagnostics.Settings
}

// schedule asks for uri to be checked; force checks it again even if its
// version was checked already (settings changed, a paired file changed).
func (p *publisher) schedule(uri string, force bool) {
	p.mu.Lock()
	w := p.workers[uri]
	if w == nil {
		w = &worker{p: p, uri: uri, kick: make(chan struct{}, 1), stop: make(chan struct{})}
		w.state.Own() // the document's one copy of its row summaries
		p.workers[uri] = w
		p.s.goSafe("check "+uri, w.loop)
	}
	p.mu.Unlock()
	if force {
		w.force.Store(true)
	}
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// forget stops checking a closed document and clears its diagnostics.
func (p *publisher) forget(uri string) {
	p.mu.Lock()
	w := p.workers[uri]
	delete(p.workers, uri)
	delete(p.results, uri)
	p.mu.Unlock()
	if w != nil {
		close(w.stop)
	}
	p.s.memory.closed(uri)
	// The same path as every other publish (publish.go): through glsp it
	// could reach the editor after the first publish of the document
	// opened again, which, being the set the server then thinks shown,
	// would never be sent again.
	p.s.notifyDirect("textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{URI: uri, Diagnostics: []protocol.Diagnostic{}})
}

func (p *publisher) stopAll() {
	p.mu.Lock()
	ws := p.workers
	p.workers = map[string]*worker{}
	p.mu.Unlock()
	for _, w := range ws {
		close(w.stop)
	}
}

// result returns the latest result published for uri, or nil.
func (p *publisher) result(uri string) *result {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.results[uri]
}

// quiet reports whether snap, the newest version, may be checked without
// waiting for more edits: it follows the version checked last by at least
// d, or no check has ended within d.
func (w *worker) quiet(snap *snapshot, d time.Duration) bool {
	if time.Since(w.lastDone) >= d {
		return true
	}
	return snap != nil && w.last != nil && snap.received.Sub(w.last.received) >= d
}

func (w *worker) loop() {
	s := w.p.s
	for {
		select {
		case <-w.kick:
		case <-w.stop:
			return
		}
		// Debounce: wait until the edits pause. An edit after a quiet spell
		// is checked at once (leading edge); only the edits that follow it
		// closely are gathered, so a single keystroke does not pay for the
		// pause and a burst is still checked once. "Closely" is measured
		// between the edits' arrivals: an edit that comes a debounce or
		// more after the version checked last starts a burst of its own,
		// even when that check has just ended (a fast typist on a large
		// file, whose every keystroke would otherwise wait).
		d := s.cfg.debounce()
		if w.quiet(s.docs.get(w.uri), d) {
			d = 0
		}
		for d > 0 {
			t := time.NewTimer(d)
			select {
			case <-w.kick:
				t.Stop()
				continue
			case <-w.stop:
				t.Stop()
				return
			case <-t.C:
			}
			break
		}
		snap := s.docs.get(w.uri)
		if snap == nil {
			continue
		}
		if in := snap.streamed; in != nil {
			// Its rows are still being checked as they arrived: wait for
			// them, then check the newest version, with the edits typed
			// meanwhile.
			select {
			case <-in.done:
			case <-w.stop:
				return
			}
			if snap = s.docs.get(w.uri); snap == nil {
				continue
			}
		}
		if !w.force.Swap(false) && snap == w.last {
			continue
		}
		w.last = snap
		w.check(snap)
		w.lastDone = time.Now()
	}
}
