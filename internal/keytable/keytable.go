// Package keytable is a hash table from 64-bit keys to int32 values that
// takes 12 bytes a slot.
//
// The file rules group a million rows by four kinds of 64-bit keys
// (fingerprints, prompts, openings, answers), which are hashes already,
// and the language server keeps the groups for the document's life. As Go
// maps, with 16-byte slots, a control byte each and power-of-two tables,
// the four took 144 MB at a million rows; here a table holds its keys and
// values in two arrays sized to the count (at most three quarters full), with
// linear probing, and deletes by shifting the entries after the hole back
// rather than leaving tombstones, so that a table edited for hours keeps
// its probes short.
package keytable

import (
	"iter"

	"github.com/ftls-dev/ftls/internal/prefault"
)

// Table maps keys to values. The zero Table is empty and ready to use.
type Table struct {
	keys []uint64 // 0 marks a free slot
	vals []int32
	n    int // keys in the slots
	// The key 0, which cannot be told from a free slot, is held apart.
	hasZero bool
	zero    int32
}

// New returns a table with room for hint keys before it grows.
func New(hint int) *Table {
	t := &Table{}
	t.resize(slotsFor(hint))
	return t
}

// slotsFor is the number of slots that holds n keys at most three
// quarters full.
func slotsFor(n int) int { return max(8, n+n/3+1) }

// Len returns the number of keys.
func (t *Table) Len() int {
	if t.hasZero {
		return t.n + 1
	}
	return t.n
}

// Get returns the value of key, and whether the table has it.
func (t *Table) Get(key uint64) (int32, bool) {
	if key == 0 {
		if !t.hasZero {
			return 0, false
		}
		return t.zero, true
	}
	if i, ok := t.find(key); ok {
		return t.vals[i], true
	}
	return 0, false
}

// Put sets the value of key.
func (t *Table) Put(key uint64, v int32) {
	p, _ := t.Ref(key)
	*p = v
}

// Ref returns a pointer to the value of key, and whether the table had
// key; when it did not, key is added with the value 0. The pointer is
// good until the next key is added. A look-up and a store through it
// probe the table once, where Get and Put probe it twice.
func (t *Table) Ref(key uint64) (*int32, bool) {
	if key == 0 {
		had := t.hasZero
		if !had {
			t.zero, t.hasZero = 0, true
		}
		return &t.zero, had
	}
	i, ok := t.find(key)
	if !ok {
		if 4*(t.n+1) > 3*len(t.keys) {
			t.resize(slotsFor(2 * (t.n + 1)))
			i, _ = t.find(key)
		}
		t.keys[i], t.vals[i] = key, 0
		t.n++
	}
	return &t.vals[i], ok
}

// Delete removes key, if the table has it.
func (t *Table) Delete(key uint64) {
	if key == 0 {
		t.hasZero = false
		return
	}
	hole, ok := t.find(key)
	if !ok {
		return
	}
	t.n--
	// Each entry after the hole, up to the next free slot, moves back into
	// it when the hole lies between its home slot and where it is, so
	// that no probe for it stops at the hole.
	for j := t.next(hole); t.keys[j] != 0; j = t.next(j) {
		h := t.home(t.keys[j])
		if between(h, hole, j) {
			continue
		}
		t.keys[hole], t.vals[hole] = t.keys[j], t.vals[j]
		hole = j
	}
	t.keys[hole] = 0
}

// between reports whether h is in the cyclic range (hole, j]: the entry
// at j, whose home is h, is then reached before the hole.
func between(h, hole, j int) bool {
	if hole < j {
		return hole < h && h <= j
	}
	return hole < h || h <= j
}

// All yields every key and its value, in no particular order.
func (t *Table) All() iter.Seq2[uint64, int32] {
	return func(yield func(uint64, int32) bool) {
		if t.hasZero && !yield(0, t.zero) {
			return
		}
		for i, k := range t.keys {
			if k != 0 && !yield(k, t.vals[i]) {
				return
			}
		}
	}
}

// find returns the slot of key, or the free slot where it would go and
// false. There is always a free slot.
func (t *Table) find(key uint64) (int, bool) {
	if len(t.keys) == 0 {
		t.resize(slotsFor(0))
	}
	for i := t.home(key); ; i = t.next(i) {
		switch t.keys[i] {
		case key:
			return i, true
		case 0:
			return i, false
		}
	}
}

// home is key's first slot: its bits mixed by a multiply (the keys are
// hashes, but a caller's may have weak high bits), then mapped onto the
// slots by a multiply and a shift rather than a modulo.
func (t *Table) home(key uint64) int {
	return int((key * 0x9E3779B97F4A7C15 >> 32) * uint64(len(t.keys)) >> 32)
}

func (t *Table) next(i int) int {
	if i++; i == len(t.keys) {
		return 0
	}
	return i
}

// resize moves the entries into size slots.
func (t *Table) resize(size int) {
	keys, vals := t.keys, t.vals
	// Probes read the slots before they are filled: see package prefault.
	t.keys, t.vals = prefault.Make[uint64](size), prefault.Make[int32](size)
	for i, k := range keys {
		if k != 0 {
			j, _ := t.find(k)
			t.keys[j], t.vals[j] = k, vals[i]
		}
	}
}
