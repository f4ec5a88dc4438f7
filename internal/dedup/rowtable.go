package dedup

// rowTable maps band keys to rows, as a map[uint64]int32 would, for
// Index: every row of a band is in it (most buckets hold one row), so on
// 100k rows the 21 maps took 2.1 MB each, the largest part of the index.
// The table keeps, for each slot, the row and the key's low 32 bits (8
// bytes), in open addressing with linear probing at most 7/8 full; a slot
// whose 32 bits match is checked against the full key, which the caller
// computes from the row (keyOf; the index holds the rows' signatures).
type rowTable struct {
	tags []uint32 // the key's low 32 bits; its home slot is tag & mask
	rows []int32  // -1 for an empty slot
	n    int
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
	t := rowTable{tags: make([]uint32, size), rows: make([]int32, size)}
	for i := range t.rows {
		t.rows[i] = -1
	}
	return t
}

// find returns the slot that holds k, or the empty slot where it would go.
func (t *rowTable) find(k uint64, keyOf func(int32) uint64) (int, bool) {
	mask := len(t.rows) - 1
	tag := uint32(k)
	for i := int(tag) & mask; ; i = (i + 1) & mask {
		r := t.rows[i]
		if r < 0 {
			return i, false
		}
		if t.tags[i] == tag && keyOf(r) == k {
			return i, true
		}
	}
}

func (t *rowTable) get(k uint64, keyOf func(int32) uint64) (int32, bool) {
	i, ok := t.find(k, keyOf)
	return t.rows[i], ok
}

// put maps k to row.
func (t *rowTable) put(k uint64, row int32, keyOf func(int32) uint64) {
	i, ok := t.find(k, keyOf)
	if !ok {
		if (t.n+1)*8 > len(t.rows)*7 {
			t.grow()
			i, _ = t.find(k, keyOf)
		}
		t.n++
	}
	t.tags[i], t.rows[i] = uint32(k), row
}

// del removes k, shifting back the slots after it that probed past it so
// that no lookup stops early at the emptied slot.
func (t *rowTable) del(k uint64, keyOf func(int32) uint64) {
	i, ok := t.find(k, keyOf)
	if !ok {
		return
	}
	t.n--
	mask := len(t.rows) - 1
	for j := (i + 1) & mask; t.rows[j] >= 0; j = (j + 1) & mask {
		// The entry at j may move to i if its home slot is not in (i, j].
		h := int(t.tags[j]) & mask
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.tags[i], t.rows[i] = t.tags[j], t.rows[j]
			i = j
		}
	}
	t.rows[i] = -1
}

func (t *rowTable) grow() {
	old := *t
	*t = makeRowTable(2 * len(old.rows))
	mask := len(t.rows) - 1
	for j, r := range old.rows {
		if r < 0 {
			continue
		}
		i := int(old.tags[j]) & mask
		for t.rows[i] >= 0 {
			i = (i + 1) & mask
		}
		t.tags[i], t.rows[i] = old.tags[j], r
		t.n++
	}
}
