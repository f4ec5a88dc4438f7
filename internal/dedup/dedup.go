// Package dedup finds exact and near-duplicate examples.
//
// Exact duplicates are rows whose conversations are equal once whitespace
// is normalised; Fingerprint hashes a conversation that way. Near
// duplicates are found with MinHash over word 3-grams (shingles) and
// locality-sensitive hashing: each row gets a short Signature whose
// agreement with another row's estimates the Jaccard similarity of their
// shingle sets, and rows are only compared when one band of their
// signatures matches, so the cost grows linearly with the number of rows.
//
// Signatures use one-permutation hashing (one hash per shingle, binned by
// its top bits, empty bins filled from their neighbours) rather than 128
// independent hash functions: the same accuracy for a fraction of the work.
package dedup

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// Bins is the number of MinHash values in a signature. With 128 bins the
// similarity estimate has a standard error of about 0.03 around 0.85.
const Bins = 128

// Signature is a row's MinHash sketch. Values are truncated to 16 bits,
// which halves memory at a negligible cost in accuracy (two unequal bins
// agree by chance once in 65,536).
type Signature [Bins]uint16

// Similarity estimates the Jaccard similarity of the shingle sets behind
// two signatures.
func (s *Signature) Similarity(o *Signature) float64 {
	same := 0
	for i := range s {
		if s[i] == o[i] {
			same++
		}
	}
	return float64(same) / Bins
}

// Sketcher builds signatures; it keeps scratch space between rows and is
// not safe for concurrent use.
type Sketcher struct {
	words []uint64
	mins  [Bins]uint64
}

const (
	prime1 = 0x9E3779B97F4A7C15
	prime2 = 0xC2B2AE3D27D4EB4F
	prime3 = 0x165667B19E3779F9
)

// Add feeds one piece of text (a message) into the sketch being built.
// Words do not run across pieces.
func (k *Sketcher) Add(text []byte) {
	k.words = appendWords(k.words, text)
	k.words = append(k.words, 0) // a break between messages
}

// Words returns the number of words added since the last Reset.
func (k *Sketcher) Words() int {
	n := 0
	for _, w := range k.words {
		if w != 0 {
			n++
		}
	}
	return n
}

// Reset starts a new sketch.
func (k *Sketcher) Reset() { k.words = k.words[:0] }

// Sum returns the signature of the text added since the last Reset, and
// false when the text has no words.
func (k *Sketcher) Sum() (Signature, bool) {
	var sig Signature
	words := k.words
	for i := range k.mins {
		k.mins[i] = ^uint64(0)
	}
	n := 0
	for i := 0; i+2 < len(words); i++ {
		a, b, c := words[i], words[i+1], words[i+2]
		if a == 0 || b == 0 || c == 0 {
			continue
		}
		k.emit(a*prime1 ^ bits.RotateLeft64(b, 21)*prime2 ^ bits.RotateLeft64(c, 42)*prime3)
		n++
	}
	if n == 0 {
		// Fewer than three words in every message: use the words alone.
		for _, w := range words {
			if w != 0 {
				k.emit(w)
				n++
			}
		}
	}
	if n == 0 {
		return sig, false
	}
	densify(&k.mins)
	for i, m := range k.mins {
		sig[i] = uint16(m)
	}
	return sig, true
}

func (k *Sketcher) emit(h uint64) {
	h = mix(h)
	bin := h >> (64 - 7) // the top 7 bits choose one of 128 bins
	if h < k.mins[bin] {
		k.mins[bin] = h
	}
}

// densify fills empty bins from the next filled bin to the right, salted
// with the distance, so that two similar sets fill them the same way.
func densify(mins *[Bins]uint64) {
	for i := range mins {
		if mins[i] != ^uint64(0) {
			continue
		}
		for d := 1; d < Bins; d++ {
			if v := mins[(i+d)%Bins]; v != ^uint64(0) {
				mins[i] = mix(v + uint64(d)*prime3)
				break
			}
		}
	}
}

// mix is the finaliser of SplitMix64: it spreads every input bit over the
// whole output, so bins and values are independent.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	return x ^ x>>31
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

// appendWords appends the hashes of text's words: runs of letters and
// digits, case-folded. Everything else separates words.
func appendWords(dst []uint64, text []byte) []uint64 {
	const offset, prime = 14695981039346656037, 1099511628211 // FNV-1a
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
	return dst
}
