package diagnostics

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/ftls-dev/ftls/internal/dedup"
)

// Signatures and strings from an arena are copies that stay as they were
// given while the arena hands out more, in blocks that grow to their bound.
func TestSummaryArenaKeepsCopies(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	var a SummaryArena
	var sigs []*dedup.Signature
	var want []dedup.Signature
	var strs, wantStrs []string
	for i := range 1000 {
		var s dedup.Signature
		for k := range s {
			s[k] = uint16(rnd.Uint32())
		}
		p := a.signature(&s)
		if p == &s {
			t.Fatal("signature returned its argument, not a copy")
		}
		s[0]++ // the caller's value changes; the copy must not
		sigs, want = append(sigs, p), append(want, *p)
		b := make([]byte, rnd.IntN(maxArenaText/4))
		for k := range b {
			b[k] = byte('a' + rnd.IntN(26))
		}
		kept := a.bytes(len(b))
		copy(kept, b)
		strs, wantStrs = append(strs, unsafe.String(unsafe.SliceData(kept), len(kept))), append(wantStrs, string(b))
		clear(b)
		if i == 999 && (cap(a.sigs) != maxArenaSigs || cap(a.text) != maxArenaText) {
			t.Errorf("blocks of %d signatures and %d bytes, want %d and %d", cap(a.sigs), cap(a.text), maxArenaSigs, maxArenaText)
		}
	}
	for i := range sigs {
		if *sigs[i] != want[i] || strs[i] != wantStrs[i] {
			t.Fatalf("copy %d changed", i)
		}
	}
	var none *SummaryArena
	if b := none.bytes(3); len(b) != 3 {
		t.Errorf("nil arena: %d bytes, want 3", len(b))
	}
}
