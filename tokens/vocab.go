package tokens

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"math/bits"
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

// vocab maps token bytes to ranks with an open-addressing hash table. Each
// slot holds the upper 32 bits of the key's hash (a tag that rejects most
// mismatches without touching the token bytes) and rank+1; 0 marks an empty
// slot. It is read-only after construction and safe for concurrent use.
type vocab struct {
	blob  string   // token bytes concatenated in rank order
	off   []uint32 // token of rank r is blob[off[r]:off[r+1]]
	slots []uint64
	mask  uint64
	seed  maphash.Seed
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
	if n == 0 || n > 1<<24 {
		return nil, fmt.Errorf("tokens: corrupt embedded vocabulary (%d tokens)", n)
	}
	v := &vocab{off: make([]uint32, n+1)}
	var total uint64
	for r := range n {
		l, err := readUvarint()
		if err != nil {
			return nil, err
		}
		v.off[r] = uint32(total)
		total += l
	}
	v.off[n] = uint32(total)
	if total != uint64(len(p)) {
		return nil, fmt.Errorf("tokens: corrupt embedded vocabulary (%d token bytes, %d present)", total, len(p))
	}
	v.blob = p

	size := uint64(1) << bits.Len64(n*5/2) // load factor <= 0.4
	v.slots = make([]uint64, size)
	v.mask = size - 1
	v.seed = maphash.MakeSeed()
	for r := range uint32(n) {
		tok := v.token(r)
		if tok == "" {
			continue // unused rank
		}
		h := maphash.String(v.seed, tok)
		for i := h & v.mask; ; i = (i + 1) & v.mask {
			if v.slots[i] == 0 {
				v.slots[i] = h&^0xffffffff | uint64(r+1)
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
	h := maphash.String(v.seed, s)
	tag := h &^ 0xffffffff
	for i := h & v.mask; ; i = (i + 1) & v.mask {
		e := v.slots[i]
		if e == 0 {
			return 0, false
		}
		if e&^0xffffffff == tag {
			r := uint32(e) - 1
			if v.blob[v.off[r]:v.off[r+1]] == s {
				return r, true
			}
		}
	}
}

// numTokens is the number of ranks in the vocabulary.
func (v *vocab) numTokens() int { return len(v.off) - 1 }
