package dedup

import (
	"unicode"
	"unicode/utf8"
)

// appendWords appends to k.words the hashes (FNV-1a) of text's words:
// runs of letters and digits, case-folded. Everything else separates
// words. (A version finding the words' bounds eight bytes at a time was no
// faster: the hash is serial, one multiply per byte, either way.)
func (k *Sketcher) appendWords(text []byte) {
	const offset, prime = 14695981039346656037, 1099511628211
	dst := k.words
	h := uint64(offset)
	inWord := false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			if w := wordByte[c]; w != 0 {
				h = (h ^ uint64(w)) * prime
				inWord = true
				continue
			}
		} else {
			r, size := utf8.DecodeRune(text[i:])
			i += size
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				h = (h ^ uint64(unicode.ToLower(r))) * prime
				inWord = true
				continue
			}
		}
		if inWord {
			dst = append(dst, h|1) // never 0, which marks a break
			h, inWord = offset, false
		}
	}
	if inWord {
		dst = append(dst, h|1)
	}
	k.words = dst
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
