package dedup

import (
	"math/rand/v2"
	"testing"
)

// TestRowTableMatchesMap runs random puts and deletes on a table and on a
// map side by side. The keys share their low bits in small groups, so
// that probes run long, wrap around the end of the table and meet equal
// 32-bit tags whose full keys differ; the table starts small and grows.
func TestRowTableMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 9))
	var keys []uint64
	for range 400 {
		hi := r.Uint64() &^ 0xffffffff
		lo := uint64(r.IntN(24)) | 0xfff0 // few homes, near the end of the table
		keys = append(keys, hi|lo)
		if r.IntN(4) == 0 {
			keys = append(keys, (hi^1<<40)|lo) // same tag, another key
		}
	}
	// Each row has one key, as each row of a band has one band key.
	keyOfRow := make([]uint64, 0, 4096)
	keyOf := func(row int32) uint64 { return keyOfRow[row] }
	tab := newRowTable(4)
	want := map[uint64]int32{}
	for step := range 20000 {
		k := keys[r.IntN(len(keys))]
		if r.IntN(3) == 0 {
			tab.del(k, keyOf)
			delete(want, k)
		} else {
			row := int32(len(keyOfRow))
			keyOfRow = append(keyOfRow, k)
			prev, ok := tab.swap(k, row, keyOf)
			if w, wok := want[k]; ok != wok || (ok && prev != w) {
				t.Fatalf("step %d, key %#x: swap returned (%d, %v), the map held (%d, %v)", step, k, prev, ok, w, wok)
			}
			want[k] = row
		}
		if tab.n != len(want) {
			t.Fatalf("step %d: %d keys in the table, %d in the map", step, tab.n, len(want))
		}
		if step%97 != 0 {
			continue
		}
		for _, k := range keys {
			got, ok := tab.get(k, keyOf)
			w, wok := want[k]
			if ok != wok || (ok && got != w) {
				t.Fatalf("step %d, key %#x: table (%d, %v), map (%d, %v)", step, k, got, ok, w, wok)
			}
		}
	}
	if len(tab.slots) <= 8 {
		t.Fatalf("the table never grew (%d slots)", len(tab.slots))
	}
}
