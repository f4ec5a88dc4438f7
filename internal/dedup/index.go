package dedup

import (
	"math/bits"
	"runtime"
	"slices"

	"github.com/ftls-dev/ftls/internal/workgroup"
)

// Index keeps the LSH buckets of a list of signatures between calls, so
// that after a few signatures change the near pairs are found again in
// time proportional to the rows that share a bucket, not to all rows:
// Near reads every signature once per band, which an editor cannot afford
// after each keystroke in a large file. Pairs returns exactly what Near
// returns for the same signatures.
//
// Each band keeps a table from band key to the first row of its bucket,
// the bucket's rows as a list in row order, and the set of buckets with
// more than one row, which are the only ones that yield pairs.
type Index struct {
	sigs  []*Signature
	bands [Bands]bandIndex

	// The pairs of each bucket found by the last Pairs, with the threshold
	// they were found at, and the buckets Set changed since.
	pairs     map[bucketID][]Pair
	threshold float64
	dirty     map[bucketID]struct{}
}

// bucketID names one bucket of one band.
type bucketID struct {
	band int
	key  uint64
}

type bandIndex struct {
	head  rowTable            // band key -> first row of its bucket
	next  []int32             // next row of the same bucket, -1 at the end
	multi map[uint64]struct{} // keys of the buckets with two rows or more
	// keyOf gives a row's band key from its signature, for head.
	keyOf func(int32) uint64
}

// NewIndex indexes sigs; sigs[i] is nil for rows without a signature. The
// index keeps the slice, which Set updates. The bands are built side by
// side on all CPUs.
func NewIndex(sigs []*Signature) *Index {
	x := &Index{sigs: sigs}
	var wg workgroup.Group
	workers := min(runtime.GOMAXPROCS(0), Bands)
	for w := range workers {
		var bands []int
		for b := w; b < Bands; b += workers {
			bands = append(bands, b)
		}
		wg.Go(func() {
			var scratch bandScratch
			for len(bands) > 0 {
				group := bands[:min(len(bands), bandsAtOnce)]
				bands = bands[len(group):]
				scratch.computeKeys(sigs, group)
				for j, b := range group {
					x.bands[b] = newBandIndex(sigs, b, scratch.keys[j], &scratch)
				}
			}
		})
	}
	wg.Wait()
	return x
}

// newBandIndex builds the buckets of band, whose keys are given. Rows are
// taken last to first and put at the head of their bucket, which leaves
// every bucket in row order.
func newBandIndex(sigs []*Signature, band int, keys []uint64, scratch *bandScratch) bandIndex {
	bi := bandIndex{head: newRowTable(len(sigs)), next: make([]int32, len(sigs)), multi: map[uint64]struct{}{}}
	bi.keyOf = func(row int32) uint64 { return bandKey(sigs[row], band) }
	for i := range bi.next {
		bi.next[i] = -1
	}
	// The keys computed, rather than the signatures again, which are not
	// in the cache.
	keyOf := func(row int32) uint64 { return keys[row] }
	for _, e := range scratch.inTableOrder(sigs, keys, len(bi.head.slots)) {
		if first, ok := bi.head.swap(e.key, e.row, keyOf); ok {
			bi.next[e.row] = first
			bi.multi[e.key] = struct{}{}
		}
	}
	return bi
}

// bandScratch holds the memory NewIndex reuses from band to band: the
// band keys of every row for a few bands, and the rows in table order.
type bandScratch struct {
	keys    [bandsAtOnce][]uint64
	entries []bandEntry
}

// bandsAtOnce is the number of bands whose keys are computed in one pass
// over the signatures: on a million rows the signatures (256 MB) are far
// from the cache, and reading them once per band cost as much as filling
// the tables.
const bandsAtOnce = 3

type bandEntry struct {
	key uint64
	row int32
}

// computeKeys computes the keys of bands (at most bandsAtOnce) for every
// row with a signature.
func (sc *bandScratch) computeKeys(sigs []*Signature, bands []int) {
	for j := range bands {
		sc.keys[j] = slices.Grow(sc.keys[j][:0], len(sigs))[:len(sigs)]
	}
	for i, s := range sigs {
		if s != nil {
			for j, b := range bands {
				sc.keys[j][i] = bandKey(s, b)
			}
		}
	}
}

// regionSlots is the number of table slots (64 KB) whose rows
// inTableOrder puts together.
const regionSlots = 8 << 10

// inTableOrder returns the rows with a signature and their band keys, last
// row first, grouped by the region of a table of size slots that their
// key's home slot is in, regions in order. Inserting rows in row order
// into a table larger than the cache costs a cache miss each; region by
// region, the slots being filled stay in the cache. The rows of one key
// share a region, so they still come last to first.
func (sc *bandScratch) inTableOrder(sigs []*Signature, keys []uint64, size int) []bandEntry {
	n := 0
	for _, s := range sigs {
		if s != nil {
			n++
		}
	}
	sc.entries = slices.Grow(sc.entries[:0], n)[:n]
	if size <= regionSlots {
		n := 0
		for i := len(sigs) - 1; i >= 0; i-- {
			if sigs[i] != nil {
				sc.entries[n] = bandEntry{keys[i], int32(i)}
				n++
			}
		}
		return sc.entries
	}
	mask, shift := size-1, bits.Len(regionSlots-1)
	region := func(k uint64) int { return (int(uint32(k)) & mask) >> shift }
	starts := make([]int, size/regionSlots+1)
	for i, s := range sigs {
		if s != nil {
			starts[region(keys[i])+1]++
		}
	}
	for r := 1; r < len(starts); r++ {
		starts[r] += starts[r-1]
	}
	for i := len(sigs) - 1; i >= 0; i-- {
		if sigs[i] != nil {
			r := region(keys[i])
			sc.entries[starts[r]] = bandEntry{keys[i], int32(i)}
			starts[r]++
		}
	}
	return sc.entries
}

// Len returns the number of rows indexed.
func (x *Index) Len() int { return len(x.sigs) }

// Set replaces the signature of row i (nil for none).
func (x *Index) Set(i int, sig *Signature) {
	if x.sigs[i] == sig {
		return
	}
	for b := range x.bands {
		bi := &x.bands[b]
		if old := x.sigs[i]; old != nil {
			k := bandKey(old, b)
			bi.remove(int32(i), k)
			x.markDirty(b, k)
		}
		if sig != nil {
			k := bandKey(sig, b)
			bi.insert(int32(i), k)
			x.markDirty(b, k)
		}
	}
	x.sigs[i] = sig
}

func (bi *bandIndex) remove(row int32, k uint64) {
	first, _ := bi.head.get(k, bi.keyOf)
	if first == row {
		if nx := bi.next[row]; nx >= 0 {
			bi.head.put(k, nx, bi.keyOf)
			if bi.next[nx] < 0 {
				delete(bi.multi, k)
			}
		} else {
			bi.head.del(k, bi.keyOf)
		}
	} else {
		prev := first
		for bi.next[prev] != row {
			prev = bi.next[prev]
		}
		bi.next[prev] = bi.next[row]
		if prev == first && bi.next[prev] < 0 {
			delete(bi.multi, k)
		}
	}
	bi.next[row] = -1
}

func (bi *bandIndex) insert(row int32, k uint64) {
	first, ok := bi.head.get(k, bi.keyOf)
	switch {
	case !ok:
		bi.head.put(k, row, bi.keyOf)
		return
	case row < first:
		bi.next[row] = first
		bi.head.put(k, row, bi.keyOf)
	default:
		prev := first
		for bi.next[prev] >= 0 && bi.next[prev] < row {
			prev = bi.next[prev]
		}
		bi.next[row] = bi.next[prev]
		bi.next[prev] = row
	}
	bi.multi[k] = struct{}{}
}

func (x *Index) markDirty(band int, key uint64) {
	if x.pairs == nil {
		return // nothing cached yet
	}
	if x.dirty == nil {
		x.dirty = map[bucketID]struct{}{}
	}
	x.dirty[bucketID{band, key}] = struct{}{}
}

// Pairs returns the pairs of rows whose estimated similarity is at least
// threshold, as Near does for the index's signatures. The pairs of each
// bucket are kept for the next call, which only looks again at the buckets
// Set changed (for the same threshold): skip must therefore give the same
// answer as before for rows whose signature did not change.
func (x *Index) Pairs(threshold float64, skip func(a, b int32) bool) []Pair {
	if x.pairs == nil || threshold != x.threshold {
		x.pairs, x.threshold, x.dirty = map[bucketID][]Pair{}, threshold, nil
		for b := range x.bands {
			for k := range x.bands[b].multi {
				x.findPairs(bucketID{b, k}, skip)
			}
		}
	} else {
		for id := range x.dirty {
			x.findPairs(id, skip)
		}
		x.dirty = nil
	}
	var pairs []Pair
	for _, ps := range x.pairs {
		pairs = append(pairs, ps...)
	}
	return sortPairs(pairs)
}

// findPairs records the pairs of one bucket: each row with the bucket's
// first row and with the row before it.
func (x *Index) findPairs(id bucketID, skip func(a, b int32) bool) {
	delete(x.pairs, id)
	bi := &x.bands[id.band]
	if _, ok := bi.multi[id.key]; !ok {
		return
	}
	var pairs []Pair
	check := func(a, b int32) {
		if skip != nil && skip(a, b) {
			return
		}
		if sim := x.sigs[a].Similarity(x.sigs[b]); sim >= x.threshold {
			pairs = append(pairs, Pair{A: a, B: b, Similarity: sim})
		}
	}
	first, _ := bi.head.get(id.key, bi.keyOf)
	for prev, row := first, bi.next[first]; row >= 0; prev, row = row, bi.next[row] {
		check(first, row)
		if prev != first {
			check(prev, row)
		}
	}
	if len(pairs) > 0 {
		x.pairs[id] = pairs
	}
}

// sortPairs orders pairs by later row, then earlier row, and drops the
// repeats of pairs that several bands proposed.
func sortPairs(pairs []Pair) []Pair {
	slices.SortFunc(pairs, func(x, y Pair) int {
		if x.B != y.B {
			return int(x.B - y.B)
		}
		return int(x.A - y.A)
	})
	return slices.CompactFunc(pairs, func(x, y Pair) bool { return x.A == y.A && x.B == y.B })
}
