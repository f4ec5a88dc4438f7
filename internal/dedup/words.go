package dedup

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"unicode"
	"unicode/utf8"
)

// appendWords appends to k.words a hash of each of text's words: runs of
// letters and digits, case-folded. Everything else separates words.
//
// Text is read in blocks of 64 bytes: a mask of the block's letters and
// digits is computed eight bytes at a time (wordMask, and wordRunes for
// non-ASCII bytes), and each word found from the mask's edges is hashed
// eight bytes at a time (hashWord). The loop is per word, not per byte,
// with no branch at each word's end, which mispredicted on real text;
// FNV's serial multiply per byte, which bounded the old loop, is gone.
func (k *Sketcher) appendWords(text []byte) {
	// in is 1 when the bytes before i end inside a word; start is then
	// that word's first byte.
	in, start := 0, 0
	for i := 0; i < len(text); i += 64 {
		block := text[i:min(len(text), i+64)]
		if len(block) < 64 {
			var pad [64]byte // the text's last bytes, then separators
			copy(pad[:], block)
			block = pad[:]
		}
		m, ascii := wordMask(block)
		if !ascii {
			m |= wordRunes(text, i, block)
		}
		// A word starts at each word byte after a separator, and ends at
		// each separator after a word byte.
		starts := m &^ (m<<1 | uint64(in))
		ends := ^m & (m<<1 | uint64(in))
		k.words = slices.Grow(k.words, 33)
		if in != 0 && ends != 0 {
			// The word from the blocks before ends in this one.
			k.words = append(k.words, k.hashWord(text, start, i+bits.TrailingZeros64(ends)))
			ends &= ends - 1
		}
		// The other ends pair with the starts in order.
		d := k.words[len(k.words) : len(k.words)+32] // a block ends at most 32 words
		n := 0
		for ; ends != 0; ends &= ends - 1 {
			s, e := i+bits.TrailingZeros64(starts), i+bits.TrailingZeros64(ends)
			starts &= starts - 1
			// Words of up to eight bytes (nine in ten) are hashed here,
			// without a call, which would spill the loop's registers.
			var h uint64
			if w := uint(e - s); w <= 8 && s+8 <= len(text) {
				x := binary.LittleEndian.Uint64(text[s:]) & keepBytes[w]
				h = mix(x|caseBits&keepBytes[w]) | 1
				if x&highBits != 0 {
					h = 0
				}
			}
			if h == 0 {
				h = k.hashWord(text, s, e)
			}
			d[n] = h
			n++
		}
		k.words = k.words[:len(k.words)+n]
		// A word left open at the block's end started at the last start,
		// or before the block.
		if in = int(m >> 63); starts != 0 {
			start = i + bits.TrailingZeros64(starts)
		}
	}
	if in != 0 {
		k.words = append(k.words, k.hashWord(text, start, len(text)))
	}
}

// wordMask returns a mask of the 64 bytes of block, bit j set when byte j
// is an ASCII letter or digit, and whether every byte is ASCII.
func wordMask(block []byte) (mask uint64, ascii bool) {
	const ones = 0x0101010101010101
	block = block[:64]
	var all uint64
	for c := range 8 {
		x := binary.LittleEndian.Uint64(block[8*c:])
		all |= x
		// With each byte below 0x80, adding 0x80-b sets its top bit when
		// it is at least b, and carries into no other byte.
		x7 := x &^ highBits
		lower := x7 | caseBits
		letter := (lower + (0x80-'a')*ones) &^ (lower + (0x80-'z'-1)*ones)
		digit := (x7 + (0x80-'0')*ones) &^ (x7 + (0x80-'9'-1)*ones)
		mask |= gather((letter|digit)&^x&highBits) << (8 * c)
	}
	return mask, all&highBits == 0
}

// gather returns the top bits of x's eight bytes as one byte.
func gather(x uint64) uint64 { return x >> 7 * 0x0102040810204080 >> 56 }

// wordRunes returns the mask bits of block, the 64 bytes of text at i
// (or its last bytes and zeros), for its non-ASCII bytes that belong to a
// letter or digit, decoded as a reader from the text's start sees them: a
// byte continuing a rune begun up to 3 bytes before belongs to that rune
// if it decodes, and every byte of an invalid sequence stands alone
// (utf8.RuneError).
func wordRunes(text []byte, i int, block []byte) uint64 {
	var high uint64
	for c := range 8 {
		high |= gather(binary.LittleEndian.Uint64(block[8*c:])&highBits) << (8 * c)
	}
	var mask uint64
	for high != 0 {
		p := i + bits.TrailingZeros64(high)
		q := p
		for q > max(0, p-3) && !utf8.RuneStart(text[q]) {
			q--
		}
		r, size := utf8.DecodeRune(text[q:])
		if q+size <= p { // p is not part of the rune at q
			q, size = p, 1
			r = utf8.RuneError
		}
		// The rune's bytes in this block, from p on.
		span := ^uint64(0) << (p - i)
		if end := q + size - i; end < 64 {
			span &= 1<<end - 1
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			mask |= span
		}
		high &^= span
	}
	return mask
}

const (
	highBits = 0x8080808080808080 // the top bit of each byte: non-ASCII
	caseBits = 0x2020202020202020 // ASCII letters' lower-case bit; digits have it
)

// hashWord returns the hash of the word text[s:e], never 0 (which marks a
// break): hashBytes of its bytes lower-cased.
func (k *Sketcher) hashWord(text []byte, s, e int) uint64 {
	if h, ok := hashShort(text, s, e); ok {
		return h
	}
	return k.hashLongWord(text[s:e])
}

// hashShort is hashWord for an ASCII word of at most 16 bytes, and false
// for any other. The word is read with two loads (from a copy near the
// text's end), lower-cased by setting bit 0x20 of each byte (every
// ASCII letter and digit is lower-case with it set), and hashed as
// hashBytes does. A word of up to eight bytes is mixed once by SplitMix64's
// finaliser, a bijection: two such words never share a hash but for the
// low bit.
func hashShort(text []byte, s, e int) (uint64, bool) {
	n := e - s
	if n > 16 {
		return 0, false
	}
	w := text[s:]
	if len(w) < 16 {
		var tail [16]byte
		copy(tail[:], text[s:e])
		w = tail[:]
	}
	m := &shortMasks[n]
	lo := binary.LittleEndian.Uint64(w) & m.keep[0]
	hi := binary.LittleEndian.Uint64(w[8:16]) & m.keep[1]
	if (lo|hi)&highBits != 0 {
		return 0, false
	}
	h := lo | m.fold[0]
	if n > 8 {
		h = mix(h+prime1) ^ (hi | m.fold[1])
	}
	return mix(h) | 1, true
}

// keepBytes[n] keeps the first n bytes of a word's 8-byte load.
var keepBytes = [9]uint64{0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff, 0xffffffffffffff, 0xffffffffffffffff}

// shortMasks[n] keeps the n bytes of a word in its two 8-byte loads, and
// holds bit 0x20 of those bytes.
var shortMasks = func() (t [17]struct{ keep, fold [2]uint64 }) {
	for n := range t {
		for half := range 2 {
			bytes := min(max(n-8*half, 0), 8)
			keep := uint64(1)<<(8*bytes) - 1 // 1<<64 is 0
			t[n].keep[half], t[n].fold[half] = keep, keep&caseBits
		}
	}
	return t
}()

// hashLongWord is hashWord for a word past sixteen bytes or with
// non-ASCII letters.
func (k *Sketcher) hashLongWord(word []byte) uint64 {
	for _, c := range word {
		if c >= utf8.RuneSelf {
			k.fold = foldRunes(k.fold[:0], word)
			return hashBytes(k.fold, 0) | 1
		}
	}
	return hashBytes(word, caseBits) | 1
}

// hashBytes hashes b eight bytes at a time, the last eight padded with
// zeros, each ORed with fold where b has bytes: mix(c0) for one, and for
// more, each XORed with the mix of the hash so far (plus prime1, so that
// no mix is of 0), the whole mixed once more. b's bytes are never 0, so
// the padding cannot make two words alike.
func hashBytes(b []byte, fold uint64) uint64 {
	n := len(b)
	if n < 8 {
		var tail [8]byte
		copy(tail[:], b)
		return mix(binary.LittleEndian.Uint64(tail[:]) | fold&(1<<(8*n)-1))
	}
	h := binary.LittleEndian.Uint64(b) | fold
	i := 8
	for ; i+8 <= n; i += 8 {
		h = mix(h+prime1) ^ (binary.LittleEndian.Uint64(b[i:]) | fold)
	}
	if r := n - i; r > 0 {
		// The last r bytes, from the load of the last eight.
		last := binary.LittleEndian.Uint64(b[n-8:]) >> (64 - 8*r)
		h = mix(h+prime1) ^ (last | fold&(1<<(8*r)-1))
	}
	return mix(h)
}

// foldRunes appends word, a run of letters and digits, to dst with each
// rune lower-cased by unicode.ToLower.
func foldRunes(dst, word []byte) []byte {
	for _, r := range string(word) {
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
	}
	return dst
}

// CountWords returns the number of words in text, as Sketcher counts them:
// runs of letters and digits.
func CountWords(text []byte) int {
	n, in := 0, false
	for i := 0; i < len(text); {
		c := text[i]
		var letter bool
		if c < utf8.RuneSelf {
			letter = wordByte[c] != 0
			i++
		} else {
			r, size := utf8.DecodeRune(text[i:])
			letter = unicode.IsLetter(r) || unicode.IsDigit(r)
			i += size
		}
		if letter && !in {
			n++
		}
		in = letter
	}
	return n
}

// wordByte maps an ASCII byte to its lower-case form when it belongs to a
// word, and to 0 when it separates words.
var wordByte = func() (t [utf8.RuneSelf]byte) {
	for c := byte('0'); c <= '9'; c++ {
		t[c] = c
	}
	for c := byte('a'); c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = c, c
	}
	return t
}()
