package dedup

// rowTable maps band keys to rows, as a map[uint64]int32 would, for
// Index: every row of a band is in it (most buckets hold one row), so on
// 100k rows the 21 maps took 2.1 MB each, the largest part of the index.
// The table keeps, for each slot, the row and the key's low 32 bits (8
// bytes), in open addressing with linear probing at most 7/8 full; a slot
// whose 32 bits match is checked against the full key, which the caller
// computes from the row (keyOf; the index holds the rows' signatures).
type rowTable struct {
	// The key's low 32 bits (its home slot is tag & mask) beside the row,
	// -1 for an empty slot: a probe reads one cache line, where two arrays
	// cost two misses per slot on a large table.
	slots []rowSlot
	n     int
}

type rowSlot struct {
	tag uint32
	row int32
}

// newRowTable makes a table for n keys.
func newRowTable(n int) rowTable {
	size := 8
	for size*7/8 < n+1 {
		size *= 2
	}
	return makeRowTable(size)
}

// makeRowTable makes an empty table of size slots, a power of two.
func makeRowTable(size int) rowTable {
	t := rowTable{slots: make([]rowSlot, size)}
	for i := range t.slots {
		t.slots[i].row = -1
	}
	return t
}

// find returns the slot that holds k, or the empty slot where it would go.
func (t *rowTable) find(k uint64, keyOf func(int32) uint64) (int, bool) {
	mask := len(t.slots) - 1
	tag := uint32(k)
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s.row < 0 {
			return i, false
		}
		if s.tag == tag && keyOf(s.row) == k {
			return i, true
		}
	}
}

func (t *rowTable) get(k uint64, keyOf func(int32) uint64) (int32, bool) {
	i, ok := t.find(k, keyOf)
	return t.slots[i].row, ok
}

// put maps k to row.
func (t *rowTable) put(k uint64, row int32, keyOf func(int32) uint64) {
	t.swap(k, row, keyOf)
}

// swap maps k to row and returns the row k mapped to before, if any: get
// and put with one probe.
func (t *rowTable) swap(k uint64, row int32, keyOf func(int32) uint64) (int32, bool) {
	i, ok := t.find(k, keyOf)
	if ok {
		prev := t.slots[i].row
		t.slots[i].row = row
		return prev, true
	}
	if (t.n+1)*8 > len(t.slots)*7 {
		t.grow()
		i, _ = t.find(k, keyOf)
	}
	t.n++
	t.slots[i] = rowSlot{uint32(k), row}
	return -1, false
}

// del removes k, shifting back the slots after it that probed past it so
// that no lookup stops early at the emptied slot.
func (t *rowTable) del(k uint64, keyOf func(int32) uint64) {
	i, ok := t.find(k, keyOf)
	if !ok {
		return
	}
	t.n--
	mask := len(t.slots) - 1
	for j := (i + 1) & mask; t.slots[j].row >= 0; j = (j + 1) & mask {
		// The entry at j may move to i if its home slot is not in (i, j].
		h := int(t.slots[j].tag) & mask
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.slots[i] = t.slots[j]
			i = j
		}
	}
	t.slots[i].row = -1
}

func (t *rowTable) grow() {
	old := t.slots
	*t = makeRowTable(2 * len(old))
	mask := len(t.slots) - 1
	for _, s := range old {
		if s.row < 0 {
			continue
		}
		i := int(s.tag) & mask
		for t.slots[i].row >= 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
		t.n++
	}
}
