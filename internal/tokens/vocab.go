package tokens

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"

	"github.com/ftls-dev/ftls/internal/prefault"
)

// The vocabularies are OpenAI's published BPE rank files, stored compactly
// (see gen_vocab.go for the format and how to regenerate them). They are
// embedded as strings so the token bytes are used in place, from the
// binary's read-only data, without copying.
var (
	//go:embed vocab_o200k_base.bin
	o200kBaseData string
	//go:embed vocab_cl100k_base.bin
	cl100kBaseData string
)

const vocabMagic = "FTLSBPE1"

// vocab maps token bytes to ranks with an open-addressing hash table
// (linear probing, load factor <= 0.4) of 4-byte slots: a token's rank
// plus one in the low bits and the top bits of its hash above, so that a
// lookup compares token bytes (in blob) only when those bits agree, which
// a miss does once in thousands of probes. Two-byte keys, the most
// frequent in BPE, are looked up in a direct table. It is read-only after
// construction and safe for concurrent use.
//
// The slots were 16 bytes, with each token's first 8 bytes and length, so
// that a hit read no token bytes: 9.6 MB for o200k_base, the largest part
// of the language server's memory after the documents' (it loads the
// table for hovers). At 4 bytes the table takes 2 MiB, small enough to
// stay in the processor's cache, and counting is no slower.
type vocab struct {
	blob     string   // token bytes concatenated in rank order
	off      []uint32 // token of rank r is blob[off[r]:off[r+1]]
	slots    []uint32 // tag | rank+1; 0 when empty
	mask     uint64
	rankBits uint     // the low bits of a slot, which hold rank+1
	pairs    []uint32 // rank of two-byte token b0<<8|b1, or noRank
	max      int      // length of the longest token
}

func parseVocab(data string) (*vocab, error) {
	if len(data) < len(vocabMagic) || data[:len(vocabMagic)] != vocabMagic {
		return nil, errors.New("tokens: corrupt embedded vocabulary (bad magic)")
	}
	p := data[len(vocabMagic):]
	readUvarint := func() (uint64, error) {
		// binary.Uvarint wants a []byte; decode by hand to avoid copying.
		var x uint64
		var s uint
		for i := 0; i < len(p) && i < binary.MaxVarintLen64; i++ {
			b := p[i]
			if b < 0x80 {
				p = p[i+1:]
				return x | uint64(b)<<s, nil
			}
			x |= uint64(b&0x7f) << s
			s += 7
		}
		return 0, errors.New("tokens: corrupt embedded vocabulary (bad varint)")
	}
	n, err := readUvarint()
	if err != nil {
		return nil, err
	}
	if n == 0 || n >= 1<<31 {
		return nil, fmt.Errorf("tokens: corrupt embedded vocabulary (%d tokens)", n)
	}
	v := &vocab{off: make([]uint32, n+1)}
	var total uint64
	for r := range n {
		l, err := readUvarint()
		if err != nil {
			return nil, err
		}
		if l > 255 {
			return nil, fmt.Errorf("tokens: corrupt embedded vocabulary (token of %d bytes)", l)
		}
		v.off[r] = uint32(total)
		total += l
	}
	v.off[n] = uint32(total)
	if total != uint64(len(p)) {
		return nil, fmt.Errorf("tokens: corrupt embedded vocabulary (%d token bytes, %d present)", total, len(p))
	}
	v.blob = p

	size := uint64(1) << bits.Len64(n*5/2)
	v.slots = prefault.Make[uint32](int(size)) // probed before it is filled
	v.mask = size - 1
	v.rankBits = uint(bits.Len64(n)) // rank+1 <= n
	v.pairs = make([]uint32, 1<<16)
	for i := range v.pairs {
		v.pairs[i] = noRank
	}
	for r := range uint32(n) {
		tok := v.token(r)
		if tok == "" {
			continue // unused rank
		}
		v.max = max(v.max, len(tok))
		if len(tok) == 2 {
			v.pairs[uint16(tok[0])<<8|uint16(tok[1])] = r
		}
		h := hashString(tok)
		for i := h & v.mask; ; i = (i + 1) & v.mask {
			if v.slots[i] == 0 {
				v.slots[i] = v.tag(h) | (r + 1)
				break
			}
		}
	}
	return v, nil
}

func (v *vocab) token(r uint32) string {
	return v.blob[v.off[r]:v.off[r+1]]
}

// rank returns the rank of the token whose bytes are s.
func (v *vocab) rank(s string) (uint32, bool) {
	if len(s) > v.max {
		return 0, false
	}
	if len(s) == 2 {
		r := v.pairs[uint16(s[0])<<8|uint16(s[1])]
		return r, r != noRank
	}
	h := hashString(s)
	t, rankMask := v.tag(h), uint32(1)<<v.rankBits-1
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		e := v.slots[i]
		if e == 0 {
			return 0, false
		}
		if e&^rankMask == t {
			if r := e&rankMask - 1; v.token(r) == s {
				return r, true
			}
		}
	}
}

// tag returns the bits of a slot above the rank's, taken from the top of
// hash h: the slot is picked by its low bits.
func (v *vocab) tag(h uint64) uint32 {
	return uint32(h>>32) &^ (uint32(1)<<v.rankBits - 1)
}

// numTokens is the number of ranks in the vocabulary.
func (v *vocab) numTokens() int { return len(v.off) - 1 }

// load8 returns the first 8 bytes of s, little-endian, zero-padded.
func load8(s string) uint64 {
	switch n := len(s); {
	case n >= 8:
		_ = s[7]
		return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	case n >= 4:
		// Two overlapping 4-byte loads; the overlap ORs equal bytes.
		return uint64(load4(s)) | uint64(load4(s[n-4:]))<<((n-4)*8)
	case n > 0:
		return uint64(s[0]) | uint64(s[n/2])<<(n/2*8) | uint64(s[n-1])<<((n-1)*8)
	}
	return 0
}

func load4(s string) uint32 {
	_ = s[3]
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// mix64 is the splitmix64 finalizer.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hashString hashes a token-sized string. It needs no seed: the table is
// fixed, and a query cannot lengthen probe sequences beyond the table's own.
func hashString(s string) uint64 {
	h := mix64(load8(s) ^ uint64(len(s))*0x9e3779b97f4a7c15)
	for s = s[min(len(s), 8):]; len(s) > 0; s = s[min(len(s), 8):] {
		h = mix64(h ^ load8(s))
	}
	return h
}
