package jsonpos

import (
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// A StringDecoder decodes one JSON string in place while its bytes are
// still arriving: an editor's didOpen carries a whole dataset as one
// string of hundreds of megabytes, and the lines decoded so far can be
// put to work before the rest is read. It validates the string as Parse
// does (no control characters, valid escapes) and decodes it as
// UnescapeInPlace does (surrogate pairs combined, lone surrogates become
// U+FFFD, bytes that are not UTF-8 kept as they are).
type StringDecoder struct {
	r, w int // next byte to read; next byte to write
	done bool
}

// NewStringDecoder returns a decoder of the string whose opening quote is
// at data[start-1].
func NewStringDecoder(start int) *StringDecoder { return &StringDecoder{r: start, w: start} }

// Decode decodes what has arrived of the string into data, from the
// string's start on. data is the buffer the string is read into, filled
// up to its length; final reports that no more bytes will come. It
// returns the end of the decoded text, which does not change from then on
// (data[start:decoded] is final), and whether the closing quote was
// found. An escape sequence cut off by the end of data is decoded by a
// later call, once it is whole.
func (d *StringDecoder) Decode(data []byte, final bool) (decoded int, done bool, err error) {
	if d.done {
		return d.w, true, nil
	}
	r, w := d.r, d.w
	defer func() { d.r, d.w = r, w }()
	for {
		k := nextSpecial(data, r)
		if w != r {
			moveDown(data, w, r, k)
		}
		w += k - r
		r = k
		if k == len(data) {
			if final {
				return w, false, eofError(data, "in string literal")
			}
			return w, false, nil
		}
		switch c := data[k]; {
		case c == '"':
			r = k + 1
			d.done = true
			return w, true, nil
		case c < 0x20:
			return w, false, charError(data, k, "in string literal")
		}
		// A backslash. The escapes of one byte ("\"", "\n") need none of
		// the checks below: a JSON document sent as a string has two around
		// every key and every string value.
		if k+1 < len(data) {
			if b := simpleEscapes[data[k+1]]; b != 0 {
				data[w] = b
				w++
				r = k + 2
				continue
			}
		}
		if !final && !escapeComplete(data[k:]) {
			return w, false, nil
		}
		if _, err := scanEscape(data, k); err != nil {
			return w, false, err
		}
		ru, size := unescapeOne(data[k:])
		if ru < utf8.RuneSelf {
			data[w] = byte(ru)
			w++
		} else {
			w += utf8.EncodeRune(data[w:], ru)
		}
		r = k + size
	}
}

// moveDown copies data[r:k] to data[w:], w < r. The runs between two
// escapes of a JSON document sent as a string are mostly a few bytes
// ("\":\"" between a key and its value): up to 16 bytes are copied without
// a call, each run as two loads that may overlap, both read before
// either is written, and nothing written past the run's end, where the
// escape not yet decoded lies.
func moveDown(data []byte, w, r, k int) {
	switch n := k - r; {
	case n >= 8 && n <= 16:
		a := binary.LittleEndian.Uint64(data[r:])
		b := binary.LittleEndian.Uint64(data[k-8:])
		binary.LittleEndian.PutUint64(data[w:], a)
		binary.LittleEndian.PutUint64(data[w+n-8:], b)
	case n >= 4 && n < 8:
		a := binary.LittleEndian.Uint32(data[r:])
		b := binary.LittleEndian.Uint32(data[k-4:])
		binary.LittleEndian.PutUint32(data[w:], a)
		binary.LittleEndian.PutUint32(data[w+n-4:], b)
	case n < 4:
		for i := range n {
			data[w+i] = data[r+i]
		}
	default:
		copy(data[w:], data[r:k])
	}
}

// simpleEscapes maps the byte after a backslash to the byte the escape
// stands for, for the escapes of one byte; 0 for the others ('u', and
// bytes that make no escape).
var simpleEscapes = [256]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

// End returns the index just after the closing quote, once Decode has
// found it.
func (d *StringDecoder) End() int { return d.r }

// escapeComplete reports whether the escape sequence at the start of s
// (s[0] is a backslash) is there whole, so that unescapeOne decodes it as
// it would with all the input: a \u escape of a high surrogate is
// combined with a \u escape that follows it.
func escapeComplete(s []byte) bool {
	if len(s) < 2 {
		return false
	}
	if s[1] != 'u' {
		return true
	}
	if len(s) < 6 {
		return false
	}
	if r := getu4(s); r >= 0xD800 && r < 0xDC00 {
		return len(s) >= 12
	}
	return true
}

// nextSpecial returns the index of the first '"', '\\' or control
// character in data at or after i, or len(data): eight bytes at a time,
// as scanString looks for them.
func nextSpecial(data []byte, i int) int {
	p := unsafe.Pointer(unsafe.SliceData(data))
	c2, cb, cl, c21, ch := swarConst[0], swarConst[1], swarConst[2], swarConst[3], swarConst[4]
	for ; i+8 <= len(data); i += 8 {
		x := load64(p, i)
		// The lowest flagged byte is a match (see the note on scanString).
		if m := (((x ^ c2) + c21) | ((x ^ cb) + cl)) &^ x & ch; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(data); i++ {
		if c := data[i]; c == '"' || c == '\\' || c < 0x20 {
			return i
		}
	}
	return i
}
