package engine

import (
	"runtime"
	"slices"
	"sync/atomic"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dedup"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/prefault"
	"github.com/ftls-dev/ftls/internal/workgroup"
)

// FileState keeps the row summaries of a document between checks, with the
// structures the file rules build over them: the near-duplicate pairs,
// bucket by bucket, and the rows grouped by fingerprint, prompt, opening
// and category. The file rules can then run again after an edit without
// redoing what the edit left alone: comparing the rows of every
// near-duplicate bucket and grouping every row is most of a file check,
// and an edit changes one row. The
// language server keeps one per open dataset; `ftls check` does not need
// one.
type FileState struct {
	rows []diagnostics.RowInfo
	// doc is the version rows are of (CheckDoc), own whether st holds the
	// rows' only copy (Own).
	doc *Doc
	own bool
	// assembled is set when rows came from an Assembler (Adopt) and were
	// never handed out: the next CheckDoc of doc may fill them in place.
	assembled bool
	near      *dedup.Index
	groups    *diagnostics.Groups
	// embeddings are the document's vectors for D005, kept between runs
	// with the signatures the search computed while the sidecar is
	// unchanged (see embeddingsFor).
	embeddings *diagnostics.Embeddings
	embedStamp sidecarStamp
	semantic   embedding.Index
}

// Update makes the state hold rows, which it keeps. When rows has as many
// rows as the state had, only the rows whose summary changed are indexed
// and grouped again; otherwise both are rebuilt when next needed.
func (st *FileState) Update(rows []diagnostics.RowInfo) {
	st.doc, st.assembled = nil, false // CheckDoc sets doc again
	if len(rows) != len(st.rows) {
		st.near, st.groups = nil, nil
		st.rows = rows
		return
	}
	for i := range rows {
		st.moved(i, &rows[i])
	}
	st.rows = rows
}

// Set replaces the summary of row i, for a caller that knows which rows
// changed since the last Update or Set.
func (st *FileState) Set(i int, info diagnostics.RowInfo) {
	st.doc, st.assembled = nil, false
	st.moved(i, &info)
	st.rows[i] = info
}

// moved updates the index and the groups for row i becoming info.
func (st *FileState) moved(i int, info *diagnostics.RowInfo) {
	old := &st.rows[i]
	if st.near != nil && info.Sig != old.Sig {
		st.near.Set(i, info.Sig)
	}
	if st.groups != nil {
		st.groups.Set(i, old, info)
	}
}

// Run runs the file rules over the state's rows, as Check does after
// reading a file, and returns the result with rowDiags (the row findings,
// in any order) merged in.
func (st *FileState) Run(path string, rowDiags []diagnostics.Diagnostic, s *diagnostics.Settings) *Result {
	tally := diagnostics.TallyOf(st.rows)
	fc := diagnostics.NewFileContext(s, st.rows, tally)
	fc.Validation = IsValidation(path, s)
	fc.Embeddings = st.embeddingsFor(path, s)
	if fc.Embeddings != nil {
		fc.SemanticIndex = &st.semantic
	}
	if s.Severity("D002") != diagnostics.Off {
		fc.NearIndex = st.index()
	}
	if st.groups == nil {
		st.groups = diagnostics.NewGroups(st.rows)
	}
	fc.SetGroups(st.groups)
	res := &Result{Path: path, Rows: st.rows, Tally: tally, Formats: fc.FormatCounts, Dominant: fc.Dominant}
	res.Diagnostics = withFileFindings(fc, append([]diagnostics.Diagnostic(nil), rowDiags...))
	return res
}

func (st *FileState) index() *dedup.Index {
	if st.near == nil {
		sigs := make([]*dedup.Signature, len(st.rows))
		for i := range st.rows {
			sigs[i] = st.rows[i].Sig
		}
		st.near = dedup.NewIndex(sigs)
	}
	return st.near
}

// assembled is the cached row results of a version, relocated to their
// absolute positions.
type assembled struct {
	rows  []diagnostics.RowInfo
	diags []diagnostics.Diagnostic
}

// CheckDoc finishes the check of d, whose rows CheckLines has checked with
// s, as Check does: the file rules over the rows, with st keeping the
// near-duplicate index and the groups between calls (a zero FileState for
// a one-off check), findings of disabled rules dropped, everything in
// order.
func (st *FileState) CheckDoc(path string, d *Doc, s *diagnostics.Settings) *Result {
	a := st.assemble(d)
	st.Update(a.rows)
	st.doc = d
	return st.Run(path, a.diags, s)
}

// Own marks st as the state kept for its document from one check to the
// next: CheckDoc then takes each row's summary off the line's cached
// result, and st holds the only copy. A line whose summary it took is
// found again by pointer in the version st checked last.
func (st *FileState) Own() { st.own = true }

// assemble relocates the cached row results of d to their place in the
// document, for the file rules. Row i is line i (only an empty last line is
// not a row), so on a large document the lines are shared out among the
// CPUs, each writing its rows in place: copying a million summaries and
// their findings took a serial half-second of every full check.
func (st *FileState) assemble(d *Doc) assembled {
	n := rowCount(d)
	var a assembled
	if st.assembled && st.doc == d {
		// Adopted for d and never handed out: each row held is in its
		// place already, and a row checked again since (other settings)
		// is written over its old summary.
		a.rows = st.rows
	} else {
		// A collection often starts with an array of a million summaries:
		// filled without its pages mapped first, the array took the file
		// check after an edit 0.66-0.79 s to assemble instead of 0.34-0.39.
		a.rows = prefault.Make[diagnostics.RowInfo](n)
	}
	st.assembled = false
	from := &assembly{st: st, d: d, starts: d.Starts(), last: st.lastIndex(d)}
	if st.doc != nil {
		from.lastStarts = st.doc.Starts()
	}
	parts := 1
	if n >= parallelAssembly {
		parts = runtime.GOMAXPROCS(0)
	}
	diags := make([][]diagnostics.Diagnostic, parts)
	var wg workgroup.Group
	for p := range parts {
		wg.Go(func() { diags[p] = from.rows(a.rows, p*n/parts, (p+1)*n/parts) })
	}
	wg.Wait()
	a.diags = slices.Concat(diags...)
	return a
}

// parallelAssembly is the number of rows from which assemble shares them
// out among the CPUs (a variable for tests).
var parallelAssembly = 1 << 14

// checkedAgain counts the lines assemble had to check again, their
// summaries taken by another state: the tests hold the paths that should
// never need it to none.
var checkedAgain atomic.Int64

// assembly is what assemble reads to place the rows of one version.
type assembly struct {
	st                 *FileState
	d                  *Doc
	starts, lastStarts []int64
	last               func(i int, l *Line) (int, bool)
}

// rows fills rows[from:to] with the summaries of those lines, relocated,
// and returns their findings.
func (a *assembly) rows(rows []diagnostics.RowInfo, from, to int) []diagnostics.Diagnostic {
	st, starts := a.st, a.starts
	var diags []diagnostics.Diagnostic
	var c *LineChecker
	var shared *rowResult // the last adopted result, for lines like it
	for i, l := range a.d.Range(from, to) {
		r := l.res.Load()
		info := &rows[i]
		if j, ok := a.last(i, l); r.info == nil && ok && (j == 0) == (i == 0) {
			// Held by st since the last version it checked, where the line
			// was j.
			*info = st.rows[j]
			info.Span.MoveLines(i - j)
			info.Offset += starts[i] - a.lastStarts[j]
		} else {
			if r.info == nil { // taken by another state
				if c == nil {
					c = new(LineChecker)
				}
				checkedAgain.Add(1)
				r = c.check(l, i == 0, r.settings)
			} else if st.own {
				shared = r.adoptedLike(shared)
				l.res.CompareAndSwap(r, shared)
			}
			*info = *r.info
			info.Span.MoveLines(i)
			info.Offset += starts[i]
		}
		for _, dg := range r.diags {
			diags = append(diags, relocate(dg, i, starts[i]))
		}
	}
	return diags
}

// lastIndex returns a function that gives, for line l at index i of d,
// its index in the version st checked last, if it was there.
func (st *FileState) lastIndex(d *Doc) func(i int, l *Line) (int, bool) {
	if st.doc == nil || len(st.rows) == 0 {
		return func(int, *Line) (int, bool) { return 0, false }
	}
	c := DiffLines(st.doc, d)
	moved := make(map[*Line]int, c.OldTo-c.From)
	for j, l := range st.doc.Range(c.From, c.OldTo) {
		moved[l] = j
	}
	return func(i int, l *Line) (int, bool) {
		j, ok := i, i < c.From
		switch {
		case i >= c.NewTo:
			j, ok = i-c.NewTo+c.OldTo, true
		case !ok:
			j, ok = moved[l]
		}
		return j, ok && j < len(st.rows)
	}
}
