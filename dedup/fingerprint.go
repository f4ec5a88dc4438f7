package dedup

import (
	"bytes"
	"hash/maphash"
)

// seed is fixed for the life of the process: fingerprints are compared
// within one run (a file, or a training and a validation file), never
// stored.
var seed = maphash.MakeSeed()

// HashText hashes text with whitespace normalised: runs of spaces, tabs and
// line breaks count as one space, and leading and trailing whitespace is
// ignored. Text that is already normal (the common case) is hashed as it
// is, without a copy.
func HashText(text []byte) uint64 {
	text = bytes.TrimSpace(text)
	if !needsNormalising(text) {
		return maphash.Bytes(seed, text)
	}
	var h maphash.Hash
	h.SetSeed(seed)
	space := false
	start := 0
	for i, c := range text {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if !space {
				h.Write(text[start:i])
				h.WriteByte(' ')
				space = true
			}
			start = i + 1
			continue
		}
		space = false
	}
	h.Write(text[start:])
	return h.Sum64()
}

// needsNormalising reports whether text has whitespace other than single
// spaces.
func needsNormalising(text []byte) bool {
	return bytes.IndexByte(text, '\n') >= 0 || bytes.IndexByte(text, '\t') >= 0 ||
		bytes.IndexByte(text, '\r') >= 0 || bytes.Contains(text, []byte("  "))
}

// Fingerprint combines the hashes of the fields of a conversation (roles,
// texts, tool definitions) into one, in order, for exact-duplicate
// detection: rows that differ only in spacing or in the order of their JSON
// keys get the same fingerprint.
type Fingerprint struct {
	h     uint64
	empty bool
}

// NewFingerprint starts a fingerprint.
func NewFingerprint() Fingerprint { return Fingerprint{h: prime1, empty: true} }

// Add adds one field, given as its text.
func (f *Fingerprint) Add(s []byte) { f.AddHash(HashText(s)) }

// AddHash adds one field, given as its HashText.
func (f *Fingerprint) AddHash(h uint64) {
	f.empty = false
	f.h = mix(f.h*prime2 ^ h)
}

// Sum returns the fingerprint, 0 when nothing was added.
func (f *Fingerprint) Sum() uint64 {
	if f.empty {
		return 0
	}
	return f.h | 1
}
