package diagnostics

// More of the Q family: what the text of a conversation says. Thresholds
// and phrase lists were chosen by running them over the public datasets in
// the repository's test corpus; see docs/rules.md for each default. Each
// rule is a file of its own (q002_response_length.go to
// q015_no_user_turn.go), with the searches only it uses; this file holds
// what several share.

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// words counts the words of text: runs of non-space bytes.
func words(text []byte) int {
	n, in := 0, false
	for _, c := range text {
		space := c == ' ' || c == '\n' || c == '\t' || c == '\r'
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

// reportTurn reports on the content of turn i of a chat or ShareGPT row, or
// on the whole row for formats whose turns are not messages.
func (c *RowContext) reportTurn(code string, i int, format string, args ...any) {
	if len(c.Messages) == len(c.Turns()) && i < len(c.Messages) && c.Messages[i].Content.Exists() {
		c.ReportValue(code, c.Messages[i].Content, nil, format, args...)
		return
	}
	c.ReportRow(code, nil, format, args...)
}

// nextByte finds the bytes c of a text in order: from(text, i) is the
// position of the first c at or after i, or len(text). Each search starts
// where the last one ended, so that a caller walking from one bracket of a
// text to the next, of whichever kind, searches each byte of the text once
// per kind of bracket. at is -1 before the first search.
type nextByte struct {
	c  byte
	at int
}

func (n *nextByte) from(text []byte, i int) int {
	if n.at < i {
		n.at = len(text)
		if j := bytes.IndexByte(text[i:], n.c); j >= 0 {
			n.at = i + j
		}
	}
	return n.at
}

// opening returns the first four words of text, lower-cased, or "" when it
// has fewer; the string is made in a (nil for a fresh one).
func opening(text []byte, a *SummaryArena) string {
	text = text[:min(len(text), 200)]
	bounds, ok := asciiFields(text)
	if !ok {
		return openingUnicode(text)
	}
	if bounds[7] < 0 {
		return ""
	}
	// Lower-cased straight into the arena, with no buffer between.
	size := 3
	for k := 0; k < 8; k += 2 {
		size += bounds[k+1] - bounds[k]
	}
	out := a.bytes(size)[:0]
	for k := 0; k < 8; k += 2 {
		if k > 0 {
			out = append(out, ' ')
		}
		for _, c := range text[bounds[k]:bounds[k+1]] {
			out = append(out, asciiLower[c])
		}
	}
	return unsafe.String(unsafe.SliceData(out), len(out))
}

// asciiFields returns the bounds of the first four fields of text, as
// strings.Fields splits (start and end of each, -1 past the fields it
// has), and false if a byte before the fourth field's end is not ASCII.
// Each byte stores its index at the next bound's slot, which only counts
// when the byte starts or ends a field, and the slot advances by a flag:
// a branch at each word's bound mispredicted about every fifth byte.
func asciiFields(text []byte) (bounds [8]int, ok bool) {
	var at [9]int
	n, in := 0, 0
	for i := 0; i < len(text) && n < 8; i++ {
		c := text[i]
		if c >= utf8.RuneSelf {
			return bounds, false
		}
		w := int(fieldByte[c])
		at[n] = i
		n += w ^ in
		in = w
	}
	if n < 8 && in == 1 {
		at[n] = len(text)
		n++
	}
	for k := range bounds {
		bounds[k] = -1
		if k < n {
			bounds[k] = at[k]
		}
	}
	return bounds, true
}

// fieldByte is 1 for the ASCII bytes that are not white space
// (unicode.IsSpace), which fields are made of.
var fieldByte = func() (t [utf8.RuneSelf]byte) {
	for c := range t {
		if !unicode.IsSpace(rune(c)) {
			t[c] = 1
		}
	}
	return t
}()

// openingUnicode is opening for text with bytes beyond ASCII.
func openingUnicode(text []byte) string {
	// The bounds of the first four fields, as strings.Fields splits:
	// splitting a string copy of the text allocated three times per row.
	var bounds [4][2]int
	n, start := 0, -1
	for i := 0; i < len(text) && n < 4; {
		r, size := utf8.DecodeRune(text[i:])
		if space := unicode.IsSpace(r); !space && start < 0 {
			start = i
		} else if space && start >= 0 {
			bounds[n] = [2]int{start, i}
			n, start = n+1, -1
		}
		i += size
	}
	if n < 4 && start >= 0 {
		bounds[n] = [2]int{start, len(text)}
		n++
	}
	if n < 4 {
		return ""
	}
	out := make([]byte, 0, bounds[3][1]-bounds[0][0])
	for k, b := range bounds {
		if k > 0 {
			out = append(out, ' ')
		}
		out = append(out, text[b[0]:b[1]]...)
	}
	return strings.ToLower(string(out))
}

// asciiLower maps each ASCII upper-case letter to its lower case, and
// every other byte to itself.
var asciiLower = func() (t [256]byte) {
	for c := range t {
		t[c] = byte(c)
		if 'A' <= c && c <= 'Z' {
			t[c] += 'a' - 'A'
		}
	}
	return t
}()
