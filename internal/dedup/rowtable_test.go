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

// NewIndex fills each band's table region by region (inTableOrder) once the
// table outgrows one region. Its buckets must be those of a plain map from
// band key to the rows holding it, in row order: the head of each bucket,
// each row's next, and the set of buckets with two rows or more. The
// signatures are random, every seventh a copy of an earlier one (buckets
// shared in every band) and every 97th missing.
func TestNewIndexMatchesMap(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{0, 1, 100, 7000, 30000} {
		sigs := make([]*Signature, n)
		for i := range sigs {
			switch {
			case i%97 == 5:
			case i > 0 && i%7 == 0:
				sigs[i] = sigs[r.IntN(i)]
			default:
				s := new(Signature)
				for k := range s {
					s[k] = uint16(r.IntN(4)) // few values: many shared bands
				}
				sigs[i] = s
			}
		}
		x := NewIndex(sigs)
		for b := range Bands {
			buckets := map[uint64][]int32{}
			for i, s := range sigs {
				if s != nil {
					k := bandKey(s, b)
					buckets[k] = append(buckets[k], int32(i))
				}
			}
			bi := &x.bands[b]
			if bi.head.n != len(buckets) {
				t.Fatalf("%d rows, band %d: %d buckets, want %d", n, b, bi.head.n, len(buckets))
			}
			for k, rows := range buckets {
				if first, ok := bi.head.get(k, bi.keyOf); !ok || first != rows[0] {
					t.Fatalf("%d rows, band %d: bucket %#x starts at %d (%v), want %d", n, b, k, first, ok, rows[0])
				}
				for j, row := range rows {
					want := int32(-1)
					if j+1 < len(rows) {
						want = rows[j+1]
					}
					if bi.next[row] != want {
						t.Fatalf("%d rows, band %d: next of %d is %d, want %d", n, b, row, bi.next[row], want)
					}
				}
				if _, multi := bi.multi[k]; multi != (len(rows) > 1) {
					t.Fatalf("%d rows, band %d: bucket %#x of %d rows marked multi %v", n, b, k, len(rows), multi)
				}
			}
			if len(bi.multi) > len(buckets) {
				t.Fatalf("%d rows, band %d: %d multi buckets of %d", n, b, len(bi.multi), len(buckets))
			}
		}
	}
}
