package engine

import (
	"slices"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/prefault"
)

// Assembler gathers the summaries of a document's rows, while its lines
// are checked, into the array the file rules read, and takes each line's
// copy off its cached result as it goes, as CheckDoc does for a FileState
// that owns the summaries (Own). The language server checks a large
// document's lines as its didOpen arrives (lsp/stream.go); assembled only
// for the first file check, every summary was then held twice, in the
// lines' results and in the array: 144 MB at a million rows, at the
// moment the server's memory peaked. Now a line's copy is dropped a batch
// after it was made, and FileState.Adopt takes the array as it is.
type Assembler struct {
	rows   []diagnostics.RowInfo
	lines  int   // the lines taken
	start  int64 // the offset of the next line
	shared *rowResult
	broken bool // a line came unchecked: the rows cannot be adopted
}

// Add takes the next lines of the document, all checked but for an empty
// last line, which is not a row. expect is how many rows the document is
// expected to have in all: the array is made that large when it fills,
// rather than grown by a quarter at a time, each time a copy.
func (a *Assembler) Add(lines []*Line, expect int) {
	if len(a.rows)+len(lines) > cap(a.rows) {
		a.rows = slices.Grow(a.rows, max(expect, len(a.rows)+len(lines))-len(a.rows))
		prefault.Spare(a.rows)
	}
	for _, l := range lines {
		i, start := a.lines, a.start
		a.lines++
		a.start += int64(l.size())
		r := l.res.Load()
		if r == nil && l.size() == 0 {
			continue
		}
		if r == nil || r.info == nil {
			a.broken = true
			continue
		}
		info := *r.info
		info.Span.MoveLines(i)
		info.Offset += start
		a.rows = append(a.rows, info)
		a.shared = r.adoptedLike(a.shared)
		l.res.CompareAndSwap(r, a.shared)
	}
}

// Adopt makes st hold the rows a assembled for d, whose lines a took, in
// order, every one: the next CheckDoc of d uses them where they are,
// instead of copying them into an array of its own. It reports false, and
// changes nothing, when st does not own its summaries or a did not take
// every row of d (or d is nil).
func (st *FileState) Adopt(d *Doc, a *Assembler) bool {
	if d == nil || !st.own || a.broken || a.lines != d.Len() || len(a.rows) != rowCount(d) {
		return false
	}
	st.rows, st.doc, st.assembled = a.rows, d, true
	st.near, st.groups = nil, nil
	return true
}

// rowCount is the number of rows of d: its lines, but for an empty last
// one.
func rowCount(d *Doc) int {
	n := d.Len()
	if n > 0 && !d.IsRow(n-1) {
		n--
	}
	return n
}
