package engine

import (
	"bytes"
	"context"
	"runtime"
	"sort"
	"sync/atomic"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/internal/workgroup"
)

// Incremental checking, for a document an editor holds and changes one
// keystroke at a time. Each line is checked as a row with the same
// rowChecker that Check uses, and the outcome cached on the line (lines
// are shared between versions, see Doc); a version's Result is then
// assembled from the cached rows in one pass, and the file rules run on
// it through a FileState exactly as Check runs them, so the result is the
// one `ftls check` prints (TestIncrementalMatchesCheck). What cannot be
// assembled row by row (a JSON value pretty-printed over several lines, a
// JSON array) is for Check, whole (NeedsWholeCheck).

// rowResult is one line checked as a row, with every position relative to
// the start of the line (line 0, byte offset 0).
//
// The row's summary (info) is for the file rules. A FileState that
// assembles a version keeps every summary in its own slice, so it takes
// the summary off the line's result (adopt): the document then holds one
// copy of each summary, not two (200 bytes a row). What the row findings
// need of it (the tally) stays on the result.
type rowResult struct {
	settings *diagnostics.Settings
	first    bool // checked as the document's first line (byte order mark)
	// mayJoin is set when the row is an object or array that the line ends
	// before closing: Check may join it with the following lines.
	mayJoin bool
	tally   rowTally
	diags   []diagnostics.Diagnostic
	info    *diagnostics.RowInfo // nil once a FileState holds it
}

// rowTally is what Tally.Add reads of a row's summary.
type rowTally struct {
	format      dataset.Format
	object      bool
	hasMetadata bool
}

func (t rowTally) info() diagnostics.RowInfo {
	return diagnostics.RowInfo{Format: t.format, Object: t.object, HasMetadata: t.hasMetadata}
}

// checkedRow is a rowResult with its summary, in one allocation.
type checkedRow struct {
	rowResult
	info diagnostics.RowInfo
}

// adopted is r without its summary, for a line whose summary a FileState
// now holds.
func (r *rowResult) adopted() *rowResult {
	a := *r
	a.info = nil
	return &a
}

// adoptedLike returns r.adopted(), or prev, an adopted result, when the two
// would be equal: most rows have no findings, and lines may share a result,
// which is never changed. Each line's own copy held 40 MB on a million
// rows, and as many objects for the collector to mark while one types.
func (r *rowResult) adoptedLike(prev *rowResult) *rowResult {
	if prev != nil && len(r.diags) == 0 && len(prev.diags) == 0 && r.settings == prev.settings &&
		r.first == prev.first && r.mayJoin == prev.mayJoin && r.tally == prev.tally {
		return prev
	}
	return r.adopted()
}

var bomBytes = []byte{0xEF, 0xBB, 0xBF}

// notFirstBase is the offset rows after the first are checked at.
const notFirstBase = 1 << 40

// LineChecker checks lines as rows one after another on one goroutine,
// reusing its parser and row context.
type LineChecker struct{ k rowChecker }

// Check checks l as a row of a document (as its first line when first)
// with s, and caches the outcome on l.
func (c *LineChecker) Check(l *Line, first bool, s *diagnostics.Settings) {
	l.res.Store(c.check(l, first, s))
}

func (c *LineChecker) check(l *Line, first bool, s *diagnostics.Settings) *rowResult {
	text := l.Content()
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
	row := dataset.Row{Offset: base + off, Text: text, Term: l.Term()}
	ck := c.k.check(&row, s, rowFlags{bom: bom})
	cr := &checkedRow{rowResult: rowResult{settings: s, first: first, diags: ck.diags}, info: ck.info}
	r := &cr.rowResult
	r.info = &cr.info
	r.tally = rowTally{format: ck.info.Format, object: ck.info.Object, hasMetadata: ck.info.HasMetadata}
	if base != 0 {
		r.info.Offset -= base
		for i := range r.diags {
			r.diags[i] = relocate(r.diags[i], 0, -base)
		}
	}
	if ck.truncated {
		head := bytes.TrimSpace(text)
		r.mayJoin = len(head) > 0 && (head[0] == '{' || head[0] == '[')
	}
	return r
}

// CheckLines checks, with s, the lines [from, to) of d that have no result
// for s yet, on several workers when many do.
func CheckLines(ctx context.Context, d *Doc, s *diagnostics.Settings, from, to int) error {
	type line struct {
		l *Line
		i int
	}
	var todo []line
	for i, l := range d.Range(from, to) {
		if !d.IsRow(i) {
			continue
		}
		if r := l.res.Load(); r == nil || r.settings != s || r.first != (i == 0) {
			todo = append(todo, line{l, i})
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
	var wg workgroup.Group // a rule's panic reaches the caller
	const batch = 64
	for range workers {
		wg.Go(func() {
			var c LineChecker
			for {
				if ctx.Err() != nil {
					return
				}
				from := int(next.Add(batch)) - batch
				if from >= len(todo) {
					return
				}
				for _, t := range todo[from:min(from+batch, len(todo))] {
					c.Check(t.l, t.i == 0, s)
				}
			}
		})
	}
	wg.Wait()
	return ctx.Err()
}

// NeedsWholeCheck reports whether d must be checked whole by Check: it is
// a JSON array, or a row may continue on the next lines.
func NeedsWholeCheck(d *Doc) bool {
	if startsArray(d) {
		return true
	}
	// A row the line ends inside of is joined by Check only with following
	// lines up to one that starts with a closing bracket (joinLines). A
	// truncated row among ordinary ones has no such line after it, and the
	// row-by-row result stands: checking the whole document after every
	// edit for it cost seconds.
	for i, l := range d.All() {
		if r := l.res.Load(); r != nil && r.mayJoin && closedLater(d, i) {
			return true
		}
	}
	return false
}

// NeedsWholeCheckAfter is NeedsWholeCheck for a version that differs from
// one that did not need it by the lines in c: only a row the change
// touched, or one close enough before it to reach past it, can now be
// joined with the lines after it.
func NeedsWholeCheckAfter(d *Doc, c LineChange) bool {
	if startsArray(d) {
		return true
	}
	for i, l := range d.Range(max(c.From-MaxJoinLines, 0), c.NewTo) {
		if r := l.res.Load(); r != nil && r.mayJoin && closedLater(d, i) {
			return true
		}
	}
	return false
}

// startsArray reports whether the document's first byte that is not
// blank opens a JSON array.
func startsArray(d *Doc) bool {
	for i, l := range d.All() {
		t := bytes.TrimLeft(l.Content(), " \t\r\n")
		if i == 0 {
			t = bytes.TrimLeft(bytes.TrimPrefix(t, bomBytes), " \t\r\n")
		}
		if len(t) > 0 {
			return t[0] == '['
		}
	}
	return false
}

// closedLater reports whether one of the lines that joinLines would look
// at after line i starts with a closing bracket.
func closedLater(d *Doc, i int) bool {
	for _, l := range d.Range(i+1, min(d.Len(), i+MaxJoinLines+1)) {
		if l.closes() {
			return true
		}
	}
	return false
}

// RowDiagnostics is the cheap part of a check of d: the row findings and
// the tally, without copying every row's summary (which costs more than
// all the rest of an edit on 100k rows).
func RowDiagnostics(d *Doc) ([]diagnostics.Diagnostic, diagnostics.Tally) {
	var diags []diagnostics.Diagnostic
	var t diagnostics.Tally
	var start int64
	for i, l := range d.All() {
		if d.IsRow(i) {
			r := l.res.Load()
			t.Add(r.tally.info())
			for _, dg := range r.diags {
				diags = append(diags, relocate(dg, i, start))
			}
		}
		start += int64(l.size())
	}
	return diags, t
}

// FinishDiagnostics drops the findings of rules turned off and orders the
// rest as Check orders them.
func FinishDiagnostics(all []diagnostics.Diagnostic) []diagnostics.Diagnostic {
	out := all[:0]
	for _, d := range all {
		if d.Severity != diagnostics.Off {
			out = append(out, d)
		}
	}
	sortDiagnostics(out)
	return out
}

func relocateRange(r *textpos.Range, line int) {
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

// LineChange is where two versions of a document differ: lines
// [From, OldTo) of the old one became [From, NewTo) of the new one, and
// the lines before and after are the same lines.
type LineChange struct{ From, OldTo, NewTo int }

// All is the change that replaces every line of a version of n lines.
func All(n int) LineChange { return LineChange{OldTo: -1, NewTo: n} }

// DiffLines compares two versions line by line; lines are shared between
// versions, so comparing pointers is enough, and chunks of lines too, so
// that the lines of the chunks both share are skipped.
func DiffLines(old, cur *Doc) LineChange {
	n := min(old.Len(), cur.Len())
	p := 0
	for k := 0; k < len(old.chunks) && k < len(cur.chunks) && old.chunks[k] == cur.chunks[k]; k++ {
		p = old.lineAt[k+1]
	}
	for p < n && old.Line(p) == cur.Line(p) {
		p++
	}
	q := 0
	for ko, kc := len(old.chunks)-1, len(cur.chunks)-1; ko >= 0 && kc >= 0 && old.chunks[ko] == cur.chunks[kc]; ko, kc = ko-1, kc-1 {
		q += len(old.chunks[ko].lines)
	}
	q = min(q, n-p)
	for q < n-p && old.Line(old.Len()-1-q) == cur.Line(cur.Len()-1-q) {
		q++
	}
	if p == 0 && n > 0 {
		// The first line is checked as the first row (a byte order mark is
		// allowed there only): a line that moves to or from there changes.
		q = min(q, n-1)
	}
	return LineChange{From: p, OldTo: old.Len() - q, NewTo: cur.Len() - q}
}

// RowFindings is the first, cheap phase of a check of one version: its
// row findings with absolute positions, in line order, and the tally of
// its rows. After an edit, only the rows between the first and the last
// line the edit touched have changed: going over all 100,000 cached rows
// cost 10 ms an edit, most of it waiting for memory, so the findings of
// the last version are kept (Next) and only the lines that differ looked
// at; TestRowFindingsMatchFullPass holds the two ways together.
type RowFindings struct {
	Doc      *Doc
	Settings *diagnostics.Settings
	Diags    []diagnostics.Diagnostic
	Tally    diagnostics.Tally
}

// AllRowFindings goes over every row of d, whose lines must all be
// checked with s.
func AllRowFindings(d *Doc, s *diagnostics.Settings) *RowFindings {
	diags, tally := RowDiagnostics(d)
	return &RowFindings{Doc: d, Settings: s, Diags: diags, Tally: tally}
}

// Next returns the row findings of d, a later version of the same
// document whose lines in c have been checked with the same settings.
func (f *RowFindings) Next(d *Doc, c LineChange) *RowFindings {
	old := f.Doc
	lo := sort.Search(len(f.Diags), func(i int) bool { return f.Diags[i].Range.Start.Line >= c.From })
	hi := sort.Search(len(f.Diags), func(i int) bool { return f.Diags[i].Range.Start.Line >= c.OldTo })
	out := &RowFindings{Doc: d, Settings: f.Settings, Tally: f.Tally}
	out.Diags = make([]diagnostics.Diagnostic, 0, len(f.Diags)-(hi-lo)+16)
	out.Diags = append(out.Diags, f.Diags[:lo]...)
	for i, l := range old.Range(c.From, c.OldTo) {
		if old.IsRow(i) {
			out.Tally.Remove(l.res.Load().tally.info())
		}
	}
	start := d.Start(c.From)
	for i, l := range d.Range(c.From, c.NewTo) {
		if d.IsRow(i) {
			r := l.res.Load()
			out.Tally.Add(r.tally.info())
			for _, dg := range r.diags {
				out.Diags = append(out.Diags, relocate(dg, i, start))
			}
		}
		start += int64(l.size())
	}
	dLine, dByte := c.NewTo-c.OldTo, d.Start(c.NewTo)-old.Start(c.OldTo)
	for _, dg := range f.Diags[hi:] {
		if dLine != 0 || dByte != 0 {
			dg = relocate(dg, dLine, dByte)
		}
		out.Diags = append(out.Diags, dg)
	}
	return out
}

// Carried is a finding of the file rules anchored to the line it is on,
// kept to be shown on later versions until the file rules run again.
type Carried struct {
	anchor  *Line
	d       diagnostics.Diagnostic // positions relative to the anchor line
	related []carriedRelated
}

type carriedRelated struct {
	anchor *Line // nil for another file
	r      diagnostics.Related
}

// CarryFileFindings anchors the diagnostics of res, a result of d, that
// are not row findings (file rules, leakage) to the lines of d.
func CarryFileFindings(d *Doc, res *Result) []Carried {
	var out []Carried
	for _, dg := range res.Diagnostics {
		if r := diagnostics.Lookup(dg.Code); r != nil && r.Row != nil {
			continue
		}
		ln := dg.Range.Start.Line
		if ln < 0 || ln >= d.Len() {
			continue
		}
		c := Carried{anchor: d.Line(ln), d: relocate(dg, -ln, -d.Start(ln))}
		c.d.Related = nil
		for _, r := range dg.Related {
			cr := carriedRelated{r: r}
			if r.Path == "" {
				rl := r.Range.Start.Line
				if rl < 0 || rl >= d.Len() {
					continue
				}
				cr.anchor = d.Line(rl)
				relocateRange(&cr.r.Range, -rl)
			}
			c.related = append(c.related, cr)
		}
		out = append(out, c)
	}
	return out
}

// Number records each line's index in d for PlaceCarried, as generation
// gen. Only one goroutine per document may number its versions.
func Number(d *Doc, gen uint32) {
	number(d, 0, d.Len(), gen)
}

// NumberChange numbers d, which old (numbered as gen by Number or
// NumberChange) became by change c, as gen: the lines c removed are marked
// gone, and only the lines c put in, and those after them when the
// number of lines changed, are numbered again. A keystroke within a line
// then numbers one line: numbering every line of a million-row document
// after each edit, one cache miss a line, took 10 ms.
func NumberChange(old, d *Doc, c LineChange, gen uint32) {
	for _, l := range old.Range(c.From, c.OldTo) {
		l.gen = 0 // gone, unless it is among the lines put in
	}
	if c.NewTo-c.From == c.OldTo-c.From {
		number(d, c.From, c.NewTo, gen)
		return
	}
	number(d, c.From, d.Len(), gen)
}

// number numbers the lines [from, to) of d as gen.
func number(d *Doc, from, to int, gen uint32) {
	for i, l := range d.Range(from, to) {
		l.idx, l.gen = int32(i), gen
	}
}

// PlaceCarried appends to out the carried findings that are on lines of
// d that still exist; Number must have numbered d as gen first. It runs
// after every edit for thousands of findings, so their fixes and related
// locations are cut from two shared slabs rather than allocated one by
// one.
func PlaceCarried(out []diagnostics.Diagnostic, cs []Carried, d *Doc, gen uint32) []diagnostics.Diagnostic {
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
		i := int(c.anchor.idx)
		start := d.Start(i)
		dg := c.d
		relocateRange(&dg.Range, i)
		dg.Offset += start
		if dg.Fix != nil {
			fixes = append(fixes, movedFix(dg.Fix, start))
			dg.Fix = &fixes[len(fixes)-1]
		}
		from := len(related)
		for _, cr := range c.related {
			r := cr.r
			if cr.anchor != nil {
				if cr.anchor.gen != gen {
					continue
				}
				relocateRange(&r.Range, int(cr.anchor.idx))
			}
			related = append(related, r)
		}
		if len(related) > from {
			dg.Related = related[from:len(related):len(related)]
		}
		out = append(out, dg)
	}
	return out
}
