// Package textpos converts between byte offsets and LSP positions.
//
// LSP positions count lines from zero and columns in UTF-16 code units, while
// the parser works in bytes. Dataset rows are full of accented text, emoji and
// CRLF line ends, so every conversion goes through the functions here rather
// than through ad-hoc arithmetic. Lines end at "\n"; a "\r" before it belongs
// to the line terminator, not to the line's text.
package textpos

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
	"unsafe"
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
	if n, ok := CheckUTF8(b); ok {
		return n
	}
	// Invalid UTF-8: every byte that does not start a valid sequence counts
	// as one unit, as editors show it as U+FFFD.
	n := 0
	for i := 0; i < len(b); {
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
//
// It is on the path of every row, so it skips ASCII 32 bytes at a time and
// decodes the other sequences inline: utf8.DecodeRune per rune cost twice
// as much on text with accents, CJK and emoji.
func CheckUTF8(b []byte) (units int, valid bool) {
	const high = 0x8080808080808080
	n := len(b)
	saved := 0 // bytes beyond the UTF-16 units of the runes seen
	for i := 0; i < n; {
		for i+32 <= n && (le64(b, i)|le64(b, i+8)|le64(b, i+16)|le64(b, i+24))&high == 0 {
			i += 32
		}
		for i+8 <= n && le64(b, i)&high == 0 {
			i += 8
		}
		if i >= n {
			break
		}
		c := b[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		size := SeqLen(b, i)
		if size == 0 {
			return 0, false
		}
		// A 4-byte sequence is a surrogate pair: two units.
		saved += size - 1 - size/4
		i += size
	}
	return n - saved, true
}

// le64 loads the eight bytes at b[i:] without a bounds check; the callers
// check i+8 <= len(b).
func le64(b []byte, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i))[:])
}

// SeqLen returns the length of the valid UTF-8 sequence whose first byte,
// not ASCII, is b[i], or 0 when it is not valid (the ranges of RFC 3629
// section 4: no overlong forms, no surrogates, nothing above U+10FFFF).
func SeqLen(b []byte, i int) int {
	c, n := b[i], len(b)
	cont := func(k int) bool { return k < n && b[k]&0xC0 == 0x80 }
	between := func(k int, lo, hi byte) bool { return k < n && b[k] >= lo && b[k] <= hi }
	switch {
	case c < 0xC2:
		return 0
	case c < 0xE0:
		if cont(i + 1) {
			return 2
		}
	case c < 0xF0:
		lo, hi := byte(0x80), byte(0xBF)
		if c == 0xE0 {
			lo = 0xA0
		} else if c == 0xED {
			hi = 0x9F
		}
		if between(i+1, lo, hi) && cont(i+2) {
			return 3
		}
	case c < 0xF5:
		lo, hi := byte(0x80), byte(0xBF)
		if c == 0xF0 {
			lo = 0x90
		} else if c == 0xF4 {
			hi = 0x8F
		}
		if between(i+1, lo, hi) && cont(i+2) && cont(i+3) {
			return 4
		}
	}
	return 0
}

// Advance returns the position reached by moving from p over text.
func Advance(p Position, text []byte) Position {
	for {
		// bytes.IndexByte: a row's text usually has no line break, and a
		// finding's position is measured from the row's start, so this
		// scans up to the finding (a loop of a byte at a time was a
		// quarter of a check whose rows had many findings).
		i := bytes.IndexByte(text, '\n')
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

// Truncate returns the longest prefix of s of at most n bytes that does
// not end inside a UTF-8 sequence.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
