package dedup

import (
	"runtime"
	"slices"

	"github.com/ftls-dev/ftls/internal/workgroup"
)

// Index keeps the near pairs of a list of signatures between calls, bucket
// by bucket, so that after a few signatures change only the buckets they
// left or joined are looked at again: Near compares the rows of every
// bucket of every band, which an editor cannot afford after each pause in
// typing on a large file. Pairs returns exactly what Near returns for the
// same signatures.
//
// It keeps no table of buckets. Such tables (a band key → row table and a
// next-row list for each of the 21 bands) held 410 MB for a million rows,
// more than the rows' signatures, for the whole life of the document; the
// rows of the few buckets an edit touches are found again by one pass over
// the signatures instead (about 50 ms on a million rows, on two CPUs),
// once per check of the file rules after an edit, not per keystroke.
type Index struct {
	sigs []*Signature

	// The pairs of each bucket that has any, as the last Pairs found them,
	// with the threshold they were found at, and the buckets Set changed
	// since (nil pairs: none found yet).
	pairs     map[bucketID][]Pair
	threshold float64
	dirty     map[bucketID]bandValues
}

// bucketID names one bucket of one band.
type bucketID struct {
	band int
	key  uint64
}

// NewIndex returns an index of sigs; sigs[i] is nil for rows without a
// signature. The index keeps the slice, which Set updates. The buckets are
// found by the first Pairs.
func NewIndex(sigs []*Signature) *Index { return &Index{sigs: sigs} }

// Len returns the number of rows indexed.
func (x *Index) Len() int { return len(x.sigs) }

// Set replaces the signature of row i (nil for none).
func (x *Index) Set(i int, sig *Signature) {
	old := x.sigs[i]
	if old == sig {
		return
	}
	x.sigs[i] = sig
	if x.pairs == nil {
		return // nothing kept yet
	}
	if x.dirty == nil {
		x.dirty = map[bucketID]bandValues{}
	}
	for b := range Bands {
		for _, s := range [2]*Signature{old, sig} {
			if s != nil {
				v := bandOf(s, b)
				x.dirty[bucketID{b, v.key()}] = v
			}
		}
	}
}

// fullPassDirty reports whether Pairs finds every bucket's pairs again
// rather than those of the changed ones: when more buckets changed than
// there are rows (an edit that changes a row's signature changes 42), one
// pass over all the buckets costs less than looking up each changed one.
func (x *Index) fullPassDirty() bool { return len(x.dirty) > max(len(x.sigs), 64) }

// Pairs returns the pairs of rows whose estimated similarity is at least
// threshold, as Near does for the index's signatures. The pairs of each
// bucket are kept for the next call, which only looks again at the buckets
// Set changed (for the same threshold): skip must therefore give the same
// answer as before for rows whose signature did not change.
func (x *Index) Pairs(threshold float64, skip func(a, b int32) bool) []Pair {
	switch {
	case x.pairs == nil || threshold != x.threshold || x.fullPassDirty():
		x.pairs, x.threshold = bucketPairs(x.sigs, threshold, skip), threshold
	case len(x.dirty) > 0:
		x.refresh(skip)
	}
	x.dirty = nil
	var pairs []Pair
	for _, ps := range x.pairs {
		pairs = append(pairs, ps...)
	}
	return sortPairs(pairs)
}

// bucketPairs finds the pairs of every bucket as Near does, and returns
// them by bucket.
func bucketPairs(sigs []*Signature, threshold float64, skip func(a, b int32) bool) map[bucketID][]Pair {
	found := make([]map[bucketID][]Pair, bandWorkers())
	for w := range found {
		found[w] = map[bucketID][]Pair{}
	}
	nearEachBand(sigs, threshold, skip, func(w, band int, pairs []Pair) {
		// The rows of a pair share the bucket: its key is either row's.
		for _, p := range pairs {
			id := bucketID{band, bandKey(sigs[p.B], band)}
			found[w][id] = append(found[w][id], p)
		}
	})
	all := found[0]
	for _, f := range found[1:] {
		for id, ps := range f { // the workers' bands differ
			all[id] = ps
		}
	}
	return all
}

// refresh finds again the pairs of the buckets Set changed, from their
// rows as one pass over the signatures finds them.
func (x *Index) refresh(skip func(a, b int32) bool) {
	rows := x.bucketRows()
	for id := range x.dirty {
		delete(x.pairs, id)
		if ps := rowPairs(x.sigs, rows[id], x.threshold, skip); len(ps) > 0 {
			x.pairs[id] = ps
		}
	}
}

// bucketRows returns the rows of each changed bucket, in row order. The
// rows are shared out among the CPUs in contiguous parts, whose findings
// are joined in order.
func (x *Index) bucketRows() map[bucketID][]int32 {
	var bands [Bands]bandSet
	for id, v := range x.dirty {
		bands[id.band].add(v)
	}
	parts := runtime.GOMAXPROCS(0)
	if len(x.sigs) < parallelRows {
		parts = 1
	}
	found := make([]map[bucketID][]int32, parts)
	var wg workgroup.Group
	for p := range parts {
		from, to := p*len(x.sigs)/parts, (p+1)*len(x.sigs)/parts
		wg.Go(func() { found[p] = rowsWithBands(x.sigs, from, to, &bands) })
	}
	wg.Wait()
	rows := found[0]
	for _, f := range found[1:] {
		for id, rs := range f {
			rows[id] = append(rows[id], rs...)
		}
	}
	return rows
}

// parallelRows is the number of rows from which bucketRows shares them out.
const parallelRows = 1 << 15

// rowsWithBands returns, for each band value of bands, the rows of
// sigs[from:to] that have it, in order.
func rowsWithBands(sigs []*Signature, from, to int, bands *[Bands]bandSet) map[bucketID][]int32 {
	found := map[bucketID][]int32{}
	for i := from; i < to; i++ {
		s := sigs[i]
		if s == nil {
			continue
		}
		for b := range bands {
			if bands[b].set == nil {
				continue
			}
			if v := bandOf(s, b); bands[b].has(v) {
				id := bucketID{b, v.key()}
				found[id] = append(found[id], int32(i))
			}
		}
	}
	return found
}

// bandSet is a set of one band's values, with a filter of 2^16 bits that
// rules out most values without the map: every row's 21 bands are looked
// up. Values, not keys, are compared: hashing every row's bands (the key's
// mix) made the pass a third slower (67-73 against 49-52 ms on a million
// rows, two CPUs).
type bandSet struct {
	filter [1 << 10]uint64
	set    map[bandValues]struct{}
}

func (s *bandSet) add(v bandValues) {
	if s.set == nil {
		s.set = map[bandValues]struct{}{}
	}
	s.set[v] = struct{}{}
	h := v.filterBit()
	s.filter[h>>6] |= 1 << (h & 63)
}

func (s *bandSet) has(v bandValues) bool {
	if h := v.filterBit(); s.filter[h>>6]&(1<<(h&63)) == 0 {
		return false
	}
	_, ok := s.set[v]
	return ok
}

// filterBit is a cheap 16-bit hash of the values (one multiply; the key's
// mix takes two and more shifts).
func (v bandValues) filterBit() uint64 { return (v.lo ^ v.hi<<17) * prime1 >> 48 }

// rowPairs returns the near pairs of one bucket, given its rows in order:
// each row with the bucket's first row and with the row before it, as
// Near compares them.
func rowPairs(sigs []*Signature, rows []int32, threshold float64, skip func(a, b int32) bool) []Pair {
	var pairs []Pair
	check := func(a, b int32) {
		if p, ok := nearPair(sigs, a, b, threshold, skip); ok {
			pairs = append(pairs, p)
		}
	}
	for j := 1; j < len(rows); j++ {
		check(rows[0], rows[j])
		if j > 1 {
			check(rows[j-1], rows[j])
		}
	}
	return pairs
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
