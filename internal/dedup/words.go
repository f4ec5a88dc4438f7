package dedup

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// appendWords appends to k.words the hashes of text's words.
//
// A word is a run of letters and digits (unicode.IsLetter, IsDigit);
// everything else, invalid UTF-8 included, separates words. A word's hash
// starts at hashStart and takes each of its runes r in turn, case-folded,
// as
//
//	h = bits.RotateLeft64(h, 1) ^ runeValue(unicode.ToLower(r))
//
// (a cyclic-polynomial or "buzhash" step). Every runeValue has an even
// number of set bits and hashStart an odd number; rotating and xoring
// keep that parity, so a word's hash is never 0, which marks a break.
// Two runes 64 places apart in one word land on the same bits: a word of
// over 64 runes can share its hash with the same word with those runes
// swapped. Words that long are rare, and weigh a few shingles each.
//
// The step was FNV-1a (xor, multiply) before: the multiply's latency,
// serial from byte to byte, held the loop to ~5 cycles a byte. A rotate,
// an and and an xor take a cycle each, and the loop now runs about 13
// instructions a byte, so the chain and the instruction count both hold
// it near 3 cycles a byte: BenchmarkAppendWords on the prose bench file
// went from 455-505 to 690-775 MB/s (alternated, best of 5, 2.3 GHz).
//
// A plain loop, with a branch at each word's end, mispredicted on real
// text (a word every six bytes or so). Here each byte stores the hash so
// far at the next word's slot, which only counts when a word ends there,
// and advances the slot by a flag, with no branch. Only non-ASCII bytes
// branch, and they are rare. asciiWords runs each stretch of ASCII bytes,
// in a function of its own so that the compiler keeps its state in
// registers (in the big loop it kept the hash on the stack), eight bytes
// in a row from byte tables, with no test or conditional move per byte;
// appendWords steps the other runes between its calls. (Unrolled, the
// loop was 1.2-1.4x faster than byte by byte; stepping over the eight
// bytes by reslicing instead of an index was no faster.)
func (k *Sketcher) appendWords(text []byte) {
	// A word takes a byte and a separator, or the text's end: a stretch of
	// b bytes ends at most b/2+1 words. The slots are made a stretch at a
	// time, so that a huge row (100 MB on one line) does not reserve room
	// for three times the words it has, held by the Sketcher row after row.
	const stretch = 64 << 10
	in := 0
	h := uint64(hashStart)
	for i := 0; i < len(text); {
		end := min(len(text), i+stretch)
		// A rune read at the stretch's end may run 3 bytes past it.
		k.words = slices.Grow(k.words, (end-i+3)/2+2)
		d := k.words[len(k.words):cap(k.words)]
		n := 0
		for i < end {
			ascii := i + asciiLen(text[i:end])
			n, in, h = asciiWords(&asciiSteps, text[i:ascii], d, n, in, h)
			if i = ascii; i == end {
				break
			}
			i, n, in, h = mixedWords(&asciiSteps, text, i, end, d, n, in, h)
		}
		k.words = k.words[:len(k.words)+n]
	}
	if in != 0 {
		k.words = append(k.words, h)
	}
}

// mixedWords is appendWords' loop over text whose runes are not all
// ASCII, from text[i], a rune that is not, to end or to the start of
// eight ASCII bytes in a row, for asciiWords. Words in most scripts but
// Latin are separated by ASCII spaces and punctuation: going back to
// asciiWords for each of them cost more than the runes (Russian text ran
// at a quarter of English's speed). It returns the index it stopped at
// and the state there.
func mixedWords(t *byteSteps, text []byte, i, end int, d []uint64, n, in int, h uint64) (int, int, int, uint64) {
	for i < end {
		c := text[i]
		if c < utf8.RuneSelf {
			if i+8 <= end && binary.LittleEndian.Uint64(text[i:])&0x8080808080808080 == 0 {
				break
			}
			n, in, h = t.step(c, d, n, in, h)
			i++
			continue
		}
		var v uint64
		if c >= 0xC2 && c < 0xE0 && i+1 < len(text) && text[i+1]&0xC0 == 0x80 {
			// A two-byte sequence, decoded here, as are most three-byte
			// ones: utf8.DecodeRune takes a call for every rune above
			// U+007F.
			v = twoByteValues[rune(c&0x1F)<<6|rune(text[i+1]&0x3F)]
			i += 2
		} else if c >= 0xE0 && c < 0xF0 && i+2 < len(text) && text[i+1]&0xC0 == 0x80 && text[i+2]&0xC0 == 0x80 &&
			(c != 0xE0 || text[i+1] >= 0xA0) && (c != 0xED || text[i+1] < 0xA0) {
			// A three-byte sequence (E0 then 80-9F would be an overlong
			// form, ED then A0-BF a surrogate): Devanagari, punctuation,
			// CJK, Japanese kana, Korean.
			r := rune(c&0x0F)<<12 | rune(text[i+1]&0x3F)<<6 | rune(text[i+2]&0x3F)
			var ok bool
			if v, ok = knownRuneValue(r); !ok {
				v = unknownRuneValue(r)
			}
			i += 3
		} else {
			r, size := utf8.DecodeRune(text[i:])
			v = wordRuneValue(r)
			i += size
		}
		if v != 0 {
			n, in, h = step(d, n, in, h, ^uint64(0), v, 1, 0)
		} else {
			n, in, h = step(d, n, in, h, 0, hashStart, 0, 1)
		}
	}
	return i, n, in, h
}

// asciiWords is appendWords' loop over ASCII text: d[n] is the next
// word's slot, in is 1 inside a word, h the hash so far, and t the steps'
// table (a parameter, so that its address stays in a register). It
// returns the state at text's end. It steps eight bytes in a row, with
// one bounds check for the eight.
func asciiWords(t *byteSteps, text []byte, d []uint64, n, in int, h uint64) (int, int, uint64) {
	i := 0
	for ; i+8 <= len(text); i += 8 {
		b := text[i : i+8 : i+8]
		n, in, h = t.step(b[0], d, n, in, h)
		n, in, h = t.step(b[1], d, n, in, h)
		n, in, h = t.step(b[2], d, n, in, h)
		n, in, h = t.step(b[3], d, n, in, h)
		n, in, h = t.step(b[4], d, n, in, h)
		n, in, h = t.step(b[5], d, n, in, h)
		n, in, h = t.step(b[6], d, n, in, h)
		n, in, h = t.step(b[7], d, n, in, h)
	}
	for _, c := range text[i:] {
		n, in, h = t.step(c, d, n, in, h)
	}
	return n, in, h
}

// asciiLen returns the length of text's leading run of ASCII bytes.
func asciiLen(text []byte) int {
	i := 0
	for ; i+8 <= len(text); i += 8 {
		if binary.LittleEndian.Uint64(text[i:])&0x8080808080808080 != 0 {
			break
		}
	}
	for i < len(text) && text[i] < utf8.RuneSelf {
		i++
	}
	return i
}

// step is one rune's step: it stores h at the next word's slot d[n],
// moves to the slot after when a word ended before the rune (in is 1 and
// the rune separates, sep is 1), and steps the hash as
// rol(h, 1)&keep ^ value: for a word rune keep is all ones and value its
// runeValue; for a separator keep is 0 and value hashStart, a restart.
// It returns the new n, in (word, 1 for a word rune) and h.
func step(d []uint64, n, in int, h, keep, value uint64, word, sep int) (int, int, uint64) {
	d[n] = h
	n += in & sep
	return n, word, bits.RotateLeft64(h, 1)&keep ^ value
}

// hashStart is a word's hash before its first rune; it has one set bit,
// an odd number.
const hashStart = 1

// runeValue is the value a word rune, lower-cased, steps the hash with:
// mix(r), its lowest bit flipped if need be to make the number of set
// bits even.
func runeValue(r rune) uint64 {
	x := mix(uint64(r))
	return x ^ uint64(bits.OnesCount64(x)&1)
}

// wordRuneValue returns the runeValue of r lower-cased when r belongs to
// a word (a letter or a digit), and 0 when it separates words.
// unicode.IsLetter and ToLower search tables of ranges for every rune
// above U+00FF, which cost more than the rest of a rune's step: the values
// of the runes below U+0800 are in a table, and those of the others below
// U+10000 in blocks of 256, each computed the first time one of its runes
// is met. A text's runes come from a few blocks of its script.
func wordRuneValue(r rune) uint64 {
	if v, ok := knownRuneValue(r); ok {
		return v
	}
	return unknownRuneValue(r)
}

// unknownRuneValue is wordRuneValue for the runes knownRuneValue does not
// answer.
func unknownRuneValue(r rune) uint64 {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF || r >= 0xAC00 && r <= 0xD7A3:
		// The CJK Unified Ideographs and the Hangul syllables, letters
		// without case all of them, span 126 blocks, more than the
		// caches hold: their values are computed.
		return runeValue(r)
	case r >= 0x10000:
		return computeRuneValue(r)
	}
	return fillRuneBlock(r >> 8)[r&0xFF]
}

// knownRuneValue is wordRuneValue for the runes whose value is in
// twoByteValues or a block already computed, small enough to be inlined
// in mixedWords' loop; ok is false for the others.
func knownRuneValue(r rune) (v uint64, ok bool) {
	if r < rune(len(twoByteValues)) {
		return twoByteValues[r], true
	}
	if r < 0x10000 {
		if b := runeBlocks[r>>8].Load(); b != nil {
			return b[r&0xFF], true
		}
	}
	return 0, false
}

// twoByteValues is wordRuneValue for the runes of one or two bytes in
// UTF-8 (Latin, Greek, Cyrillic, Hebrew, Arabic), which every text may
// hold: a table from the start, faster to read than a block.
var twoByteValues = func() (t [0x800]uint64) {
	for r := range rune(len(t)) {
		t[r] = computeRuneValue(r)
	}
	return t
}()

// runeBlocks holds wordRuneValue's blocks, nil until first needed; the
// workers that check rows in parallel share them.
var runeBlocks [0x10000 >> 8]atomic.Pointer[[256]uint64]

// fillRuneBlock computes block n of runeBlocks and returns it, or the one
// another goroutine stored first.
func fillRuneBlock(n rune) *[256]uint64 {
	b := new([256]uint64)
	for i := range rune(len(b)) {
		b[i] = computeRuneValue(n<<8 | i)
	}
	if runeBlocks[n].CompareAndSwap(nil, b) {
		return b
	}
	return runeBlocks[n].Load()
}

// computeRuneValue is wordRuneValue without the blocks. No runeValue is 0
// (TestWordRuneValue).
func computeRuneValue(r rune) uint64 {
	if unicode.IsLetter(r) || unicode.IsDigit(r) {
		return runeValue(unicode.ToLower(r))
	}
	return 0
}

// byteSteps holds step's arguments for each byte value, as four tables,
// so that the loads take a scaled index.
type byteSteps struct {
	keep, value [256]uint64
	word, sep   [256]uint8
}

func (t *byteSteps) step(c byte, d []uint64, n, in int, h uint64) (int, int, uint64) {
	return step(d, n, in, h, t.keep[c], t.value[c], int(t.word[c]), int(t.sep[c]))
}

// asciiSteps is step's arguments for the ASCII bytes: for a letter or a
// digit those of its lower-case form, for any other byte a separator's.
// (asciiWords never reads the entries from 0x80 up.)
var asciiSteps = func() (t byteSteps) {
	for c, w := range wordByte {
		if w != 0 {
			t.keep[c], t.value[c], t.word[c] = ^uint64(0), runeValue(rune(w)), 1
		} else {
			t.value[c], t.sep[c] = hashStart, 1
		}
	}
	return t
}()

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
