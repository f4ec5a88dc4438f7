package textpos

import "sort"

// LineIndex maps byte offsets of a whole document to positions and back.
// Building it is one pass over the text; lookups are a binary search plus a
// scan of one line, so it suits documents of any size.
type LineIndex struct {
	text  []byte
	start []int // byte offset where each line begins
}

// NewLineIndex indexes text. The index keeps a reference to text, which must
// not change while the index is in use.
func NewLineIndex(text []byte) *LineIndex {
	starts := make([]int, 1, len(text)/64+1)
	for i, c := range text {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return &LineIndex{text: text, start: starts}
}

// Lines returns the number of lines (a final line without newline counts,
// an empty text has one line).
func (x *LineIndex) Lines() int { return len(x.start) }

// LineStart returns the byte offset of line, clamped to the document.
func (x *LineIndex) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(x.start) {
		return len(x.text)
	}
	return x.start[line]
}

// Line returns the bytes of line without its terminator.
func (x *LineIndex) Line(line int) []byte {
	if line < 0 || line >= len(x.start) {
		return nil
	}
	end := len(x.text)
	if line+1 < len(x.start) {
		end = x.start[line+1] - 1
	}
	b := x.text[x.start[line]:end]
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b
}

// Position converts a byte offset to a position. Offsets past the end map
// to the end of the document.
func (x *LineIndex) Position(off int) Position {
	if off > len(x.text) {
		off = len(x.text)
	}
	if off < 0 {
		off = 0
	}
	line := sort.SearchInts(x.start, off+1) - 1
	seg := x.text[x.start[line]:off]
	if n := len(seg); n > 0 && seg[n-1] == '\r' && off < len(x.text) && x.text[off] == '\n' {
		seg = seg[:n-1]
	}
	return Position{Line: line, Character: UTF16Len(seg)}
}

// Offset converts a position to a byte offset. A line past the end maps to
// the end of the document and a column past the end of its line to the end
// of that line, so a stale position from a client can never point into
// another line.
func (x *LineIndex) Offset(p Position) (off int, ok bool) {
	if p.Line < 0 || p.Character < 0 {
		return 0, false
	}
	if p.Line >= len(x.start) {
		return len(x.text), false
	}
	line := x.Line(p.Line)
	b := ByteOffset(line, p.Character)
	return x.start[p.Line] + b, b < len(line) || UTF16Len(line) >= p.Character
}

// Range converts a byte span to a range.
func (x *LineIndex) Range(start, end int) Range {
	return Range{Start: x.Position(start), End: x.Position(end)}
}
