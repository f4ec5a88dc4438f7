// Package textpos converts between byte offsets and LSP positions.
//
// LSP positions count lines from zero and columns in UTF-16 code units, while
// the parser works in bytes. Dataset rows are full of accented text, emoji and
// CRLF line ends, so every conversion goes through the functions here rather
// than through ad-hoc arithmetic. Lines end at "\n"; a "\r" before it belongs
// to the line terminator, not to the line's text.
package textpos

import (
	"encoding/binary"
	"unicode/utf8"
)

// Position is a zero-based line and UTF-16 column, as in LSP.
type Position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

// Range is a half-open span between two positions.
type Range struct {
	Start Position `json:"start"`
	End   Position `json:"end"`
}

// Before reports whether p comes before q.
func (p Position) Before(q Position) bool {
	return p.Line < q.Line || (p.Line == q.Line && p.Character < q.Character)
}

// UTF16Len returns the number of UTF-16 code units needed for b. Bytes that
// are not valid UTF-8 count as one unit each, as the U+FFFD an editor shows.
func UTF16Len(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		// Datasets are mostly ASCII: take eight such bytes at a time.
		if i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&0x8080808080808080 == 0 {
			i += 8
			n += 8
			continue
		}
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			n++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		i += size
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// CheckUTF8 reports whether b is valid UTF-8 and, if so, its length in
// UTF-16 code units, in one pass: rows are validated and measured anyway,
// and doing both at once reads them once.
func CheckUTF8(b []byte) (units int, valid bool) {
	const high = 0x8080808080808080
	i := 0
	for i < len(b) {
		if i+8 <= len(b) && binary.LittleEndian.Uint64(b[i:])&high == 0 {
			i += 8
			units += 8
			continue
		}
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			units++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return 0, false
		}
		i += size
		if r >= 0x10000 {
			units += 2
		} else {
			units++
		}
	}
	return units, true
}

// Advance returns the position reached by moving from p over text.
func Advance(p Position, text []byte) Position {
	for {
		i := indexNewline(text)
		if i < 0 {
			p.Character += UTF16Len(text)
			return p
		}
		p.Line++
		p.Character = 0
		text = text[i+1:]
	}
}

// ByteOffset returns the byte offset within line of the UTF-16 column char,
// clamped to the line's length. A column that falls inside a surrogate pair
// resolves to the start of that character.
func ByteOffset(line []byte, char int) int {
	units := 0
	for i := 0; i < len(line); {
		if units >= char {
			return i
		}
		c := line[i]
		if c == '\n' || (c == '\r' && i+1 < len(line) && line[i+1] == '\n') {
			return i
		}
		if c < utf8.RuneSelf {
			i++
			units++
			continue
		}
		r, size := utf8.DecodeRune(line[i:])
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > char {
			return i
		}
		units += w
		i += size
	}
	return len(line)
}

func indexNewline(b []byte) int {
	for i, c := range b {
		if c == '\n' {
			return i
		}
	}
	return -1
}
