package dedup

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
	"slices"
	"sync"

	"github.com/ftls-dev/ftls/internal/bytescan"
)

// seed is fixed for the life of the process: fingerprints are compared
// within one run (a file, or a training and a validation file), never
// stored.
var seed = maphash.MakeSeed()

// HashText hashes text with whitespace normalised: runs of spaces, tabs and
// line breaks count as one space, and leading and trailing whitespace is
// ignored. Text that is already normal is hashed as it is; otherwise the
// normal form is built in a buffer, run by run, and hashed in one call
// (writing it to a maphash.Hash piece by piece cost twice as much).
func HashText(text []byte) uint64 {
	text = bytes.TrimSpace(text)
	i := irregular(text, 0)
	if i < 0 {
		return maphash.Bytes(seed, text)
	}
	var stack [2048]byte
	if len(text) <= len(stack) {
		return maphash.Bytes(seed, appendNormal(stack[:0], text, i))
	}
	p := normalBufs.Get().(*[]byte)
	buf := appendNormal(slices.Grow((*p)[:0], len(text)), text, i)
	h := maphash.Bytes(seed, buf)
	if cap(buf) <= maxPooled {
		*p = buf
		normalBufs.Put(p)
	}
	return h
}

// normalBufs holds HashText's buffers for normal forms too long for its
// stack buffer: a new one for every such text added up to 306 MB of
// garbage over a check of a million chat rows. Buffers over maxPooled are
// left to the collector, so that one huge row does not stay held.
var normalBufs = sync.Pool{New: func() any { return new([]byte) }}

const maxPooled = 1 << 20

// AppendNormal appends text with whitespace normalised as HashText sees
// it: trimmed, each run of spaces, tabs and line breaks one space.
func AppendNormal(dst, text []byte) []byte {
	text = bytes.TrimSpace(text)
	return appendNormal(dst, text, irregular(text, 0))
}

// appendNormal appends trimmed text normalised, given the index i of its
// first irregular byte (-1 for none).
func appendNormal(buf, text []byte, i int) []byte {
	start := 0
	for i >= 0 {
		buf = append(buf, text[start:i]...)
		if c := text[i]; c != ' ' && !isBreak(c) {
			// A control character other than a tab or line break is kept.
			buf = append(buf, c)
			start = i + 1
		} else {
			// A run of whitespace becomes one space; the text is trimmed, so
			// the run ends before the end.
			for i < len(text) && (text[i] == ' ' || isBreak(text[i])) {
				i++
			}
			if buf[len(buf)-1] != ' ' {
				buf = append(buf, ' ')
			}
			start = i
		}
		i = irregular(text, start)
	}
	return append(buf, text[start:]...)
}

// ContentKey identifies text, whitespace normalised, with a key that is
// the same in every process and on every machine: unlike HashText's, it
// may be stored (the embedding cache is keyed by it). It is the first 8
// bytes of the SHA-256 of the normal form, never 0.
func ContentKey(text []byte) uint64 {
	var stack [2048]byte
	sum := sha256.Sum256(AppendNormal(stack[:0], text))
	return binary.BigEndian.Uint64(sum[:8]) | 1
}

func isBreak(c byte) bool { return c == '\t' || c == '\n' || c == '\r' }

// irregular returns the index of the first byte at or after from that
// normalising may change: a control character (tabs and line breaks among
// them) or a space followed by another space. It returns -1 when there is
// none. It looks at eight bytes at a time, after bytescan.Irregular has
// looked at 32 at a time where it runs AVX2: in prose most words have no
// such byte.
func irregular(text []byte, from int) int {
	const (
		lsb = 0x0101010101010101
		msb = 0x8080808080808080
		low = 0x7F7F7F7F7F7F7F7F
	)
	i := from
	if bytescan.Fast && len(text)-i >= 64 {
		i += bytescan.Irregular(text[i:])
	}
	for ; i+9 <= len(text); i += 8 {
		x := binary.LittleEndian.Uint64(text[i:])
		// Bytes below 0x20: a borrow can flag a byte above a true one, never
		// below, so the lowest flagged byte is always one.
		ctl := (x - lsb*0x20) &^ x & msb
		// Spaces, exactly: t has a zero byte where x has a space.
		t := x ^ lsb*' '
		sp := ^((t&low + low) | t) & msb
		// A space whose next byte is a space too; the ninth byte (the next
		// word's first) is read for the last one.
		next := sp >> 8
		if text[i+8] == ' ' {
			next |= 1 << 63
		}
		if m := ctl | sp&next; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for ; i < len(text); i++ {
		if c := text[i]; c < 0x20 || c == ' ' && i+1 < len(text) && text[i+1] == ' ' {
			return i
		}
	}
	return -1
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
