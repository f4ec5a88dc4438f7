package jsonpos

import (
	"encoding/binary"
	"math/bits"
	"unsafe"
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

// In the scanning loops below, for each byte b of a word x,
//
//	((b^2)-0x21 | (b^'\\')-1) &^ b
//
// has its high bit set iff b is '"', '\\' or < 0x20: b^2 < 0x21 iff b < 0x20
// or b == '"' (0x22), and b < 0x80 is implied by &^ b. Subtraction borrows only propagate upwards and only out of a byte
// that matches, so the lowest flagged byte of a word is exact and a word has
// no flagged byte iff none of its bytes matches.

// scanString scans a string whose opening quote is at data[i-1]. It returns
// the index just after the closing quote and whether the string contains
// escapes.
func scanString(data []byte, i int) (int, bool, *SyntaxError) {
	esc := false
	p := unsafe.Pointer(unsafe.SliceData(data))
	n := len(data)
	c2, cb, cl, c21, ch := swarConst[0], swarConst[1], swarConst[2], swarConst[3], swarConst[4]
	for {
		if i+8 <= n {
			// One word first: most keys and short values end in it.
			x := load64(p, i)
			m := (((x ^ c2) + c21) | ((x ^ cb) + cl)) &^ x & ch
			if m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				goto special
			}
			i += 8
			// Long string: four words at a time.
			for i+32 <= n {
				x0 := load64(p, i)
				x1 := load64(p, i+8)
				x2 := load64(p, i+16)
				x3 := load64(p, i+24)
				m0 := (((x0 ^ c2) + c21) | ((x0 ^ cb) + cl)) &^ x0
				m1 := (((x1 ^ c2) + c21) | ((x1 ^ cb) + cl)) &^ x1
				m2 := (((x2 ^ c2) + c21) | ((x2 ^ cb) + cl)) &^ x2
				m3 := (((x3 ^ c2) + c21) | ((x3 ^ cb) + cl)) &^ x3
				if (m0|m1|m2|m3)&ch != 0 {
					switch {
					case m0&ch != 0:
						i += bits.TrailingZeros64(m0&ch) >> 3
					case m1&ch != 0:
						i += 8 + bits.TrailingZeros64(m1&ch)>>3
					case m2&ch != 0:
						i += 16 + bits.TrailingZeros64(m2&ch)>>3
					default:
						i += 24 + bits.TrailingZeros64(m3&ch)>>3
					}
					goto special
				}
				i += 32
			}
			continue
		}
		// Fewer than eight bytes left.
		for ; i < n; i++ {
			if c := data[i]; c == '"' || c == '\\' || c < 0x20 {
				goto special
			}
		}
		return 0, false, eofError(data, "in string literal")

	special:
		switch data[i] {
		case '"':
			return i + 1, esc, nil
		case '\\':
			esc = true
			i++
			if i >= n {
				return 0, false, eofError(data, "in string escape code")
			}
			switch escapes[data[i]] {
			case escSimple:
				i++
			case escUnicode:
				i++
				if i+4 <= n && hexVal(data[i])|hexVal(data[i+1])|hexVal(data[i+2])|hexVal(data[i+3]) >= 0 {
					i += 4
					break
				}
				for k := 0; k < 4; k++ {
					if i >= n {
						return 0, false, eofError(data, "in \\u hexadecimal character escape")
					}
					if hexVal(data[i]) < 0 {
						return 0, false, charError(data, i, "in \\u hexadecimal character escape")
					}
					i++
				}
			default:
				return 0, false, charError(data, i, "in string escape code")
			}
		default:
			return 0, false, charError(data, i, "in string literal")
		}
	}
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
