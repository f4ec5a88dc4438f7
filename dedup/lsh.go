package dedup

import "slices"

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

// bandKey hashes the values of one band of a signature.
func bandKey(s *Signature, band int) uint64 {
	v := s[band*Rows : (band+1)*Rows : (band+1)*Rows]
	lo := uint64(v[0]) | uint64(v[1])<<16 | uint64(v[2])<<32 | uint64(v[3])<<48
	hi := uint64(v[4]) | uint64(v[5])<<16 | uint64(band)<<32
	return mix(lo ^ mix(hi))
}

// Pair is a near-duplicate pair found by Near: B is a later row than A.
type Pair struct {
	A, B       int32
	Similarity float64
}

// Near returns pairs of rows whose estimated similarity is at least
// threshold, linking each row to the earliest row of its band buckets that
// it resembles. sigs[i] is nil for rows without a signature; skip reports
// pairs to leave out (exact duplicates, for instance). The work is one sort
// per band, so the whole is O(n log n) in time and O(n) in memory.
func Near(sigs []*Signature, threshold float64, skip func(a, b int32) bool) []Pair {
	type entry struct {
		key uint64
		row int32
	}
	entries := make([]entry, 0, len(sigs))
	seen := map[[2]int32]bool{}
	var pairs []Pair
	for band := 0; band < Bands; band++ {
		entries = entries[:0]
		for i, s := range sigs {
			if s == nil {
				continue
			}
			entries = append(entries, entry{bandKey(s, band), int32(i)})
		}
		slices.SortFunc(entries, func(a, b entry) int {
			switch {
			case a.key < b.key:
				return -1
			case a.key > b.key:
				return 1
			}
			return int(a.row - b.row)
		})
		for start := 0; start < len(entries); {
			end := start + 1
			for end < len(entries) && entries[end].key == entries[start].key {
				end++
			}
			// Within a bucket, compare each row with the bucket's first row
			// and with its predecessor: linear in the bucket's size even
			// when thousands of rows share a band, and enough to connect
			// a cluster.
			for j := start + 1; j < end; j++ {
				b := entries[j].row
				for _, a := range []int32{entries[start].row, entries[j-1].row} {
					if a == b || seen[[2]int32{a, b}] || (skip != nil && skip(a, b)) {
						continue
					}
					seen[[2]int32{a, b}] = true
					if sim := sigs[a].Similarity(sigs[b]); sim >= threshold {
						pairs = append(pairs, Pair{A: a, B: b, Similarity: sim})
					}
				}
			}
			start = end
		}
	}
	slices.SortFunc(pairs, func(x, y Pair) int {
		if x.B != y.B {
			return int(x.B - y.B)
		}
		return int(x.A - y.A)
	})
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
