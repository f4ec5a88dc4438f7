package engine

import (
	"bytes"
	"io"
	"iter"
	"sort"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// Line is one line of a document held in memory, an editor's buffer,
// with its terminator ("\n" or "\r\n"; the last line has none). Lines are
// immutable and shared between the versions of a document, so the row
// check cached on a line (incremental.go) survives every edit that does
// not touch it.
type Line struct {
	// The text is held as its first byte and its length rather than as a
	// slice, whose capacity, equal to the length, took 8 bytes more, and
	// the length's top bit holds closes: with the 32-bit numbering below,
	// a line takes 32 bytes, not 48 (16 MB on a million lines).
	data *byte
	n    uint64
	// idx and gen are the line's index in the version its document's
	// checker numbered last (gen); only that goroutine reads and writes
	// them. gen advances at each full numbering (lsp/check.go): 2^32 of
	// them would wrap it around.
	idx int32
	gen uint32
	res atomic.Pointer[rowResult]
}

// closesBit is set in Line.n when the line's first byte that is not blank
// is "}" or "]": the line may end a value that earlier lines opened (see
// NeedsWholeCheck).
const closesBit = 1 << 63

// NewLine makes a line of text, its terminator included. Nothing may
// write to text afterwards.
func NewLine(text []byte) *Line {
	l := &Line{data: unsafe.SliceData(text), n: uint64(len(text))}
	if t := bytes.TrimLeft(text, " \t\r\n"); len(t) > 0 && (t[0] == '}' || t[0] == ']') {
		l.n |= closesBit
	}
	return l
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
func (l *Line) Text() []byte { return unsafe.Slice(l.data, l.size()) }

// size returns the length of the line's text.
func (l *Line) size() int { return int(l.n &^ closesBit) }

// closes reports whether the line may end a value that earlier lines
// opened: its first byte that is not blank is "}" or "]".
func (l *Line) closes() bool { return l.n&closesBit != 0 }

// Content returns the line without its terminator.
func (l *Line) Content() []byte {
	t := l.Text()
	if n := len(t); n > 0 && t[n-1] == '\n' {
		t = t[:n-1]
		if n := len(t); n > 0 && t[n-1] == '\r' {
			t = t[:n-1]
		}
	}
	return t
}

// Term returns the length of the line's terminator.
func (l *Line) Term() int { return l.size() - len(l.Content()) }

// Checked reports whether the line has been checked as a row.
func (l *Line) Checked() bool { return l.res.Load() != nil }

// Doc is one version of a document cut into lines. It is never modified:
// an edit makes a new Doc that shares the untouched lines.
//
// The lines are held in chunks of at most chunkLines, which versions share
// too: an edit copies the chunk it falls in and the list of chunks, not a
// pointer and an offset for every line of the document, which on a
// million rows was 16 MB and 6 ms a keystroke and set how often the
// collector ran while one typed. Work that goes over every line anyway
// may take their offsets as one slice (Starts), made on first use.
type Doc struct {
	chunks []*lineChunk
	// lineAt[k] is the index of chunk k's first line and byteAt[k] the
	// offset of its first byte; each has one more entry, for the end.
	lineAt []int
	byteAt []int64

	startsOnce sync.Once
	starts     []int64
}

// lineChunk is a run of consecutive lines of a document.
type lineChunk struct {
	lines  []*Line
	starts []int64 // each line's offset in the chunk; one more entry for its size
}

// chunkLines is how many lines a chunk of a document holds at most. The
// chunks that edits leave behind hold at least half as many, but for the
// last.
var chunkLines = 1024 // a variable for tests, which cut documents finer

func newChunk(lines []*Line) *lineChunk {
	st := make([]int64, len(lines)+1)
	var off int64
	for i, l := range lines {
		st[i] = off
		off += int64(l.size())
	}
	st[len(lines)] = off
	return &lineChunk{lines: lines, starts: st}
}

func (c *lineChunk) size() int64 { return c.starts[len(c.lines)] }

// NewDoc makes a version of a document from its lines, which it keeps:
// nothing may write to the slice afterwards.
func NewDoc(lines []*Line) *Doc {
	var chunks []*lineChunk
	for len(lines) > 0 {
		n := min(len(lines), chunkLines)
		chunks = append(chunks, newChunk(lines[:n:n]))
		lines = lines[n:]
	}
	return newDoc(chunks)
}

func newDoc(chunks []*lineChunk) *Doc {
	d := &Doc{chunks: chunks, lineAt: make([]int, len(chunks)+1), byteAt: make([]int64, len(chunks)+1)}
	for k, c := range chunks {
		d.lineAt[k+1] = d.lineAt[k] + len(c.lines)
		d.byteAt[k+1] = d.byteAt[k] + c.size()
	}
	return d
}

// Len returns the number of lines.
func (d *Doc) Len() int { return d.lineAt[len(d.chunks)] }

// Line returns line i, 0 <= i < Len().
func (d *Doc) Line(i int) *Line {
	k, j := d.chunkOf(i)
	return d.chunks[k].lines[j]
}

// chunkOf returns the chunk that holds line i and the line's index in it;
// for a line out of range, a chunk index out of range.
func (d *Doc) chunkOf(i int) (k, j int) {
	// Chunks that no edit touched hold chunkLines lines each.
	if k = i / chunkLines; k < len(d.chunks) && d.lineAt[k] <= i && i < d.lineAt[k+1] {
		return k, i - d.lineAt[k]
	}
	k = sort.Search(len(d.chunks), func(k int) bool { return d.lineAt[k+1] > i })
	if k == len(d.chunks) || i < 0 {
		return len(d.chunks), 0
	}
	return k, i - d.lineAt[k]
}

// Start returns the byte offset of line i; Start(Len()) is Size().
func (d *Doc) Start(i int) int64 {
	if i == d.Len() {
		return d.Size()
	}
	k, j := d.chunkOf(i)
	return d.byteAt[k] + d.chunks[k].starts[j]
}

// IsRow reports whether line i is a row: every line is, but for an empty
// last line (the file ends with a newline, or is empty).
func (d *Doc) IsRow(i int) bool {
	return i < d.Len()-1 || d.Line(i).size() > 0
}

// All iterates over the lines and their indexes, in order.
func (d *Doc) All() iter.Seq2[int, *Line] { return d.Range(0, d.Len()) }

// Range iterates over the lines [from, to) and their indexes, in order.
func (d *Doc) Range(from, to int) iter.Seq2[int, *Line] {
	return func(yield func(int, *Line) bool) {
		if from >= to {
			return
		}
		k, j := d.chunkOf(from)
		for i := from; i < to && k < len(d.chunks); k, j = k+1, 0 {
			for _, l := range d.chunks[k].lines[j:] {
				if i == to || !yield(i, l) {
					return
				}
				i++
			}
		}
	}
}

// Head returns a document of the first n lines of d.
func (d *Doc) Head(n int) *Doc {
	var chunks []*lineChunk
	for _, c := range d.chunks {
		if n <= 0 {
			break
		}
		if len(c.lines) > n {
			c = newChunk(c.lines[:n:n])
		}
		chunks = append(chunks, c)
		n -= len(c.lines)
	}
	return newDoc(chunks)
}

// Size returns the document's length in bytes.
func (d *Doc) Size() int64 { return d.byteAt[len(d.chunks)] }

// Starts returns the byte offset of each line, and one more entry for the
// end of the document, as one slice made on the first call: for work that
// reads every line anyway (Start is for the others).
func (d *Doc) Starts() []int64 {
	d.startsOnce.Do(func() {
		st := make([]int64, 0, d.Len()+1)
		for k, c := range d.chunks {
			for _, off := range c.starts[:len(c.lines)] {
				st = append(st, d.byteAt[k]+off)
			}
		}
		d.starts = append(st, d.Size())
	})
	return d.starts
}

// Text returns the whole document. It copies, so use it for small
// documents or background work only.
func (d *Doc) Text() []byte {
	out := make([]byte, 0, d.Size())
	for _, l := range d.All() {
		out = append(out, l.Text()...)
	}
	return out
}

// Reader streams the document without copying it whole.
func (d *Doc) Reader() io.Reader { return &linesReader{d: d} }

type linesReader struct {
	d    *Doc
	k, j int    // the next line: chunk k, line j in it
	rest []byte // what is left of the line being read
}

func (r *linesReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.rest) == 0 {
			if r.k >= len(r.d.chunks) {
				break
			}
			c := r.d.chunks[r.k]
			r.rest = c.lines[r.j].Text()
			if r.j++; r.j == len(c.lines) {
				r.k, r.j = r.k+1, 0
			}
			continue
		}
		c := copy(p[n:], r.rest)
		n += c
		r.rest = r.rest[c:]
	}
	if n == 0 && len(p) > 0 {
		return 0, io.EOF
	}
	return n, nil
}

// lineOf returns the line that holds byte off, 0 <= off < Size(), or
// Len() for an offset at or past the end.
func (d *Doc) lineOf(off int64) int {
	k := sort.Search(len(d.chunks), func(k int) bool { return d.byteAt[k+1] > off })
	if k == len(d.chunks) {
		return d.Len()
	}
	st, rel := d.chunks[k].starts, off-d.byteAt[k]
	j := sort.Search(len(st)-1, func(j int) bool { return st[j+1] > rel })
	return d.lineAt[k] + j
}

// Slice returns the bytes [start, end) of the document.
func (d *Doc) Slice(start, end int64) []byte {
	size := d.Size()
	start = min(max(start, 0), size)
	end = min(max(end, start), size)
	i := d.lineOf(start)
	if i < d.Len() && end <= d.Start(i+1) {
		s := d.Start(i)
		return d.Line(i).Text()[start-s : end-s]
	}
	var out []byte
	for i, l := range d.Range(i, d.Len()) {
		s := d.Start(i)
		if s >= end {
			break
		}
		from, to := max(start-s, 0), min(end-s, int64(l.size()))
		out = append(out, l.Text()[from:to]...)
	}
	return out
}

// Position converts a byte offset of the document to a line and a column
// in UTF-16 code units.
func (d *Doc) Position(off int64) textpos.Position {
	off = min(max(off, 0), d.Size())
	i := min(d.lineOf(off), d.Len()-1)
	c := d.Line(i).Content()
	rel := min(int(off-d.Start(i)), len(c)) // inside the terminator: end of line
	return textpos.Position{Line: i, Character: textpos.UTF16Len(c[:rel])}
}

// Offset converts a position to a byte offset, clamping it to the
// document: ok is false when it had to.
func (d *Doc) Offset(p textpos.Position) (off int64, ok bool) {
	if p.Line < 0 || p.Character < 0 {
		return 0, false
	}
	if p.Line >= d.Len() {
		return d.Size(), false
	}
	c := d.Line(p.Line).Content()
	b := textpos.ByteOffset(c, p.Character)
	return d.Start(p.Line) + int64(b), b < len(c) || textpos.UTF16Len(c) >= p.Character
}

// Apply returns the version of d with one change of an editor applied:
// the text between the positions of r replaced by text. Unchanged lines,
// and the chunks that hold only those, are shared with d. Positions past
// the end of a line or of the document are clamped (clamped reports it);
// an end before the start is taken as the start.
func (d *Doc) Apply(r textpos.Range, text string) (next *Doc, clamped bool) {
	sl, sb, ok1 := d.clampPos(r.Start)
	el, eb, ok2 := d.clampPos(r.End)
	if el < sl || (el == sl && eb < sb) {
		el, eb = sl, sb
		ok2 = false
	}
	prefix := d.Line(sl).Text()[:sb]
	suffix := d.Line(el).Text()[eb:]
	joined := make([]byte, 0, len(prefix)+len(text)+len(suffix))
	joined = append(append(append(joined, prefix...), text...), suffix...)
	repl := SplitLines(joined)
	// The suffix of a line that is not the last ends in a newline, which
	// leaves an empty piece after it: the line that follows already exists.
	if el < d.Len()-1 && len(repl) > 1 && len(repl[len(repl)-1].Text()) == 0 {
		repl = repl[:len(repl)-1]
	}
	// The chunks from the one holding line sl to the one holding line el
	// give way to chunks of their lines before sl, repl, and their lines
	// after el.
	ks, js := d.chunkOf(sl)
	ke, je := d.chunkOf(el)
	tail := d.chunks[ke].lines[je+1:]
	ke++
	n := js + len(repl) + len(tail)
	// A short run takes the next chunk in, so that edits do not leave the
	// document in ever smaller chunks.
	if n < chunkLines/2 && ke < len(d.chunks) {
		n += len(d.chunks[ke].lines)
		tail = append(tail[:len(tail):len(tail)], d.chunks[ke].lines...)
		ke++
	}
	lines := make([]*Line, 0, n)
	lines = append(append(append(lines, d.chunks[ks].lines[:js]...), repl...), tail...)
	chunks := make([]*lineChunk, 0, len(d.chunks)-(ke-ks)+n/chunkLines+1)
	chunks = append(chunks, d.chunks[:ks]...)
	// Pieces of equal length, none longer than chunkLines.
	pieces := (n + chunkLines - 1) / chunkLines
	for p := range pieces {
		a, b := p*n/pieces, (p+1)*n/pieces
		chunks = append(chunks, newChunk(lines[a:b:b]))
	}
	chunks = append(chunks, d.chunks[ke:]...)
	return newDoc(chunks), !(ok1 && ok2)
}

// clampPos resolves a position to a line and a byte offset in that line's
// content.
func (d *Doc) clampPos(p textpos.Position) (ln, b int, ok bool) {
	ok = true
	if p.Line < 0 {
		return 0, 0, false
	}
	if p.Line >= d.Len() {
		last := d.Len() - 1
		return last, len(d.Line(last).Content()), false
	}
	c := d.Line(p.Line).Content()
	ch := max(p.Character, 0)
	b = textpos.ByteOffset(c, ch)
	if b == len(c) && textpos.UTF16Len(c) < ch {
		ok = false
	}
	return p.Line, b, ok && p.Character >= 0
}
