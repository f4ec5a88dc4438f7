package lsp

import (
	"bytes"
	"context"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ftls-dev/ftls/dataset"
	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/engine"
	"github.com/ftls-dev/ftls/jsonpos"
)

// This file keeps the engine's per-row results across edits. The engine
// checks a whole file; an editor sends one keystroke at a time. So the
// server checks each line as a row with the same rule entry points the
// engine uses (diagnostics.NewRowContext, RowContext.Run and Info), caches
// the outcome on the line (lines are shared between versions, see
// document.go), and assembles a version's engine.Result from the cached
// rows in one pass. The file rules (duplicates, balance, formats) then run
// on the assembled RowInfo slice exactly as engine.Check runs them, so the
// result is the one `ftls check` prints; TestIncrementalMatchesEngine holds
// the two together. What the server cannot assemble row by row (a JSON
// value pretty-printed over several lines, a JSON array file) is handed to
// engine.Check whole.

// rowResult is one line checked as a row, with every position relative to
// the start of the line (line 0, byte offset 0).
type rowResult struct {
	settings *diagnostics.Settings
	first    bool // checked as the document's first line (byte order mark)
	info     diagnostics.RowInfo
	diags    []diagnostics.Diagnostic
	// mayJoin is set when the row is an object or array that the line ends
	// before closing: the engine may join it with the following lines.
	mayJoin bool
}

var bomBytes = []byte{0xEF, 0xBB, 0xBF}

// notFirstBase is the offset rows after the first are checked at.
const notFirstBase = 1 << 40

func checkLine(l *line, first bool, p *jsonpos.Parser, s *diagnostics.Settings) *rowResult {
	text := l.content()
	var off int64
	bom := first && bytes.HasPrefix(text, bomBytes)
	if bom {
		text, off = text[len(bomBytes):], int64(len(bomBytes))
	}
	// Some findings depend on whether a row starts the file (deleting the
	// last row takes the newline before it, if there is one), so a row
	// after the first is checked at a made-up offset that is then taken
	// away again.
	base := int64(0)
	if !first {
		base = notFirstBase
	}
	row := dataset.Row{Offset: base + off, Text: text, Term: l.term()}
	ctx := diagnostics.NewRowContext(&row, p, s)
	ctx.BOM = bom
	r := &rowResult{settings: s, first: first}
	r.diags = ctx.Run()
	r.info = ctx.Info()
	if base != 0 {
		r.info.Offset -= base
		for i := range r.diags {
			r.diags[i] = relocate(r.diags[i], 0, -base)
		}
	}
	if ctx.ParseErr != nil && ctx.ParseErr.Offset >= len(text) {
		head := bytes.TrimSpace(text)
		r.mayJoin = len(head) > 0 && (head[0] == '{' || head[0] == '[')
	}
	return r
}

// isRow reports whether line i of a document is a row: every line is, but
// for an empty last line (the file ends with a newline, or is empty).
func isRow(lines []*line, i int) bool {
	return i < len(lines)-1 || len(lines[i].text) > 0
}

// checkRows fills the row cache of every line of snap that lacks a result
// for s, on several workers when many lines need it.
func checkRows(ctx context.Context, snap *snapshot, s *diagnostics.Settings) error {
	return checkRowsIn(ctx, snap, s, 0, len(snap.lines))
}

// checkRowsIn is checkRows for lines [from, to) of snap.
func checkRowsIn(ctx context.Context, snap *snapshot, s *diagnostics.Settings, from, to int) error {
	var todo []int
	for i := from; i < to; i++ {
		l := snap.lines[i]
		if !isRow(snap.lines, i) {
			continue
		}
		if r := l.res.Load(); r == nil || r.settings != s || r.first != (i == 0) {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	workers := 1
	if len(todo) > 256 {
		workers = runtime.GOMAXPROCS(0)
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	const batch = 64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var p jsonpos.Parser
			for {
				if ctx.Err() != nil {
					return
				}
				from := int(next.Add(batch)) - batch
				if from >= len(todo) {
					return
				}
				for _, i := range todo[from:min(from+batch, len(todo))] {
					l := snap.lines[i]
					l.res.Store(checkLine(l, i == 0, &p, s))
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// needsEngine reports whether the document must be checked whole by the
// engine: it is a JSON array, or a row may continue on the next lines.
func needsEngine(snap *snapshot) bool {
	if startsArray(snap) {
		return true
	}
	// A row the line ends inside of is joined by the engine only with
	// following lines up to one that starts with a closing bracket
	// (engine.joinLines). A truncated row among ordinary ones has no such
	// line after it, and the row-by-row result stands: checking the whole
	// document with the engine after every edit for it cost seconds.
	for i, l := range snap.lines {
		if r := l.res.Load(); r != nil && r.mayJoin && closedLater(snap.lines, i) {
			return true
		}
	}
	return false
}

// startsArray reports whether the document's first byte that is not
// blank opens a JSON array.
func startsArray(snap *snapshot) bool {
	for i, l := range snap.lines {
		t := bytes.TrimLeft(l.content(), " \t\r\n")
		if i == 0 {
			t = bytes.TrimLeft(bytes.TrimPrefix(t, bomBytes), " \t\r\n")
		}
		if len(t) > 0 {
			return t[0] == '['
		}
	}
	return false
}

// closedLater reports whether a line after line i, within the engine's
// reach, starts with a closing bracket.
func closedLater(lines []*line, i int) bool {
	for j := i + 1; j < len(lines) && j-i < engine.MaxJoinLines; j++ {
		if lines[j].closes {
			return true
		}
	}
	return false
}

// assembled is a version's rows and row diagnostics, in file order, with
// absolute positions.
type assembled struct {
	rows  []diagnostics.RowInfo
	diags []diagnostics.Diagnostic
}

// assemble relocates the cached row results of snap to their place in the
// document, for the file rules.
func assemble(snap *snapshot) assembled {
	starts := snap.lineStarts()
	a := assembled{rows: make([]diagnostics.RowInfo, 0, len(snap.lines))}
	for i, l := range snap.lines {
		if !isRow(snap.lines, i) {
			continue
		}
		r := l.res.Load()
		info := r.info
		relocateRange(&info.Range, i)
		info.Offset += starts[i]
		a.rows = append(a.rows, info)
		for _, d := range r.diags {
			a.diags = append(a.diags, relocate(d, i, starts[i]))
		}
	}
	return a
}

// rowDiagnostics is the cheap part of assemble: the row findings and the
// tally, without copying every row's summary (which costs more than all
// the rest of an edit on 100k rows).
func rowDiagnostics(snap *snapshot) ([]diagnostics.Diagnostic, diagnostics.Tally) {
	starts := snap.lineStarts()
	var diags []diagnostics.Diagnostic
	var t diagnostics.Tally
	for i, l := range snap.lines {
		if !isRow(snap.lines, i) {
			continue
		}
		r := l.res.Load()
		t.Add(r.info)
		for _, d := range r.diags {
			diags = append(diags, relocate(d, i, starts[i]))
		}
	}
	return diags, t
}

func relocateRange(r *Range, line int) {
	r.Start.Line += line
	r.End.Line += line
}

// relocate moves a diagnostic computed at line 0, offset 0 to line, off.
func relocate(d diagnostics.Diagnostic, line int, off int64) diagnostics.Diagnostic {
	relocateRange(&d.Range, line)
	d.Offset += off
	if d.Fix != nil {
		f := movedFix(d.Fix, off)
		d.Fix = &f
	}
	if len(d.Related) > 0 {
		rel := make([]diagnostics.Related, len(d.Related))
		copy(rel, d.Related)
		for k := range rel {
			if rel[k].Path == "" {
				relocateRange(&rel[k].Range, line)
			}
		}
		d.Related = rel
	}
	return d
}

// movedFix is a copy of f moved by off bytes.
func movedFix(f *diagnostics.Fix, off int64) diagnostics.Fix {
	m := *f
	m.Start += off
	m.End += off
	return m
}

// fileCheck finishes a check as the engine does: the file rules on the
// assembled rows, with state keeping the near-duplicate index between
// calls (a zero state for a one-off check), findings of disabled rules
// dropped, everything in order.
func fileCheck(state *engine.FileState, path string, a assembled, s *diagnostics.Settings) *engine.Result {
	state.Update(a.rows)
	return state.Run(path, a.diags, s)
}

func finishDiagnostics(all []diagnostics.Diagnostic) []diagnostics.Diagnostic {
	out := all[:0]
	for _, d := range all {
		if d.Severity != diagnostics.Off {
			out = append(out, d)
		}
	}
	sortDiagnostics(out)
	return out
}

// sortDiagnostics orders diagnostics as the engine does.
func sortDiagnostics(ds []diagnostics.Diagnostic) {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i], ds[j]
		if a.Range.Start != b.Range.Start {
			return a.Range.Start.Before(b.Range.Start)
		}
		return a.Code < b.Code
	})
}

// carried is a finding of the file rules anchored to the line it is on,
// kept to be shown on later versions until the file rules run again.
type carried struct {
	anchor  *line
	d       diagnostics.Diagnostic // positions relative to the anchor line
	related []carriedRelated
}

type carriedRelated struct {
	anchor *line // nil for another file
	r      diagnostics.Related
}

// carryFileFindings anchors the diagnostics of res that are not row
// findings (file rules, leakage) to the lines of snap.
func carryFileFindings(snap *snapshot, res *engine.Result) []carried {
	starts := snap.lineStarts()
	var out []carried
	for _, d := range res.Diagnostics {
		if r := diagnostics.Lookup(d.Code); r != nil && r.Row != nil {
			continue
		}
		ln := d.Range.Start.Line
		if ln < 0 || ln >= len(snap.lines) {
			continue
		}
		c := carried{anchor: snap.lines[ln], d: relocate(d, -ln, -starts[ln])}
		c.d.Related = nil
		for _, r := range d.Related {
			cr := carriedRelated{r: r}
			if r.Path == "" {
				rl := r.Range.Start.Line
				if rl < 0 || rl >= len(snap.lines) {
					continue
				}
				cr.anchor = snap.lines[rl]
				relocateRange(&cr.r.Range, -rl)
			}
			c.related = append(c.related, cr)
		}
		out = append(out, c)
	}
	return out
}

// placeCarried appends to out the carried findings that are on lines of
// snap that still exist; number must have numbered them (idx, gen) first.
// It runs after every edit for thousands of findings, so their fixes and
// related locations are cut from two shared slabs rather than allocated
// one by one.
func placeCarried(out []diagnostics.Diagnostic, cs []carried, snap *snapshot, gen uint64) []diagnostics.Diagnostic {
	starts := snap.lineStarts()
	nFix, nRel := 0, 0
	for _, c := range cs {
		if c.d.Fix != nil {
			nFix++
		}
		nRel += len(c.related)
	}
	fixes := make([]diagnostics.Fix, 0, nFix)
	related := make([]diagnostics.Related, 0, nRel)
	for _, c := range cs {
		if c.anchor.gen != gen {
			continue // the line was edited or removed
		}
		i := c.anchor.idx
		d := c.d
		relocateRange(&d.Range, i)
		d.Offset += starts[i]
		if d.Fix != nil {
			fixes = append(fixes, movedFix(d.Fix, starts[i]))
			d.Fix = &fixes[len(fixes)-1]
		}
		from := len(related)
		for _, cr := range c.related {
			r := cr.r
			if cr.anchor != nil {
				if cr.anchor.gen != gen {
					continue
				}
				relocateRange(&r.Range, cr.anchor.idx)
			}
			related = append(related, r)
		}
		if len(related) > from {
			d.Related = related[from:len(related):len(related)]
		}
		out = append(out, d)
	}
	return out
}

// number records each line's index in snap for placeCarried.
func number(snap *snapshot, gen uint64) {
	for i, l := range snap.lines {
		l.idx, l.gen = i, gen
	}
}
