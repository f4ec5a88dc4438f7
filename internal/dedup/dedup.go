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
	"encoding/binary"
	"math/bits"
	"unsafe"
)

// Bins is the number of MinHash values in a signature. With 128 bins the
// similarity estimate has a standard error of about 0.03 around 0.85.
const Bins = 128

// Signature is a row's MinHash sketch. Values are truncated to 16 bits,
// which halves memory at a negligible cost in accuracy (two unequal bins
// agree by chance once in 65,536).
type Signature [Bins]uint16

// Similarity estimates the Jaccard similarity of the shingle sets behind
// two signatures: the share of their bins that agree.
//
// Four bins are compared at a time, as the 16-bit lanes of a word, and
// the differences of sixteen counted at once: on short, templated rows,
// which share many band buckets, comparing the candidates one bin at a
// time was a third of the check (BenchmarkSimilarity: 59 ns a pair, now
// 27).
func (s *Signature) Similarity(o *Signature) float64 {
	a, b := s.bytes(), o.bytes()
	differ := 0
	for i := 0; i < len(a); i += 32 {
		// The four words' flags, at four bits of each lane, in one count.
		m := differing(a[i:], b[i:])>>3 | differing(a[i+8:], b[i+8:])>>2 |
			differing(a[i+16:], b[i+16:])>>1 | differing(a[i+24:], b[i+24:])
		differ += bits.OnesCount64(m)
	}
	return float64(Bins-differ) / Bins
}

// differing compares the four bins at the start of a and b and returns the
// top bit of each 16-bit lane whose bins differ. A lane is zero when its
// two bytes are, in either byte order.
func differing(a, b []byte) uint64 {
	const low15, high = 0x7fff7fff7fff7fff, 0x8000800080008000
	x := binary.LittleEndian.Uint64(a) ^ binary.LittleEndian.Uint64(b)
	// Its low 15 bits carry into the top bit of a lane, or it is set.
	return (x&low15 + low15 | x) & high
}

// bytes returns the signature's memory.
func (s *Signature) bytes() *[2 * Bins]byte { return (*[2 * Bins]byte)(unsafe.Pointer(s)) }

// Sketcher builds signatures; it keeps scratch space between rows and is
// not safe for concurrent use.
type Sketcher struct {
	// words holds the hashes of the words added since the last Reset,
	// never 0, and a 0 after each Add's words; breaks counts those 0s,
	// so that Words needs no pass over the words.
	words  []uint64
	breaks int
	// maxes holds each bin's minimum hash complemented (^h), as the
	// maximum of the complements: an empty bin is 0, so the zero Sketcher
	// is ready, and Sum clears each bin as it reads it instead of
	// resetting all 128 before the next row.
	maxes [Bins]uint64
}

const (
	prime1 = 0x9E3779B97F4A7C15
	prime2 = 0xC2B2AE3D27D4EB4F
	prime3 = 0x165667B19E3779F9
)

// Add feeds one piece of text (a message) into the sketch being built.
// Words do not run across pieces.
func (k *Sketcher) Add(text []byte) {
	k.appendWords(text)
	k.words = append(k.words, 0) // a break between messages
	k.breaks++
}

// Words returns the number of words added since the last Reset.
func (k *Sketcher) Words() int { return len(k.words) - k.breaks }

// Reset starts a new sketch.
func (k *Sketcher) Reset() { k.words, k.breaks = k.words[:0], 0 }

// Sum returns the signature of the text added since the last Reset, and
// false when the text has no words.
func (k *Sketcher) Sum() (Signature, bool) {
	var sig Signature
	words := k.words
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
	densify(&k.maxes, &sig)
	return sig, true
}

func (k *Sketcher) emit(h uint64) {
	h = mix(h)
	bin := h >> (64 - 7) // the top 7 bits choose one of 128 bins
	// Without a branch: early in a row most values are new minimums, and a
	// mispredicted branch cost more than the store.
	k.maxes[bin] = max(k.maxes[bin], ^h)
}

// densify writes the bins' minimums, truncated to 16 bits, to sig, and
// clears the bins for the next row. Each empty bin takes the value of the
// next filled bin to its right, salted with the distance and mixed, so
// that two similar sets fill them the same way; a bin with no filled bin
// to its right takes bin 0's value (itself filled from the right when
// empty), as if the bins were a ring.
//
// One pass from the right carries the nearest filled bin, and every bin
// computes its fill value whether it needs it or not, kept or dropped by
// a conditional move: on short rows most bins are empty in no
// predictable order, and a branch per bin mispredicted more often than
// not, which cost more than the 128 mixes.
func densify(maxes *[Bins]uint64, sig *Signature) {
	f := 0 // the first filled bin; there is one
	for maxes[f] == 0 {
		f++
	}
	// The ring's wrap: past the last filled bin, bins fill from bin 0's
	// value, at index Bins.
	next, at := ^maxes[f], Bins
	if f > 0 {
		next = mix(next + uint64(f)*prime3)
	}
	for i := Bins - 1; i >= 0; i-- {
		m := maxes[i]
		maxes[i] = 0
		v := mix(next + uint64(at-i)*prime3)
		// next is taken from ^m, not from v: a selection reads both its
		// inputs, and through v each bin's mix would wait for the last.
		if m != 0 {
			v, next, at = ^m, ^m, i
		}
		sig[i] = uint16(v)
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
