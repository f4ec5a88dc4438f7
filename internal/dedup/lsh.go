package dedup

import (
	"math/bits"
	"runtime"
	"slices"

	"github.com/ftls-dev/ftls/internal/workgroup"
)

// Bands and Rows split a signature for locality-sensitive hashing: two rows
// become candidates when all Rows values of at least one of the Bands bands
// agree. With 21 bands of 6, rows at similarity 0.85 are candidates with
// probability 0.9999 and rows at 0.5 with probability 0.28; candidates are
// then checked against the threshold with the full signature. (16 bands of
// 8 missed one planted near-duplicate in 150 at 0.85.)
const (
	Bands = 21
	Rows  = 6
)

// bandKey hashes the values of one band of a signature. Rows share a
// bucket when their keys are equal, so only equal values may give equal
// keys (two bands of different values collide once in 2^64); the key's
// low bits choose a table slot, so they must be mixed. One multiply of the
// high half, then one mix, does both with half the multiplies of a mix of
// each half (21 keys a row).
func bandKey(s *Signature, band int) uint64 { return bandOf(s, band).key() }

// bandValues is one band of a signature: its six values, and the band's
// number in hi's upper half.
type bandValues struct{ lo, hi uint64 }

func bandOf(s *Signature, band int) bandValues {
	v := s[band*Rows : (band+1)*Rows : (band+1)*Rows]
	return bandValues{
		lo: uint64(v[0]) | uint64(v[1])<<16 | uint64(v[2])<<32 | uint64(v[3])<<48,
		hi: uint64(v[4]) | uint64(v[5])<<16 | uint64(band)<<32,
	}
}

func (v bandValues) key() uint64 { return mix(v.lo ^ v.hi*prime1) }

// Pair is a near-duplicate pair found by Near: B is a later row than A.
type Pair struct {
	A, B       int32
	Similarity float64
}

// Near returns pairs of rows whose estimated similarity is at least
// threshold, linking each row to the earliest row of its band buckets that
// it resembles. sigs[i] is nil for rows without a signature; skip reports
// pairs to leave out (exact duplicates, for instance).
//
// Within a bucket, each row is compared with the bucket's first row and
// with the row before it: linear in the bucket's size even when thousands
// of rows share a band, and enough to connect a cluster. Buckets are found
// with one pass per band, the bands shared out among the CPUs, so the
// whole is O(n) in time and memory. Each worker computes the keys of a few
// bands in one pass over the signatures, sorts each band's rows by the top
// bits of their keys into regions of a few thousand (bandScratch), and
// finds the buckets of one region at a time in a hash table small enough
// to stay in the cache: rows that share a key share a region.
func Near(sigs []*Signature, threshold float64, skip func(a, b int32) bool) []Pair {
	found := make([][]Pair, bandWorkers())
	nearEachBand(sigs, threshold, skip, func(w, _ int, pairs []Pair) {
		found[w] = append(found[w], pairs...)
	})
	var pairs []Pair
	for _, f := range found {
		pairs = append(pairs, f...)
	}
	return sortPairs(pairs)
}

// bandWorkers is the number of goroutines nearEachBand shares the bands
// among.
func bandWorkers() int { return min(runtime.GOMAXPROCS(0), Bands) }

// nearEachBand finds the near pairs each band proposes, the bands shared
// out among bandWorkers goroutines, and passes them to found with the
// worker's number and the band; found may keep the pairs, not the slice.
func nearEachBand(sigs []*Signature, threshold float64, skip func(a, b int32) bool, found func(w, band int, pairs []Pair)) {
	workers := bandWorkers()
	var wg workgroup.Group
	for w := range workers {
		var bands []int
		for b := w; b < Bands; b += workers {
			bands = append(bands, b)
		}
		wg.Go(func() {
			var t bucketTable
			var scratch bandScratch
			var pairs []Pair
			for len(bands) > 0 {
				group := bands[:min(len(bands), bandsAtOnce)]
				bands = bands[len(group):]
				scratch.computeKeys(sigs, group)
				for j, b := range group {
					keys, rows, starts := scratch.inRegions(sigs, scratch.keys[j])
					pairs = pairs[:0]
					for r := range len(starts) - 1 {
						from, to := starts[r], starts[r+1]
						pairs = t.nearInRegion(pairs, sigs, keys[from:to], rows[from:to], threshold, skip)
					}
					found(w, b, pairs)
				}
			}
		})
	}
	wg.Wait()
}

// bucketTable maps the band keys of one region to their bucket's first and
// latest row: open addressing on keys that are hashes already. It is
// sized for one region, not for every row: a table for a million rows
// took 32 MB a worker, and a cache miss a row.
type bucketTable struct {
	slots []bucket
}

type bucket struct {
	key         uint64
	first, last int32 // first is -1 in a free slot
}

// nearInRegion appends to pairs the near pairs that one band proposes
// among the rows of one region and their keys, given as inRegions orders
// them, from the last row to the first. They are taken from the end, so
// that every bucket sees its rows first to last.
func (t *bucketTable) nearInRegion(pairs []Pair, sigs []*Signature, keys []uint64, rows []int32, threshold float64, skip func(a, b int32) bool) []Pair {
	size := 16
	for size < 2*len(rows) {
		size *= 2
	}
	t.slots = slices.Grow(t.slots[:0], size)[:size]
	for i := range t.slots {
		t.slots[i].first = -1
	}
	mask := uint64(size - 1)
	check := func(a, b int32) {
		if p, ok := nearPair(sigs, a, b, threshold, skip); ok {
			pairs = append(pairs, p)
		}
	}
	for i := len(rows) - 1; i >= 0; i-- {
		row, key := rows[i], keys[i]
		slot := key & mask
		for t.slots[slot].first >= 0 && t.slots[slot].key != key {
			slot = (slot + 1) & mask
		}
		b := &t.slots[slot]
		if b.first < 0 {
			*b = bucket{key: key, first: row, last: row}
			continue
		}
		first, prev := b.first, b.last
		check(first, row)
		if prev != first {
			check(prev, row)
		}
		b.last = row
	}
	return pairs
}

// bandScratch holds the memory Near reuses from band to band: the
// band keys of every row for a few bands, and the rows by region with
// their keys (two arrays, 12 bytes a row where a struct of the two took
// 16).
type bandScratch struct {
	keys       [bandsAtOnce][]uint64
	regionKeys []uint64
	regionRows []int32
	starts     []int
}

// bandsAtOnce is the number of bands whose keys are computed in one pass
// over the signatures: on a million rows the signatures (256 MB) are far
// from the cache, and reading them once per band cost as much as filling
// the tables.
const bandsAtOnce = 3

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

// regionRows is about the number of rows inRegions puts in a region.
const regionRows = 4 << 10

// nearPair returns rows a and b as a pair, and whether they are one: at
// least threshold similar, and not left out by skip. The similarity is
// looked at first: most candidates fall short of it, and skip (exact
// duplicates, read from the rows' summaries) took a cache miss or two for
// each, a quarter of the check on short rows that share many buckets.
func nearPair(sigs []*Signature, a, b int32, threshold float64, skip func(a, b int32) bool) (Pair, bool) {
	sim := sigs[a].Similarity(sigs[b])
	if sim < threshold || skip != nil && skip(a, b) {
		return Pair{}, false
	}
	return Pair{A: a, B: b, Similarity: sim}, true
}

// inRegions returns the band keys of the rows with a signature and the
// rows, grouped by region, the top bits of their keys, and the start of
// each region in them (a last start for the end). Within a region the
// last row comes first. A bucketTable for a region's few thousand rows
// stays in the cache, where one for every row took a cache miss a row.
func (sc *bandScratch) inRegions(sigs []*Signature, keys []uint64) ([]uint64, []int32, []int) {
	n := 0
	for _, s := range sigs {
		if s != nil {
			n++
		}
	}
	sc.regionKeys = slices.Grow(sc.regionKeys[:0], n)[:n]
	sc.regionRows = slices.Grow(sc.regionRows[:0], n)[:n]
	regionBits := bits.Len(uint(n / regionRows))
	sc.starts = slices.Grow(sc.starts[:0], 1<<regionBits+1)[:1<<regionBits+1]
	if regionBits == 0 {
		n := 0
		for i := len(sigs) - 1; i >= 0; i-- {
			if sigs[i] != nil {
				sc.regionKeys[n], sc.regionRows[n] = keys[i], int32(i)
				n++
			}
		}
		sc.starts[0], sc.starts[1] = 0, n
		return sc.regionKeys, sc.regionRows, sc.starts
	}
	starts := sc.starts
	clear(starts)
	shift := 64 - regionBits
	for i, s := range sigs {
		if s != nil {
			starts[keys[i]>>shift+1]++
		}
	}
	for r := 1; r < len(starts); r++ {
		starts[r] += starts[r-1]
	}
	// Placed at next[r]: starts itself stays as the regions' bounds.
	next := make([]int, len(starts)-1)
	copy(next, starts)
	for i := len(sigs) - 1; i >= 0; i-- {
		if sigs[i] != nil {
			r := keys[i] >> shift
			sc.regionKeys[next[r]], sc.regionRows[next[r]] = keys[i], int32(i)
			next[r]++
		}
	}
	return sc.regionKeys, sc.regionRows, starts
}

// Clusters groups rows linked by pairs (transitively) and returns, for
// every row in a group, the group's first row.
func Clusters(n int, pairs []Pair) []int32 {
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for _, p := range pairs {
		a, b := find(p.A), find(p.B)
		if a == b {
			continue
		}
		if a < b {
			parent[b] = a
		} else {
			parent[a] = b
		}
	}
	for i := range parent {
		parent[i] = find(int32(i))
	}
	return parent
}
