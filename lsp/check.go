package lsp

import (
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

// Checking one version of a document, in the two phases diagnostics.go
// describes: the rows (engine.CheckLines, engine.RowFindings) and then the
// file rules in the background (engine.FileState), with the file rules'
// findings of the last full check carried over in between.

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
		if first && in.doc != nil {
			// Their summaries were gathered as they were checked, and the
			// lines' own copies dropped: the first file check takes them
			// as they are, for the version opened or one edited since.
			if w.state.Adopt(in.doc, &in.asm) {
				s.log.Noticef("%s: the first file check takes the row summaries gathered as the rows were checked", snap.uri)
			}
		}
		in.release()
	}
	if first && snap.Len() > 2*firstBatch {
		defer func(start time.Time) {
			s.log.Noticef("%s: %d lines, %.1f MB: rows checked %.0f ms after the text started to arrive (%.0f ms after it was in)",
				snap.uri, snap.Len(), float64(snap.Size())/1e6, ms(time.Since(snap.received)), ms(time.Since(start)))
		}(time.Now())
	}
	if first && snap.Len() > 2*firstBatch && !headShown {
		// A large document just opened: show the findings of its first rows
		// while the rest is checked.
		head := snap.Head(firstBatch)
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
	change := engine.All(snap.Len())
	if incremental {
		change = engine.DiffLines(prevRows.Doc, snap.Doc)
	}
	if err := engine.CheckLines(s.ctx, snap.Doc, st, change.From, change.NewTo); err != nil {
		return
	}
	if incremental && engine.NeedsWholeCheckAfter(snap.Doc, change) || !incremental && engine.NeedsWholeCheck(snap.Doc) {
		// A JSON array file, or a value spread over several lines: the
		// engine reads those whole.
		res, err := engine.Check(s.ctx, snap.path, snap.Reader(), engine.Options{Settings: st, SizeHint: snap.Size()})
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
	if snap.Len() <= inlineFileRules {
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
	if incremental && w.numbered == prevRows.Doc {
		engine.NumberChange(prevRows.Doc, snap.Doc, change, w.gen)
	} else {
		w.gen++
		engine.Number(snap.Doc, w.gen)
	}
	w.numbered = snap.Doc
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
			w.freeAfterOpen(job.snap)
		}
	})
}

// freeAfterOpen collects the garbage of a large document's opening, once,
// after its first full check: the buffers of the rows checked as it
// arrived, and those of the first full pass. (Collecting earlier, while
// the first full pass ran, left 480 MB resident for 100k rows; never
// collecting, 509 MB; now, 411-413 MB.) It first paces the collector by
// what is not text (memory.go), so that the collection sets the pacer's
// limit from the live heap it finds. It runs off the file rules'
// goroutine, as marking gigabytes takes a while, and the edits typed
// meanwhile must not pay for it:
//   - the collection runs with a heap goal far above the heap
//     (collectGCPercent), so an edit's allocations do not make it help
//     with the marking, as they did at the server's 25 % (20-45 ms
//     instead of 5 at a million rows);
//   - the freed memory is left to the runtime's scavenger, which returns
//     it over time: returning it at once (debug.FreeOSMemory) slowed the
//     edits of the next second and a half to up to 200 ms (20-30 ms when
//     the pacing started after it).
func (w *worker) freeAfterOpen(snap *snapshot) {
	if w.freed || snap.Size() <= bigDocument {
		return
	}
	w.freed = true
	w.p.s.goSafe("collect after opening", func() {
		w.p.s.memory.opened(w.uri)
		collectQuietly()
	})
}

// collectGCPercent is the heap growth in force while freeAfterOpen
// collects: the goal it sets is what spares the edits the marking.
const collectGCPercent = 400

// collectMu keeps two documents' collections from restoring each other's
// setting.
var collectMu sync.Mutex

// collectQuietly runs a collection whose marking the other goroutines'
// allocations do not help with.
func collectQuietly() {
	collectMu.Lock()
	defer collectMu.Unlock()
	percent := debug.SetGCPercent(collectGCPercent)
	defer debug.SetGCPercent(percent)
	runtime.GC()
}
