package lsp

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/engine"
	"github.com/ftls-dev/ftls/pairing"
	"github.com/ftls-dev/ftls/plan"
)

// This file is the one place that checks documents and publishes their
// diagnostics. Every open document has a worker goroutine. An edit kicks
// it; after a short pause without edits (debounce) it checks the newest
// snapshot in two phases, as gopls splits cheap and expensive diagnostics:
//
//  1. rows: the rows an edit touched are checked again (analysis.go) and the
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
	shown        []lspDiagnostic
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

type diskResult struct {
	mod      time.Time
	size     int64
	settings *diagnostics.Settings
	res      *engine.Result
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
	gen      uint64              // numbering of lines for carried findings (idem)
	rows     *engine.RowFindings // the row findings of last's first phase (idem)
	freed    bool

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
	p.s.Notify("textDocument/publishDiagnostics", publishDiagnosticsParams{URI: uri, Diagnostics: []lspDiagnostic{}})
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
		// pause and a burst is still checked once.
		d := s.cfg.debounce()
		if time.Since(w.lastDone) >= d {
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
		if !w.force.Swap(false) && snap == w.last {
			continue
		}
		w.last = snap
		w.check(snap)
		w.lastDone = time.Now()
	}
}

// check checks one snapshot; a panic is logged and the worker goes on with
// the next version.
func (w *worker) check(snap *snapshot) {
	defer func() {
		if p := recover(); p != nil {
			w.p.s.log.Errorf("panic checking %s v%d: %v\n%s", snap.uri, snap.version, p, debug.Stack())
		}
	}()
	switch snap.kind {
	case kindDataset:
		w.checkDataset(snap)
	case kindPlan:
		w.p.publish(w.p.s.checkPlan(snap)) // plan.go
	}
}

// stale reports whether a newer version of the document has arrived.
func (w *worker) stale(snap *snapshot) bool { return w.p.s.docs.get(w.uri) != snap }

func (w *worker) checkDataset(snap *snapshot) {
	s := w.p.s
	st, err := s.cfg.settingsFor(snap.path)
	if err != nil {
		s.log.Warningf("%s: %v", snap.uri, err)
	}
	first := w.p.result(w.uri) == nil
	if first && snap.streamed == nil {
		// Hover counts tokens; load the vocabulary now rather than on the
		// first hover, which it would keep waiting for tens of milliseconds.
		s.goSafe("tokenizer", func() { st.Tokens() })
	}
	headShown := false
	if in := snap.streamed; in != nil {
		// The rows were checked while the document arrived; some may still be.
		select {
		case <-in.done:
		case <-s.ctx.Done():
			return
		}
		headShown = in.headShown
	}
	if first && len(snap.Lines) > 2*firstBatch {
		defer func(start time.Time) {
			s.log.Noticef("%s: %d lines, %.1f MB: rows checked %.0f ms after the text started to arrive (%.0f ms after it was in)",
				snap.uri, len(snap.Lines), float64(snap.Size())/1e6, ms(time.Since(snap.received)), ms(time.Since(start)))
		}(time.Now())
	}
	if first && len(snap.Lines) > 2*firstBatch && !headShown {
		// A large document just opened: show the findings of its first rows
		// while the rest is checked.
		head := engine.NewDoc(snap.Lines[:firstBatch])
		if err := engine.CheckLines(s.ctx, head, st, 0, firstBatch); err != nil {
			return
		}
		diags, tally := engine.RowDiagnostics(head)
		if !w.stale(snap) {
			w.p.publish(&result{snap: snap, settings: st, res: &engine.Result{Path: snap.path, Tally: tally, Diagnostics: engine.FinishDiagnostics(diags)}})
		}
	}
	// What changed since the version checked last, when its rows were
	// gathered with the same settings: only those lines need a look.
	prevRows := w.rows
	w.rows = nil
	incremental := prevRows != nil && prevRows.Settings == st && !first
	change := engine.All(len(snap.Lines))
	if incremental {
		change = engine.DiffLines(prevRows.Doc.Lines, snap.Lines)
	}
	if err := engine.CheckLines(s.ctx, snap.Doc, st, change.From, change.NewTo); err != nil {
		return
	}
	if incremental && engine.NeedsWholeCheckAfter(snap.Doc, change) || !incremental && engine.NeedsWholeCheck(snap.Doc) {
		// A JSON array file, or a value spread over several lines: the
		// engine reads those whole.
		res, err := engine.Check(s.ctx, snap.path, snap.Reader(), engine.Options{Settings: st})
		if err != nil {
			s.log.Errorf("%s: %v", snap.uri, err)
			return
		}
		w.p.addLeakage(snap, res, st)
		w.setCarried(nil)
		if !w.stale(snap) {
			w.p.publish(&result{snap: snap, res: res, settings: st, full: true})
		}
		return
	}
	if len(snap.Lines) <= inlineFileRules {
		res := new(engine.FileState).CheckDoc(snap.path, snap.Doc, st)
		w.p.addLeakage(snap, res, st)
		w.setCarried(engine.CarryFileFindings(snap.Doc, res))
		if !w.stale(snap) {
			w.p.publish(&result{snap: snap, res: res, settings: st, full: true})
		}
		return
	}
	// Phase 1: the row findings of this version and the file findings
	// carried over from the last file check. The row summaries of the
	// previous result stand in for statistics until phase 2.
	w.gen++
	engine.Number(snap.Doc, w.gen)
	var rows *engine.RowFindings
	if incremental {
		rows = prevRows.Next(snap.Doc, change)
	} else {
		rows = engine.AllRowFindings(snap.Doc, st)
	}
	w.rows = rows
	rowDiags, tally := rows.Diags, rows.Tally
	carried := w.getCarried()
	all := make([]diagnostics.Diagnostic, 0, len(rowDiags)+len(carried))
	all = append(all, rowDiags...)
	all = engine.PlaceCarried(all, carried, snap.Doc, w.gen)
	fc := diagnostics.NewFileContext(st, nil, tally)
	res := &engine.Result{Path: snap.path, Tally: tally, Formats: fc.FormatCounts, Dominant: fc.Dominant, Diagnostics: engine.FinishDiagnostics(all)}
	if prev := w.p.result(w.uri); prev != nil {
		res.Rows = prev.res.Rows
	}
	if w.stale(snap) {
		return
	}
	w.p.publish(&result{snap: snap, res: res, settings: st})
	w.runFileRules(&fileJob{snap: snap, settings: st})
	if !w.freed && snap.Size() > bigDocument {
		// Opening a large document leaves several copies of its text behind
		// in the JSON-RPC layer; hand that memory back once, off the worker:
		// returning hundreds of megabytes takes most of a second.
		w.freed = true
		w.p.s.goSafe("free memory", debug.FreeOSMemory)
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// bigDocument is the size past which the memory freed after opening is
// returned to the system at once.
const bigDocument = 64 << 20

func (w *worker) getCarried() []engine.Carried {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.carried
}

func (w *worker) setCarried(c []engine.Carried) {
	w.mu.Lock()
	w.carried = c
	w.mu.Unlock()
}

// runFileRules runs phase 2 for job in the background; one run at a time
// per document, always on the newest job.
func (w *worker) runFileRules(job *fileJob) {
	w.mu.Lock()
	w.fileNext = job
	if w.fileRunning {
		w.mu.Unlock()
		return
	}
	w.fileRunning = true
	w.mu.Unlock()
	s := w.p.s
	s.goSafe("file rules "+w.uri, func() {
		defer func() {
			w.mu.Lock()
			w.fileRunning = false
			w.mu.Unlock()
		}()
		for {
			w.mu.Lock()
			job := w.fileNext
			w.mu.Unlock()
			if job == nil || s.ctx.Err() != nil {
				return
			}
			// Wait for a pause in the typing: a file check started now
			// would only compete with the next keystroke for the CPU.
			if wait := fileRulesDelay - time.Since(job.snap.received); wait > 0 {
				t := time.NewTimer(wait)
				select {
				case <-w.stop:
					t.Stop()
					return
				case <-t.C:
				}
				continue // a newer job may have replaced this one
			}
			w.mu.Lock()
			if w.fileNext != job {
				w.mu.Unlock()
				continue
			}
			w.fileNext = nil
			w.mu.Unlock()
			res := w.state.CheckDoc(job.snap.path, job.snap.Doc, job.settings)
			w.p.addLeakage(job.snap, res, job.settings)
			// Even a stale outcome is the best guess for the lines it still
			// shares with the newest version.
			w.setCarried(engine.CarryFileFindings(job.snap.Doc, res))
			if w.stale(job.snap) {
				continue
			}
			w.p.publish(&result{snap: job.snap, res: res, settings: job.settings, full: true})
		}
	})
}

// publish records r as the latest result of its document and sends its
// diagnostics, unless they are the ones the editor already shows: a
// keystroke inside a row usually changes no finding, and an editor takes
// up to a second and a half to take in a set of thousands (Neovim 0.7).
func (p *publisher) publish(r *result) {
	uri := r.snap.uri
	diags := toLSPDiagnostics(r)
	p.mu.Lock()
	if p.workers[uri] == nil { // closed meanwhile
		p.mu.Unlock()
		return
	}
	prev := p.results[uri]
	unchanged := prev != nil && sameDiagnostics(prev.shown, diags)
	if unchanged {
		r.shown, r.shownVersion = prev.shown, prev.shownVersion
	} else {
		r.shown, r.shownVersion = diags, r.snap.version
	}
	p.results[uri] = r
	hook := p.afterPublish
	p.mu.Unlock()
	if unchanged {
		p.sendChecked(r, 0, true)
	} else {
		p.sendDiagnostics(r, diags, true)
	}
	if hook != nil {
		hook(uri, r.snap.version, r.full)
	}
	if r.full && r.snap.kind == kindDataset && (prev == nil || !prev.full || prev.snap != r.snap) && !pairing.IsValidation(r.snap.path) {
		p.rescheduleValidation(r.snap)
	}
}

// sameDiagnostics reports whether two sets differ at most in the version
// their data names.
func sameDiagnostics(a, b []lspDiagnostic) bool {
	return slices.EqualFunc(a, b, func(x, y lspDiagnostic) bool {
		return x.Range == y.Range && x.Severity == y.Severity && x.Code == y.Code && x.Message == y.Message &&
			x.CodeDescription == y.CodeDescription && x.Source == y.Source &&
			slices.Equal(x.RelatedInformation, y.RelatedInformation) &&
			(x.Data == nil) == (y.Data == nil) && (x.Data == nil || x.Data.Code == y.Data.Code && x.Data.Fix == y.Data.Fix)
	})
}

// publishEarly sends the findings of a document that is still arriving
// (stream.go), without a version if the message has not given it yet.
// They are not recorded: the document is not open yet.
func (p *publisher) publishEarly(r *result, versioned bool) {
	p.sendVersioned(r, versioned)
	p.mu.Lock()
	hook := p.afterPublish
	p.mu.Unlock()
	if hook != nil {
		hook(r.snap.uri, r.snap.version, r.full)
	}
}

// sendVersioned sends a result's diagnostics, and then ftls/checked.
func (p *publisher) sendVersioned(r *result, versioned bool) {
	p.sendDiagnostics(r, toLSPDiagnostics(r), versioned)
}

func (p *publisher) sendDiagnostics(r *result, diags []lspDiagnostic, versioned bool) {
	uri, v := r.snap.uri, r.snap.version
	params := publishDiagnosticsParams{URI: uri, Diagnostics: diags}
	if versioned {
		params.Version = &v
	}
	p.s.notifyDirect("textDocument/publishDiagnostics", params)
	p.sendChecked(r, len(diags), false)
}

func (p *publisher) sendChecked(r *result, n int, unchanged bool) {
	uri, v := r.snap.uri, r.snap.version
	elapsed := ms(time.Since(r.snap.received))
	if unchanged {
		n = len(r.shown)
	}
	p.s.notifyDirect("ftls/checked", checkedParams{URI: uri, Version: v, Full: r.full, Unchanged: unchanged, Rows: r.res.Tally.Rows, Diagnostics: n, Millis: elapsed})
	p.s.log.Debugf("checked %s v%d (full %v, unchanged %v): %d diagnostics, %.1f ms after the version arrived", uri, v, r.full, unchanged, n, elapsed)
}

// checkedParams is the custom notification ftls/checked, sent after each
// publish: clients that show progress (and the tests) learn whether the
// file rules ran on that version.
type checkedParams struct {
	URI     string `json:"uri"`
	Version int32  `json:"version"`
	Full    bool   `json:"full"`
	// Unchanged is set when this version's diagnostics are the ones
	// published last, and so were not sent again.
	Unchanged   bool `json:"unchanged,omitempty"`
	Rows        int  `json:"rows"`
	Diagnostics int  `json:"diagnostics"`
	// Millis is the time from the version's arrival to this publish.
	Millis float64 `json:"millis"`
}

// toLSPDiagnostics converts a result's findings. Data carries the rule
// code, the version and the index of a fix, for code actions.
func toLSPDiagnostics(r *result) []lspDiagnostic {
	out := make([]lspDiagnostic, 0, len(r.res.Diagnostics))
	for i, d := range r.res.Diagnostics {
		out = append(out, toLSP(r, i, d))
	}
	return out
}

// codeDescriptions holds each rule's documentation link, shared by all
// its diagnostics: an edit publishes thousands.
var codeDescriptions = func() map[string]*codeDescription {
	m := map[string]*codeDescription{}
	for _, r := range diagnostics.All() {
		m[r.Code] = &codeDescription{Href: diagnostics.DocURL(r.Code)}
	}
	return m
}()

func toLSP(r *result, i int, d diagnostics.Diagnostic) lspDiagnostic {
	ld := lspDiagnostic{
		Range: d.Range, Severity: int(d.Severity), Code: d.Code, Source: "ftls", Message: d.Message,
		Data: &diagnosticData{Code: d.Code, Version: r.snap.version, Fix: -1},
	}
	ld.CodeDescription = codeDescriptions[d.Code]
	if d.Fix != nil {
		ld.Data.Fix = i
	}
	for _, rel := range d.Related {
		uri := r.snap.uri
		if rel.Path != "" {
			uri = pathURI(rel.Path)
		}
		ld.RelatedInformation = append(ld.RelatedInformation, relatedInformation{
			Location: location{URI: uri, Range: rel.Range}, Message: rel.Message,
		})
	}
	return ld
}

// addLeakage adds train/validation leakage (D004, B006) to the result of a
// validation file, comparing it with its training file (package pairing):
// the plan's training output, or the training file of its folder with the
// same name stem, open documents not yet saved included. The training
// file is the open document's latest full result, or the file on disk.
func (p *publisher) addLeakage(snap *snapshot, valid *engine.Result, st *diagnostics.Settings) {
	if snap.path == "" {
		return
	}
	train := planTrainingPartner(snap.path)
	if train == "" {
		var open []string
		for _, d := range p.s.docs.all() {
			if d.kind == kindDataset && d.path != "" && d.path != snap.path {
				open = append(open, d.path)
			}
		}
		train = pairing.Folder(snap.path, open...)
	}
	if train == "" {
		return
	}
	if t := p.trainingResult(train); t != nil {
		engine.AddLeakage(t, valid, st)
	}
}

// planTrainingPartner returns the training output of the plan that names
// path as its validation output, or "".
func planTrainingPartner(path string) string {
	pp, _, _ := governingPlan(path)
	if pp == "" {
		return ""
	}
	pl, err := plan.Load(pp)
	if err != nil {
		return ""
	}
	return pairing.Plan(pl, path)
}

// trainingResult returns the check of the training file at path: its open
// document's latest full result, or the file read from disk.
func (p *publisher) trainingResult(path string) *engine.Result {
	uri := pathURI(path)
	p.mu.Lock()
	r := p.results[uri]
	p.mu.Unlock()
	if r != nil && r.full {
		return r.res
	}
	if p.s.docs.get(uri) != nil {
		return nil // open but not checked yet: it reschedules us when it is
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	settings, _ := p.s.cfg.settingsFor(path)
	p.mu.Lock()
	if c := p.onDisk[path]; c != nil && c.mod.Equal(st.ModTime()) && c.size == st.Size() && c.settings == settings {
		p.mu.Unlock()
		return c.res
	}
	p.mu.Unlock()
	res, err := engine.CheckFile(p.s.ctx, path, engine.Options{Settings: settings})
	if err != nil {
		p.s.log.Warningf("reading training file %s: %v", path, err)
		return nil
	}
	p.mu.Lock()
	p.onDisk[path] = &diskResult{mod: st.ModTime(), size: st.Size(), settings: settings, res: res}
	p.mu.Unlock()
	return res
}

// rescheduleValidation re-checks the open validation files paired with the
// training document just checked.
func (p *publisher) rescheduleValidation(train *snapshot) {
	if train.path == "" {
		return
	}
	for _, d := range p.s.docs.all() {
		if d.kind == kindDataset && d.path != "" && filepath.Dir(d.path) == filepath.Dir(train.path) && pairing.IsValidation(d.path) {
			p.schedule(d.uri, true)
		}
	}
}
