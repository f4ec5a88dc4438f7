package keytable

import (
	"maps"
	"math/rand/v2"
	"testing"
)

// TestMatchesMap runs random puts, references, gets and deletes on a Table and on a Go
// map side by side and holds the table to the map after every step. The
// key spaces are small enough that keys come back after deletion, the
// key 0 among them, and that the probe runs wrap around the table's end.
func TestMatchesMap(t *testing.T) {
	tests := []struct {
		name string
		keys func(*rand.Rand) uint64
		hint int
		ops  int
	}{
		{"few keys", func(r *rand.Rand) uint64 { return r.Uint64N(20) }, 0, 20000},
		{"hashes", func(r *rand.Rand) uint64 { return r.Uint64N(3000) * 0x9E3779B97F4A7C15 }, 100, 50000},
		// Keys that differ only in their low bits share a home slot in a
		// small table: long runs, and deletions inside them.
		{"one home", func(r *rand.Rand) uint64 { return r.Uint64N(40) }, 64, 20000},
		{"presized", func(r *rand.Rand) uint64 { return r.Uint64() % 5000 << 40 }, 5000, 50000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tt.ops)))
			tab, ref := New(tt.hint), map[uint64]int32{}
			for op := range tt.ops {
				k := tt.keys(rng)
				switch rng.IntN(4) {
				case 0:
					v := int32(rng.Uint32())
					tab.Put(k, v)
					ref[k] = v
				case 1:
					tab.Delete(k)
					delete(ref, k)
				case 2:
					// Ref adds a key it did not have with the value 0.
					p, had := tab.Ref(k)
					if _, want := ref[k]; had != want {
						t.Fatalf("op %d: Ref(%#x) says the table had it: %v, want %v", op, k, had, want)
					}
					*p++
					ref[k]++
				}
				got, ok := tab.Get(k)
				if want, wok := ref[k]; ok != wok || got != want {
					t.Fatalf("op %d: Get(%#x) = %d, %v; want %d, %v", op, k, got, ok, want, wok)
				}
				if tab.Len() != len(ref) {
					t.Fatalf("op %d: Len %d, want %d", op, tab.Len(), len(ref))
				}
			}
			if all := maps.Collect(tab.All()); !maps.Equal(all, ref) {
				t.Fatalf("All yields %d keys, not the %d put", len(all), len(ref))
			}
			for k, v := range ref {
				if got, ok := tab.Get(k); !ok || got != v {
					t.Fatalf("Get(%#x) = %d, %v; want %d", k, got, ok, v)
				}
			}
		})
	}
}

func TestZeroTable(t *testing.T) {
	var tab Table
	if _, ok := tab.Get(7); ok || tab.Len() != 0 {
		t.Fatal("the zero table is not empty")
	}
	tab.Delete(7)
	tab.Put(7, -3)
	tab.Put(0, 5)
	if v, ok := tab.Get(7); !ok || v != -3 {
		t.Fatalf("Get(7) = %d, %v", v, ok)
	}
	if v, ok := tab.Get(0); !ok || v != 5 || tab.Len() != 2 {
		t.Fatalf("Get(0) = %d, %v, Len %d", v, ok, tab.Len())
	}
	for range tab.All() {
		break // stopping early must not panic
	}
}

// TestSize holds a presized table to 16 bytes a key, against the 36 of a
// Go map presized the same way.
func TestSize(t *testing.T) {
	tab := New(1_000_000)
	if bytes := len(tab.keys)*8 + len(tab.vals)*4; bytes > 16_000_100 {
		t.Fatalf("a table for a million keys takes %d bytes", bytes)
	}
	for i := range uint64(1_000_000) {
		tab.Put(i*0x9E3779B97F4A7C15+1, int32(i))
	}
	if len(tab.keys) != slotsFor(1_000_000) {
		t.Fatalf("a table presized for a million keys grew to %d slots", len(tab.keys))
	}
}

func BenchmarkPut1M(b *testing.B) {
	keys := make([]uint64, 1_000_000)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range keys {
		keys[i] = rng.Uint64()
	}
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			tab := New(len(keys))
			for i, k := range keys {
				if _, ok := tab.Get(k); !ok {
					tab.Put(k, int32(i))
				}
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			m := make(map[uint64]int32, len(keys))
			for i, k := range keys {
				if _, ok := m[k]; !ok {
					m[k] = int32(i)
				}
			}
		}
	})
}
