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
	// The bounds of the first four fields, as strings.Fields splits: every
	// row has one, and splitting a string copy of the text allocated three
	// times per row.
	var bounds [4][2]int
	n, start, ascii := 0, -1, true
	for i := 0; i < len(text) && n < 4; {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(text[i:])
			ascii = false
		}
		if space := r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || r > 0x7f && unicode.IsSpace(r); !space && start < 0 {
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
	if !ascii {
		return strings.ToLower(string(out))
	}
	for i, c := range out {
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return a.string(out)
}
