package dedup

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

const fnvOffset, fnvPrime = 14695981039346656037, 1099511628211

// appendWords appends to k.words the hashes (FNV-1a) of text's words:
// runs of letters and digits, case-folded. Everything else separates
// words.
//
// A plain loop, with a branch at each word's end, mispredicted on real
// text (a word every six bytes or so). Here each byte stores the hash so
// far at the next word's slot, which only counts when a word ends there,
// and the hash restarts with a conditional move: 1.2-1.4x faster on the
// prose bench file's texts. Only non-ASCII bytes branch, and they are
// rare. (Finding the words' bounds eight bytes at a time was no faster:
// the hash is serial, one multiply per byte, either way; nor was hashing
// two halves of the text in one loop, for two independent multiply
// chains, since the compiler spills the doubled state to the stack.)
func (k *Sketcher) appendWords(text []byte) {
	// A word takes a byte and a separator, or the text's end: a stretch of
	// b bytes ends at most b/2+1 words. The slots are made a stretch at a
	// time, so that a huge row (100 MB on one line) does not reserve room
	// for three times the words it has, held by the Sketcher row after row.
	const stretch = 64 << 10
	in := 0
	h := uint64(fnvOffset)
	for i := 0; i < len(text); {
		end := min(len(text), i+stretch)
		// A rune read at the stretch's end may run 3 bytes past it.
		k.words = slices.Grow(k.words, (end-i+3)/2+2)
		d := k.words[len(k.words):cap(k.words)]
		n := 0
		for i < end {
			var w uint64 // the byte or rune, lower-cased; 0 for a separator
			if c := text[i]; c < utf8.RuneSelf {
				w = uint64(wordByte256[c])
				i++
			} else {
				r, size := utf8.DecodeRune(text[i:])
				i += size
				if unicode.IsLetter(r) || unicode.IsDigit(r) {
					w = uint64(unicode.ToLower(r))
				}
			}
			d[n] = h | 1 // never 0, which marks a break
			n += in &^ isWord(w)
			in = isWord(w)
			h = fnvStep(h, w)
		}
		k.words = k.words[:len(k.words)+n]
	}
	if in != 0 {
		k.words = append(k.words, h|1)
	}
}

// isWord is 1 for a word byte's wordByte value, 0 for a separator's.
func isWord(w uint64) int {
	if w != 0 {
		return 1
	}
	return 0
}

// fnvStep hashes word byte w into h, or restarts the hash at a separator
// (w == 0), without a branch.
func fnvStep(h, w uint64) uint64 {
	n := (h ^ w) * fnvPrime
	if w == 0 {
		n = fnvOffset
	}
	return n
}

// wordByte256 is wordByte over every byte value, so that indexing it with
// a byte needs no bounds check.
var wordByte256 = func() (t [256]byte) {
	copy(t[:], wordByte[:])
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
