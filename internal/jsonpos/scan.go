package jsonpos

import (
	"encoding/binary"
	"math/bits"
	"unsafe"

	"github.com/ftls-dev/ftls/internal/bytescan"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// SWAR ("SIMD within a register") constants.
const (
	lsb         = 0x0101010101010101
	msb         = 0x8080808080808080
	backslashes = lsb * '\\'
)

// swarConst holds the SWAR constants in memory so that the compiler keeps
// them in registers across the scanning loop instead of rematerialising a
// 10-byte immediate for every use.
var swarConst = [5]uint64{lsb * 2, backslashes, 1<<64 - lsb, 1<<64 - lsb*0x21, msb}

// load64 loads the eight bytes at p+i as a little-endian word (so that the
// first byte is the least significant). The caller guarantees that they are
// in bounds.
func load64(p unsafe.Pointer, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Add(p, i))[:])
}

// In the scanning loops, for each byte b of a word x,
//
//	((b^2)-0x21 | (b^'\\')-1) &^ b
//
// has its high bit set iff b is '"', '\\' or a control character: b^2 < 0x21
// iff b < 0x20 or b == '"' (0x22), and &^ b excludes bytes >= 0x80. Computed
// on whole words, the subtractions can borrow from one byte into the next,
// but a borrow only starts at a byte that matches, so every matching byte is
// flagged, the lowest flagged byte of a word matches, and a word has no
// flagged byte iff none of its bytes matches. Flags above a matching byte
// may be spurious; callers look at the byte itself.

// movemask gathers the high bits of the eight bytes of m (which must have
// no other bits set) into the low eight bits of the result.
func movemask(m uint64) uint32 {
	return uint32((m * 0x0002040810204081) >> 56)
}

// scanString scans a string whose opening quote is at data[i-1]. It returns
// the index just after the closing quote and what it learned of the
// string (its escapes, the lengths of its UTF-8 sequences), and counts
// its text that is not ASCII into u.
//
// Its first 16 bytes are looked at as two words, which closes most keys.
// The rest goes to scanVector where bytescan runs AVX2; otherwise it is
// scanned 32 bytes at a time: a block without special bytes costs a few
// instructions per word, and in a block with special bytes each flagged
// byte is handled in turn without leaving the block.
func scanString(data []byte, i int, u *utf8Tally) (int, strInfo, *SyntaxError) {
	var info strInfo
	p := unsafe.Pointer(unsafe.SliceData(data))
	n := len(data)
	c2, cb, cl, c21, ch := swarConst[0], swarConst[1], swarConst[2], swarConst[3], swarConst[4]
	if i+16 <= n {
		// Strings of up to 15 ASCII bytes without escapes (most keys).
		x0 := load64(p, i)
		x1 := load64(p, i+8)
		m0 := (((x0 ^ c2) + c21) | ((x0 ^ cb) + cl)) &^ x0 & ch
		m1 := (((x1 ^ c2) + c21) | ((x1 ^ cb) + cl)) &^ x1 & ch
		h0, h1 := x0&ch, x1&ch
		k := i
		if m0 == 0 && h0 == 0 {
			m0, h0 = m1, h1
			k += 8
		}
		// No byte above 0x7f may come before the quote (m0&-m0 is the
		// quote's high bit; the bits below it are those of earlier bytes).
		if m0 != 0 && h0&(m0&-m0-1) == 0 {
			if k += bits.TrailingZeros64(m0) >> 3; data[k] == '"' {
				return k + 1, 0, nil
			}
		}
	}
	if bytescan.Fast {
		return scanVector(data, i, u)
	}
	for i+32 <= n {
		x0 := load64(p, i)
		x1 := load64(p, i+8)
		x2 := load64(p, i+16)
		x3 := load64(p, i+24)
		m0 := (((x0 ^ c2) + c21) | ((x0 ^ cb) + cl)) &^ x0
		m1 := (((x1 ^ c2) + c21) | ((x1 ^ cb) + cl)) &^ x1
		m2 := (((x2 ^ c2) + c21) | ((x2 ^ cb) + cl)) &^ x2
		m3 := (((x3 ^ c2) + c21) | ((x3 ^ cb) + cl)) &^ x3
		if (m0|m1|m2|m3|x0|x1|x2|x3)&ch == 0 {
			i += 32
			continue
		}
		base := i
		flagged := movemask((m0|x0)&ch) | movemask((m1|x1)&ch)<<8 | movemask((m2|x2)&ch)<<16 | movemask((m3|x3)&ch)<<24
		for flagged != 0 {
			k := base + bits.TrailingZeros32(flagged)
			flagged &= flagged - 1
			if k < i {
				continue // consumed by an escape or a UTF-8 sequence
			}
			switch c := data[k]; {
			case c == '"':
				return k + 1, info, nil
			case c == '\\':
				// The escaped byte may be flagged itself ('"' or '\\').
				flagged &^= 2 << uint(k-base)
				if k+1 < n {
					info |= strInfo(escBits[data[k+1]])
					if escapes[data[k+1]] == escSimple {
						i = k + 2
						break
					}
				}
				var err *SyntaxError
				if i, err = scanEscape(data, k); err != nil {
					return 0, 0, err
				}
				// Only a \u escape is valid and not simple.
				if i, err = u.unicodeEscape(data, k, i); err != nil {
					return 0, 0, err
				}
			case c < 0x20:
				return 0, 0, charError(data, k, "in string literal")
			case c >= 0x80:
				n := u.add(data, k)
				info |= infoSeq << n
				i = k + n
			}
			// Otherwise a spurious flag above a special byte.
		}
		if i < base+32 {
			i = base + 32
		}
	}
	return scanText(data, i, info, u)
}

// scanVector goes on with scanString's work where the first 16 bytes did
// not close the string: bytescan.JSONSpecials finds the next 64-byte
// block that holds special bytes, and each of them is handled in turn, as
// in scanString's loop; the last 63 bytes or fewer are left to scanText.
// (scanText's switch over a special byte is written again here: a
// function shared by the two is not inlined, and the call per special
// byte made BenchmarkScanners 7-10 % slower.)
func scanVector(data []byte, i int, u *utf8Tally) (int, strInfo, *SyntaxError) {
	var info strInfo
	n := len(data)
	for n-i >= 64 {
		at, flagged := bytescan.JSONSpecials(data[i:])
		base := i + at
		if flagged == 0 {
			i = base
			break
		}
		for flagged != 0 {
			k := base + bits.TrailingZeros64(flagged)
			switch c := data[k]; {
			case c == '"':
				return k + 1, info, nil
			case c == '\\':
				// The simple escapes ("\n", "\"") without a call.
				if k+1 < n && escapes[data[k+1]] == escSimple {
					info |= strInfo(escBits[data[k+1]])
					i = k + 2
					break
				}
				var esc strInfo
				var err *SyntaxError
				if i, esc, err = escapeAt(data, k, u); err != nil {
					return 0, 0, err
				}
				info |= esc
			case c < 0x20:
				return 0, 0, charError(data, k, "in string literal")
			case c >= 0xC2 && c < 0xE0 && k+1 < n && data[k+1]&0xC0 == 0x80:
				// A 2-byte sequence (Latin, Greek, Cyrillic) without a
				// call: one UTF-16 unit for two bytes, as add counts it.
				u.saved++
				info |= infoSeq << 2
				i = k + 2
			case c >= 0xE0 && c < 0xF0 && k+2 < n && data[k+1]&0xC0 == 0x80 && data[k+2]&0xC0 == 0x80 &&
				(c != 0xE0 || data[k+1] >= 0xA0) && (c != 0xED || data[k+1] < 0xA0):
				// A 3-byte sequence (Devanagari, CJK, kana, punctuation;
				// E0 then 80-9F would be an overlong form, ED then A0-BF
				// a surrogate): one unit for three.
				u.saved += 2
				info |= infoSeq << 3
				i = k + 3
			default:
				m := u.add(data, k)
				info |= infoSeq << m
				i = k + m
			}
			// Every case consumed data[k] and maybe more: the flags of the
			// bytes before i go (in text of CJK or Devanagari, two of three
			// bytes are continuation bytes).
			if s := i - base; s < 64 {
				flagged &= ^uint64(0) << s
			} else {
				flagged = 0
			}
		}
		i = max(i, base+64)
	}
	return scanText(data, i, info, u)
}

// escapeAt scans the escape whose backslash is at data[k] and returns the
// index after it and the escape's bit.
func escapeAt(data []byte, k int, u *utf8Tally) (int, strInfo, *SyntaxError) {
	i, err := scanEscape(data, k)
	if err != nil {
		return 0, 0, err
	}
	info := strInfo(escBits[data[k+1]])
	if data[k+1] == 'u' {
		if i, err = u.unicodeEscape(data, k, i); err != nil {
			return 0, 0, err
		}
	}
	return i, info, nil
}

// scanText finishes a string whose last bytes, fewer than the block of
// the scan before (32 or 64), are left in data: eight bytes at a time
// while they are plain ASCII, then byte by byte.
func scanText(data []byte, i int, info strInfo, u *utf8Tally) (int, strInfo, *SyntaxError) {
	p := unsafe.Pointer(unsafe.SliceData(data))
	n := len(data)
	c2, cb, cl, c21, ch := swarConst[0], swarConst[1], swarConst[2], swarConst[3], swarConst[4]
	for i < n {
		if i+8 <= n {
			// The lowest flagged byte is a special byte or one above 0x7f:
			// spurious flags only appear above a special byte.
			x := load64(p, i)
			m := ((((x^c2)+c21)|((x^cb)+cl))&^x | x) & ch
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		switch c := data[i]; {
		case c == '"':
			return i + 1, info, nil
		case c == '\\':
			var esc strInfo
			var err *SyntaxError
			if i, esc, err = escapeAt(data, i, u); err != nil {
				return 0, 0, err
			}
			info |= esc
		case c < 0x20:
			return 0, 0, charError(data, i, "in string literal")
		case c < 0x80:
			i++
		default:
			n := u.add(data, i)
			info |= infoSeq << n
			i += n
		}
	}
	return 0, 0, eofError(data, "in string literal")
}

// utf8Tally is what scanning the strings of a value learns about its
// encoding. JSON outside strings is ASCII, so checking the strings checks
// the whole value, and a row's text is read once instead of twice.
type utf8Tally struct {
	saved   int  // bytes beyond the UTF-16 units of the sequences seen
	invalid int  // offset of the first byte that is not UTF-8, or -1
	lone    bool // a \u escape writes a lone surrogate (see LoneSurrogates)
}

// add counts the UTF-8 sequence that starts at data[i], a byte above 0x7f,
// and returns its length (1 for a byte that starts no valid sequence).
func (u *utf8Tally) add(data []byte, i int) int {
	size := textpos.SeqLen(data, i)
	if size == 0 {
		if u.invalid < 0 {
			u.invalid = i
		}
		return 1
	}
	// A 4-byte sequence is a surrogate pair: two UTF-16 units.
	u.saved += size - 1 - size/4
	return size
}

// unicodeEscape looks at the valid \u escape that starts at data[k] and
// ends at i, and returns where the scan goes on. A high surrogate followed
// by the escape of a low one is a pair, whose low half is scanned here, so
// that a low surrogate met by the scan has no high one before it; any
// other surrogate is lone, as LoneSurrogates finds them. Only \u escapes
// pay for this, and most of them are not surrogates.
func (u *utf8Tally) unicodeEscape(data []byte, k, i int) (int, *SyntaxError) {
	// A surrogate is D800-DFFF: "d" then a hex digit of 8 or more.
	if data[k+2]|0x20 != 'd' || data[k+3] < '8' {
		return i, nil
	}
	if data[k+3]|0x20 < 'c' && i+6 <= len(data) && data[i] == '\\' && data[i+1] == 'u' &&
		data[i+2]|0x20 == 'd' && 'c' <= data[i+3]|0x20 && data[i+3]|0x20 <= 'f' {
		return scanEscape(data, i)
	}
	u.lone = true
	return i, nil
}

// strInfo is what scanning a string learns about it: the Escapes it holds
// (the low bits, infoEscapes), and the lengths of its UTF-8 sequences,
// infoSeq<<n for an n-byte one (n = 1 for a byte that starts none).
type strInfo uint16

const (
	infoEscapes strInfo = 1<<9 - 1
	infoSeq     strInfo = 1 << 10
	infoSeqs            = 0xF * infoSeq << 1
)

// Escapes is a set of the escape sequences of a JSON string, one bit per
// character that follows the backslash.
type Escapes uint16

// Has reports whether the set holds the escape of c ('n' for "\n").
func (e Escapes) Has(c byte) bool { return e&escBits[c] != 0 }

var escBits = [256]Escapes{'"': 1, '\\': 2, '/': 4, 'b': 8, 'f': 16, 'n': 32, 'r': 64, 't': 128, 'u': 256}

// scanEscape validates the escape sequence whose backslash is at data[i]
// and returns the index just after it.
func scanEscape(data []byte, i int) (int, *SyntaxError) {
	i++
	if i >= len(data) {
		return 0, eofError(data, "in string escape code")
	}
	switch escapes[data[i]] {
	case escSimple:
		return i + 1, nil
	case escUnicode:
		i++
		if i+4 <= len(data) && hexVal(data[i])|hexVal(data[i+1])|hexVal(data[i+2])|hexVal(data[i+3]) >= 0 {
			return i + 4, nil
		}
		for k := 0; k < 4; k++ {
			if i >= len(data) {
				return 0, eofError(data, "in \\u hexadecimal character escape")
			}
			if hexVal(data[i]) < 0 {
				return 0, charError(data, i, "in \\u hexadecimal character escape")
			}
			i++
		}
		return i, nil
	}
	return 0, charError(data, i, "in string escape code")
}

// Escape kinds, indexed by the byte after a backslash.
const (
	escInvalid = iota
	escSimple
	escUnicode
)

var escapes = [256]uint8{
	'"': escSimple, '\\': escSimple, '/': escSimple, 'b': escSimple,
	'f': escSimple, 'n': escSimple, 'r': escSimple, 't': escSimple,
	'u': escUnicode,
}

// shortString returns the index just after the closing quote of a string
// whose opening quote is at data[i-1], if the string has no escapes and
// ends within the next 8 bytes, and -1 otherwise (then scanString must be
// used). It is small enough to be inlined, which saves a call for most keys
// and short values.
func shortString(data []byte, i int) int {
	if i+8 <= len(data) {
		x := load64(unsafe.Pointer(unsafe.SliceData(data)), i)
		m := ((((x ^ (lsb * 2)) + (1<<64 - lsb*0x21)) | ((x ^ backslashes) + (1<<64 - lsb))) &^ x) & msb
		// No byte above 0x7f may come before the quote (see scanString).
		if m != 0 && x&msb&(m&-m-1) == 0 {
			i += bits.TrailingZeros64(m) >> 3
			if data[i] == '"' {
				return i + 1
			}
		}
	}
	return -1
}
