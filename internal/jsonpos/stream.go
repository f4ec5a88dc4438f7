package jsonpos

import (
	"math/bits"
	"unicode/utf8"
	"unsafe"
)

// AppendDecoded decodes one JSON string while its bytes are still
// arriving: an editor's didOpen carries a whole dataset as one string of
// hundreds of megabytes, and the lines decoded so far can be put to work
// before the rest is read. It validates the string as Parse does (no
// control characters, valid escapes) and decodes it as UnescapeInPlace
// does (surrogate pairs combined, lone surrogates become U+FFFD, bytes
// that are not UTF-8 kept as they are).
//
// src is the string's content from some point on; AppendDecoded decodes
// it onto dst, up to the closing quote or the end of src, and returns
// dst, how many bytes of src it took (with the closing quote) and whether
// the closing quote was one of them. An escape sequence cut off by the
// end of src is left for the next call, with the bytes that follow it,
// unless final says no more will come. An error's offset is in src. The
// text decoded is never longer than src.
func AppendDecoded(dst, src []byte, final bool) (out []byte, used int, done bool, err error) {
	r := 0
	for {
		k := nextSpecial(src, r)
		dst = append(dst, src[r:k]...)
		r = k
		if k == len(src) {
			if final {
				return dst, r, false, eofError(src, "in string literal")
			}
			return dst, r, false, nil
		}
		switch c := src[k]; {
		case c == '"':
			return dst, k + 1, true, nil
		case c < 0x20:
			return dst, r, false, charError(src, k, "in string literal")
		}
		// A backslash.
		if !final && !escapeComplete(src[k:]) {
			return dst, r, false, nil
		}
		if _, err := scanEscape(src, k); err != nil {
			return dst, r, false, err
		}
		ru, size := unescapeOne(src[k:])
		dst = utf8.AppendRune(dst, ru)
		r = k + size
	}
}

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
