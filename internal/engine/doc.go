package engine

import (
	"bytes"
	"io"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// Line is one line of a document held in memory, an editor's buffer,
// with its terminator ("\n" or "\r\n"; the last line has none). Lines are
// immutable and shared between the versions of a document, so the row
// check cached on a line (incremental.go) survives every edit that does
// not touch it.
type Line struct {
	text []byte
	// closes is set when the line's first byte that is not blank is "}"
	// or "]": the line may end a value that earlier lines opened (see
	// NeedsWholeCheck).
	closes bool
	res    atomic.Pointer[rowResult]
	// idx and gen are the line's index in the version its document's
	// checker numbered last (gen); only that goroutine reads and writes
	// them.
	idx int
	gen uint64
}

// NewLine makes a line of text, its terminator included. Nothing may
// write to text afterwards.
func NewLine(text []byte) *Line {
	t := bytes.TrimLeft(text, " \t\r\n")
	return &Line{text: text, closes: len(t) > 0 && (t[0] == '}' || t[0] == ']')}
}

// SplitLines cuts text after every "\n". The result always has at least
// one line, the last one without a newline (possibly empty).
func SplitLines(text []byte) []*Line {
	n := bytes.Count(text, []byte{'\n'}) + 1
	out := make([]*Line, 0, n)
	for {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			out = append(out, NewLine(text))
			return out
		}
		out = append(out, NewLine(text[:i+1:i+1]))
		text = text[i+1:]
	}
}

// Text returns the line with its terminator.
func (l *Line) Text() []byte { return l.text }

// Content returns the line without its terminator.
func (l *Line) Content() []byte {
	t := l.text
	if n := len(t); n > 0 && t[n-1] == '\n' {
		t = t[:n-1]
		if n := len(t); n > 0 && t[n-1] == '\r' {
			t = t[:n-1]
		}
	}
	return t
}

// Term returns the length of the line's terminator.
func (l *Line) Term() int { return len(l.text) - len(l.Content()) }

// Checked reports whether the line has been checked as a row.
func (l *Line) Checked() bool { return l.res.Load() != nil }

// Doc is one version of a document cut into lines. It is never modified:
// an edit makes a new Doc that shares the untouched lines.
type Doc struct {
	Lines []*Line

	startsOnce sync.Once
	starts     []int64 // byte offset of each line; one more entry for the end
}

// NewDoc makes a version of a document from its lines.
func NewDoc(lines []*Line) *Doc { return &Doc{Lines: lines} }

// Size returns the document's length in bytes.
func (d *Doc) Size() int64 { st := d.Starts(); return st[len(st)-1] }

// Starts returns the byte offset of each line, and one more entry for the
// end of the document.
func (d *Doc) Starts() []int64 {
	d.startsOnce.Do(func() {
		st := make([]int64, len(d.Lines)+1)
		var off int64
		for i, l := range d.Lines {
			st[i] = off
			off += int64(len(l.text))
		}
		st[len(d.Lines)] = off
		d.starts = st
	})
	return d.starts
}

// Text returns the whole document. It copies, so use it for small
// documents or background work only.
func (d *Doc) Text() []byte {
	out := make([]byte, 0, d.Size())
	for _, l := range d.Lines {
		out = append(out, l.text...)
	}
	return out
}

// Reader streams the document without copying it whole.
func (d *Doc) Reader() io.Reader { return &linesReader{lines: d.Lines} }

type linesReader struct {
	lines []*Line
	i, at int
}

func (r *linesReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && r.i < len(r.lines) {
		t := r.lines[r.i].text[r.at:]
		c := copy(p[n:], t)
		n += c
		r.at += c
		if r.at == len(r.lines[r.i].text) {
			r.i++
			r.at = 0
		}
	}
	if n == 0 && r.i >= len(r.lines) {
		return 0, io.EOF
	}
	return n, nil
}

// Slice returns the bytes [start, end) of the document.
func (d *Doc) Slice(start, end int64) []byte {
	st := d.Starts()
	start = min(max(start, 0), st[len(st)-1])
	end = min(max(end, start), st[len(st)-1])
	i := sort.Search(len(d.Lines), func(i int) bool { return st[i+1] > start })
	if i < len(d.Lines) && end <= st[i+1] {
		return d.Lines[i].text[start-st[i] : end-st[i]]
	}
	var out []byte
	for ; i < len(d.Lines) && st[i] < end; i++ {
		from, to := max(start-st[i], 0), min(end-st[i], int64(len(d.Lines[i].text)))
		out = append(out, d.Lines[i].text[from:to]...)
	}
	return out
}

// Position converts a byte offset of the document to a line and a column
// in UTF-16 code units.
func (d *Doc) Position(off int64) textpos.Position {
	st := d.Starts()
	off = min(max(off, 0), st[len(st)-1])
	i := sort.Search(len(d.Lines), func(i int) bool { return st[i+1] > off })
	if i >= len(d.Lines) {
		i = len(d.Lines) - 1
	}
	c := d.Lines[i].Content()
	rel := min(int(off-st[i]), len(c)) // inside the terminator: end of line
	return textpos.Position{Line: i, Character: textpos.UTF16Len(c[:rel])}
}

// Offset converts a position to a byte offset, clamping it to the
// document: ok is false when it had to.
func (d *Doc) Offset(p textpos.Position) (off int64, ok bool) {
	st := d.Starts()
	if p.Line < 0 || p.Character < 0 {
		return 0, false
	}
	if p.Line >= len(d.Lines) {
		return st[len(st)-1], false
	}
	c := d.Lines[p.Line].Content()
	b := textpos.ByteOffset(c, p.Character)
	return st[p.Line] + int64(b), b < len(c) || textpos.UTF16Len(c) >= p.Character
}

// Edit returns the lines of d with one change of an editor applied: the
// text between the positions of r replaced by text. Unchanged lines are
// shared with d. Positions past the end of a line
// or of the document are clamped (clamped reports it); an end before the
// start is taken as the start.
func (d *Doc) Edit(r textpos.Range, text string) (lines []*Line, clamped bool) {
	lines, _, _, clamped = d.edit(r, text)
	return lines, clamped
}

// Apply is Edit returning the new version. Its line offsets are d's,
// shifted past the edit, rather than summed again over every line: on a
// large document that walk, which touches every line, was a tenth of a
// keystroke's check.
func (d *Doc) Apply(r textpos.Range, text string) (next *Doc, clamped bool) {
	lines, sl, el, clamped := d.edit(r, text)
	st := d.Starts()
	ns := make([]int64, len(lines)+1)
	copy(ns, st[:sl])
	off := st[sl]
	n := len(lines) - sl - (len(d.Lines) - el - 1) // the lines that replace [sl, el]
	for i, l := range lines[sl : sl+n] {
		ns[sl+i] = off
		off += int64(len(l.text))
	}
	delta := off - st[el+1]
	for i, v := range st[el+1:] {
		ns[sl+n+i] = v + delta
	}
	next = NewDoc(lines)
	next.startsOnce.Do(func() { next.starts = ns })
	return next, clamped
}

// edit is Edit, also returning the first and last lines of d replaced.
func (d *Doc) edit(r textpos.Range, text string) (lines []*Line, sl, el int, clamped bool) {
	sl, sb, ok1 := d.clampPos(r.Start)
	el, eb, ok2 := d.clampPos(r.End)
	if el < sl || (el == sl && eb < sb) {
		el, eb = sl, sb
		ok2 = false
	}
	prefix := d.Lines[sl].Text()[:sb]
	suffix := d.Lines[el].Text()[eb:]
	joined := make([]byte, 0, len(prefix)+len(text)+len(suffix))
	joined = append(append(append(joined, prefix...), text...), suffix...)
	repl := SplitLines(joined)
	// The suffix of a line that is not the last ends in a newline, which
	// leaves an empty piece after it: the line that follows already exists.
	if el < len(d.Lines)-1 && len(repl) > 1 && len(repl[len(repl)-1].Text()) == 0 {
		repl = repl[:len(repl)-1]
	}
	out := make([]*Line, 0, len(d.Lines)-(el-sl+1)+len(repl))
	out = append(out, d.Lines[:sl]...)
	out = append(out, repl...)
	out = append(out, d.Lines[el+1:]...)
	return out, sl, el, !(ok1 && ok2)
}

// clampPos resolves a position to a line and a byte offset in that line's
// content.
func (d *Doc) clampPos(p textpos.Position) (ln, b int, ok bool) {
	ok = true
	if p.Line < 0 {
		return 0, 0, false
	}
	if p.Line >= len(d.Lines) {
		last := len(d.Lines) - 1
		return last, len(d.Lines[last].Content()), false
	}
	c := d.Lines[p.Line].Content()
	ch := max(p.Character, 0)
	b = textpos.ByteOffset(c, ch)
	if b == len(c) && textpos.UTF16Len(c) < ch {
		ok = false
	}
	return p.Line, b, ok && p.Character >= 0
}
