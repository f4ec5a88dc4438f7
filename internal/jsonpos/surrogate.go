package jsonpos

import "bytes"

// LoneSurrogates returns the offsets in text of the \u escapes that write
// a lone UTF-16 surrogate: a high surrogate (\uD800-\uDBFF) not followed
// by a \u escape of a low one (\uDC00-\uDFFF), or a low surrogate not
// preceded by a high one. Such an escape is half a character: it decodes
// to no Unicode scalar value, so strict parsers (Rust's serde_json, Go's
// encoding/json turns it into U+FFFD) and UTF-8 encoders (Python's
// str.encode) reject or alter it.
//
// text must be valid JSON (a parsed row): every backslash in it then
// starts an escape inside a string, so the scan reads escapes without
// tracking strings. It returns nil, without allocating, when there are
// none; at most limit offsets are returned when limit > 0.
//
// It jumps from one "\u" to the next rather than walking every escape: a
// row's "\n" escapes are many, its "\u" ones few. A "\u" starts an escape
// when an even number of backslashes precede it (after an odd number, the
// backslash is the second of a "\\"), which is where the walk from the
// start of text would meet it.
func LoneSurrogates(text []byte, limit int) []int {
	var out []int
	for i := 0; i < len(text); {
		j := bytes.Index(text[i:], []byte(`\u`))
		if j < 0 {
			break
		}
		i += j
		if !escapeStart(text, i) {
			i++
			continue
		}
		v, ok := hex4(text, i+2)
		if !ok {
			i += 2
			continue
		}
		switch {
		case v >= 0xD800 && v <= 0xDBFF:
			if i+7 < len(text) && text[i+6] == '\\' && text[i+7] == 'u' {
				if w, ok := hex4(text, i+8); ok && w >= 0xDC00 && w <= 0xDFFF {
					i += 12 // a pair
					continue
				}
			}
			out = append(out, i)
		case v >= 0xDC00 && v <= 0xDFFF:
			out = append(out, i)
		}
		if limit > 0 && len(out) >= limit {
			break
		}
		i += 6
	}
	return out
}

// escapeStart reports whether the backslash at text[i] starts an escape:
// whether an even number of backslashes come right before it.
func escapeStart(text []byte, i int) bool {
	run := 0
	for k := i - 1; k >= 0 && text[k] == '\\'; k-- {
		run++
	}
	return run%2 == 0
}

// WithoutLoneSurrogates returns text without the escapes LoneSurrogates
// finds (text itself when there are none).
func WithoutLoneSurrogates(text []byte) []byte {
	offs := LoneSurrogates(text, 0)
	if len(offs) == 0 {
		return text
	}
	out := make([]byte, 0, len(text)-6*len(offs))
	prev := 0
	for _, o := range offs {
		out = append(out, text[prev:o]...)
		prev = o + 6
	}
	return append(out, text[prev:]...)
}

// hex4 reads the four hex digits at text[i:i+4].
func hex4(text []byte, i int) (rune, bool) {
	if i+4 > len(text) {
		return 0, false
	}
	var v rune
	for _, c := range text[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
