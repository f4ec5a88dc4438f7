package diagnostics

import (
	"github.com/ftls-dev/ftls/internal/dedup"
)

// SummaryArena holds the memory that row summaries point to, the MinHash
// signature and the answer's opening, in blocks shared by the rows one
// RowContext summarises: two allocations a row became one every few dozen
// rows. A block lives as long as any summary pointing into it, so the
// first blocks are small (a document edited one row at a time pins little)
// and they double up to a bound.
type SummaryArena struct {
	sigs []dedup.Signature
	text []byte
}

const (
	firstArenaSigs, maxArenaSigs = 2, 64       // up to 16 KB a block
	firstArenaText, maxArenaText = 64, 4 << 10 // bytes
)

// signature returns a copy of sig that the caller may keep. A nil arena
// allocates one.
func (a *SummaryArena) signature(sig *dedup.Signature) *dedup.Signature {
	if a == nil {
		s := *sig
		return &s
	}
	if len(a.sigs) == cap(a.sigs) {
		a.sigs = make([]dedup.Signature, 0, grownBlock(cap(a.sigs), firstArenaSigs, maxArenaSigs))
	}
	a.sigs = append(a.sigs, *sig)
	return &a.sigs[len(a.sigs)-1]
}

// bytes returns n bytes that the caller fills once and then keeps as a
// string (unsafe.String), never writing them again. A nil arena, or a
// large n, allocates them.
func (a *SummaryArena) bytes(n int) []byte {
	if a == nil || n > maxArenaText/8 {
		return make([]byte, n)
	}
	if cap(a.text)-len(a.text) < n {
		a.text = make([]byte, 0, max(n, grownBlock(cap(a.text), firstArenaText, maxArenaText)))
	}
	start := len(a.text)
	a.text = a.text[:start+n]
	return a.text[start : start+n : start+n]
}

// grownBlock is the size of the block after one of size last.
func grownBlock(last, first, most int) int {
	return min(max(2*last, first), most)
}
