package dedup

import (
	"runtime"

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
func bandKey(s *Signature, band int) uint64 {
	v := s[band*Rows : (band+1)*Rows : (band+1)*Rows]
	lo := uint64(v[0]) | uint64(v[1])<<16 | uint64(v[2])<<32 | uint64(v[3])<<48
	hi := uint64(v[4]) | uint64(v[5])<<16 | uint64(band)<<32
	return mix(lo ^ hi*prime1)
}

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
// with one pass per band over a hash table, the bands shared out among the
// CPUs, so the whole is O(n) in time and memory. As NewIndex does, each
// worker computes the keys of a few bands in one pass over the signatures
// and fills the table region by region (bandScratch), so that the slots
// being filled stay in the cache: a row at a time, in row order, cost a
// cache miss per row and band on large files.
func Near(sigs []*Signature, threshold float64, skip func(a, b int32) bool) []Pair {
	workers := min(runtime.GOMAXPROCS(0), Bands)
	found := make([][]Pair, workers)
	var wg workgroup.Group
	for w := range workers {
		var bands []int
		for b := w; b < Bands; b += workers {
			bands = append(bands, b)
		}
		wg.Go(func() {
			t := newBucketTable(len(sigs))
			var scratch bandScratch
			for len(bands) > 0 {
				group := bands[:min(len(bands), bandsAtOnce)]
				bands = bands[len(group):]
				scratch.computeKeys(sigs, group)
				for j := range group {
					entries := scratch.inTableOrder(sigs, scratch.keys[j], len(t.slots))
					found[w] = t.nearInBand(found[w], sigs, entries, threshold, skip)
				}
			}
		})
	}
	wg.Wait()
	var pairs []Pair
	for _, f := range found {
		pairs = append(pairs, f...)
	}
	return sortPairs(pairs)
}

// bucketTable maps the band keys of one band to their bucket's first and
// latest row: open addressing on keys that are hashes already, one cache
// line touched per row.
type bucketTable struct {
	slots []bucket
	mask  uint64
}

type bucket struct {
	key         uint64
	first, last int32 // first is -1 in a free slot
}

func newBucketTable(n int) *bucketTable {
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &bucketTable{slots: make([]bucket, size), mask: uint64(size - 1)}
}

// nearInBand appends to pairs the near pairs that one band proposes, given
// its rows and keys as inTableOrder orders them: regions in order, each
// from its last row to its first. They are taken from the end, so that
// every bucket sees its rows first to last.
func (t *bucketTable) nearInBand(pairs []Pair, sigs []*Signature, entries []bandEntry, threshold float64, skip func(a, b int32) bool) []Pair {
	for i := range t.slots {
		t.slots[i].first = -1
	}
	check := func(a, b int32) {
		if skip != nil && skip(a, b) {
			return
		}
		if sim := sigs[a].Similarity(sigs[b]); sim >= threshold {
			pairs = append(pairs, Pair{A: a, B: b, Similarity: sim})
		}
	}
	for i := len(entries) - 1; i >= 0; i-- {
		row, key := entries[i].row, entries[i].key
		slot := uint64(uint32(key)) & t.mask
		for t.slots[slot].first >= 0 && t.slots[slot].key != key {
			slot = (slot + 1) & t.mask
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
