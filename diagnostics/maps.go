package diagnostics

import (
	"math/bits"
	"sync"
)

// The file rules run after every pause in typing in the server, and most
// of their time went into Go maps of 100,000 hashes: two cache misses per
// lookup (control word, then slot), and clearing or allocating the map for
// every run. hashTable is the map they need instead.

// hashTable maps nonzero 64-bit hashes (fingerprints, opening keys) to an
// int32: a row number or a count. It probes linearly in one array, so a
// lookup costs one cache miss, and it is emptied in constant time by
// moving to the next generation rather than by clearing memory.
type hashTable struct {
	slots []slot
	shift uint8
	gen   uint32
}

type slot struct {
	key uint64
	val int32
	gen uint32 // the slot is empty unless gen is the table's
}

// tables hands out tables that keep their memory between runs.
var tables sync.Pool

// getTable returns an empty table sized for n keys.
func getTable(n int) *hashTable {
	t, _ := tables.Get().(*hashTable)
	if t == nil {
		t = &hashTable{}
	}
	t.reset(n)
	return t
}

func putTable(t *hashTable) { tables.Put(t) }

func (t *hashTable) reset(n int) {
	size := 1 << bits.Len(uint(2*n|15)) // at most half full
	if size > len(t.slots) || size < len(t.slots)/8 {
		t.slots, t.gen = make([]slot, size), 0
	}
	t.shift = uint8(64 - bits.Len(uint(len(t.slots)-1)))
	t.gen++
	if t.gen == 0 { // wrapped: old generations could look current
		clear(t.slots)
		t.gen = 1
	}
}

// find returns the slot of key, or the empty slot where it belongs.
func (t *hashTable) find(key uint64) *slot {
	mask := len(t.slots) - 1
	// Fibonacci hashing spreads keys that are not well mixed, too.
	i := int((key * 0x9E3779B97F4A7C15) >> t.shift)
	for {
		s := &t.slots[i]
		if s.gen != t.gen || s.key == key {
			return s
		}
		i = (i + 1) & mask
	}
}

// firstOrPut returns the value stored for key and true, or stores val for
// it and returns val and false.
func (t *hashTable) firstOrPut(key uint64, val int32) (int32, bool) {
	s := t.find(key)
	if s.gen == t.gen {
		return s.val, true
	}
	*s = slot{key: key, val: val, gen: t.gen}
	return val, false
}

// add adds d to the value of key (0 when absent) and returns the sum.
func (t *hashTable) add(key uint64, d int32) int32 {
	s := t.find(key)
	if s.gen != t.gen {
		*s = slot{key: key, gen: t.gen}
	}
	s.val += d
	return s.val
}

// get returns the value stored for key.
func (t *hashTable) get(key uint64) (int32, bool) {
	s := t.find(key)
	return s.val, s.gen == t.gen
}

// all calls yield for every key and value in the table.
func (t *hashTable) all(yield func(key uint64, val int32)) {
	for i := range t.slots {
		if s := &t.slots[i]; s.gen == t.gen {
			yield(s.key, s.val)
		}
	}
}
