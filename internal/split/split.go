// Package split divides a checked dataset into a training set and a
// validation set.
//
// Assign decides, for every row of a file, which side it goes to; Write
// and Bytes then copy the rows, byte for byte, to the two outputs. Where
// the files live, when an existing file may be replaced and how the
// outcome is reported are the caller's business (`ftls split`, the
// language server's code action).
//
// The rules Assign follows:
//
//   - Stratified by category. Each category (rows without one form a
//     stratum of their own) sends round(ratio × rows) of its rows to
//     validation, so every category keeps its share in both files. A
//     category whose target rounds to zero, or would leave nothing to
//     train on, is too small to split and stays in training whole.
//   - Passes its own check. With a ratio within the 10-20 % that B006
//     accepts, the total lands there too: the categories whose share it
//     changes least give or take a row when the rounded targets add
//     up to less than 10 % or more than 20 %, and when duplicate clusters
//     too big for what is left of a target leave validation short,
//     clusters of other categories that fit make up the difference.
//   - No leakage. Exact duplicates (same Fingerprint) and near-duplicate
//     clusters (MinHash signatures at or above the threshold, linked
//     transitively) are kept together: a cluster moves as a whole or not
//     at all. A cluster moves only if it fits the validation target of
//     every category it has rows in, so targets are never exceeded. The
//     outcome is then checked the way D004 checks a training and a
//     validation file; should that check still find a pair across the two
//     sides (LSH compares candidates, not every pair), the two clusters
//     are merged and the assignment is made again, until none is found.
//   - Only rows that can be moved safely move: blank lines, rows that are
//     not JSON objects and objects spread over several lines (a JSON Lines
//     error) stay in training, and so does any cluster that holds one.
//   - Deterministic. Randomness comes from a PCG generator seeded with the
//     seed; clusters are visited in file order before being shuffled, and
//     no map is iterated, so the same seed and input give the same split.
package split

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dedup"
)

// Options tune Assign.
type Options struct {
	// Ratio is the share of each category that goes to validation, in
	// (0, 1).
	Ratio float64
	// Seed makes the split repeatable.
	Seed int64
	// Threshold is the near-duplicate similarity; 0 means
	// diagnostics.DefaultNearDuplicate.
	Threshold float64
}

// Category is the outcome for one stratum.
type Category struct {
	// Name is the category, "" for rows without one.
	Name string `json:"name"`
	// Rows counts the category's JSON object rows.
	Rows       int `json:"rows"`
	Train      int `json:"train"`
	Validation int `json:"validation"`
	// Target is how many rows validation should get: round(ratio × Rows),
	// at most Rows-1, give or take a row so that the total lands in the
	// 10-20 % that B006 accepts when the ratio does.
	Target int `json:"target"`
	// TooSmall is set when Target is 0: the category stays in training.
	TooSmall bool `json:"tooSmall,omitempty"`
}

// Share is the category's validation share.
func (c Category) Share() float64 {
	if c.Rows == 0 {
		return 0
	}
	return float64(c.Validation) / float64(c.Rows)
}

// Result is a split decision.
type Result struct {
	// Validation has one entry per input row: true for the rows that go to
	// the validation file.
	Validation []bool `json:"-"`
	// Categories are sorted by name, rows without a category last.
	Categories []Category `json:"categories"`
	// Train and Valid count the rows on each side, blank and invalid rows
	// included.
	Train int `json:"train"`
	Valid int `json:"validation"`
	// Rows kept in training because they cannot be moved safely.
	Blank     int `json:"blank"`     // blank lines
	Invalid   int `json:"invalid"`   // not a JSON object
	MultiLine int `json:"multiLine"` // an object spread over several lines
	// Clusters counts the groups of two or more rows kept together
	// (exact or near duplicates), and ClusterRows the rows in them.
	Clusters    int `json:"clusters"`
	ClusterRows int `json:"clusterRows"`
	// Rounds is how many assignments were made before no cross pair was
	// left (1 in the usual case).
	Rounds int `json:"rounds"`
}

// ErrRatio is returned for a ratio outside (0, 1).
var ErrRatio = errors.New("the validation ratio must be between 0 and 1 (exclusive)")

// maxRounds bounds the refinement loop. Every round merges at least two
// clusters, so it always ends; the bound only guards against a bug.
const maxRounds = 1000

// Assign decides which rows of a checked file go to validation. The rows
// need their Category, Fingerprint and Sig (engine settings with B002 and
// D004 enabled give them).
func Assign(rows []diagnostics.RowInfo, opt Options) (*Result, error) {
	if !(opt.Ratio > 0 && opt.Ratio < 1) {
		return nil, fmt.Errorf("%w: got %g", ErrRatio, opt.Ratio)
	}
	th := opt.Threshold
	if th <= 0 {
		th = diagnostics.DefaultNearDuplicate
	}
	n := len(rows)
	res := &Result{Validation: make([]bool, n)}

	// Categories, as indexes into res.Categories; -1 for rows that are not
	// objects.
	cat := make([]int32, n)
	movable := make([]bool, n)
	byName := map[string]int32{}
	var names []string
	for i := range rows {
		r := &rows[i]
		switch {
		case r.Blank:
			res.Blank++
		case !r.Object:
			res.Invalid++
		case r.Range().End.Line > r.Range().Start.Line:
			res.MultiLine++
		default:
			movable[i] = true
		}
		if !r.Object {
			cat[i] = -1
			continue
		}
		if _, ok := byName[r.Category]; !ok {
			byName[r.Category] = 0
			names = append(names, r.Category)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "") != (names[j] == "") {
			return names[j] == ""
		}
		return names[i] < names[j]
	})
	res.Categories = make([]Category, len(names))
	for i, name := range names {
		byName[name] = int32(i)
		res.Categories[i].Name = name
	}
	for i := range rows {
		if rows[i].Object {
			cat[i] = byName[rows[i].Category]
			res.Categories[cat[i]].Rows++
		}
	}
	target := make([]int, len(names))
	catRows := make([]int, len(names))
	for i := range res.Categories {
		c := &res.Categories[i]
		target[i] = max(min(int(math.Round(opt.Ratio*float64(c.Rows))), c.Rows-1), 0)
		catRows[i] = c.Rows
	}
	want := inShareRange(target, catRows, opt.Ratio)
	for i := range res.Categories {
		c := &res.Categories[i]
		c.Target = target[i]
		c.TooSmall = c.Rows > 0 && c.Target == 0
	}

	pairs := duplicatePairs(rows, th)
	for round := 1; ; round++ {
		res.Rounds = round
		root := dedup.Clusters(n, pairs)
		take := assignClusters(root, cat, movable, target, catRows, want, opt.Seed)
		for i := range rows {
			res.Validation[i] = take[root[i]]
		}
		cross := crossPairs(rows, res.Validation, th)
		if len(cross) == 0 {
			res.Clusters, res.ClusterRows = countClusters(root)
			break
		}
		if round == maxRounds {
			return nil, fmt.Errorf("split: near-duplicate clusters did not settle after %d rounds", round)
		}
		pairs = append(pairs, cross...)
	}

	for i := range rows {
		if res.Validation[i] {
			res.Valid++
			res.Categories[cat[i]].Validation++
		} else {
			res.Train++
			if cat[i] >= 0 {
				res.Categories[cat[i]].Train++
			}
		}
	}
	return res, nil
}

// duplicatePairs links every row to the first row with the same
// fingerprint, and near duplicates to each other.
func duplicatePairs(rows []diagnostics.RowInfo, th float64) []dedup.Pair {
	var pairs []dedup.Pair
	first := map[uint64]int32{}
	sigs := make([]*dedup.Signature, len(rows))
	for i := range rows {
		r := &rows[i]
		sigs[i] = r.Sig
		if r.Fingerprint == 0 {
			continue
		}
		if f, ok := first[r.Fingerprint]; ok {
			pairs = append(pairs, dedup.Pair{A: f, B: int32(i), Similarity: 1})
		} else {
			first[r.Fingerprint] = int32(i)
		}
	}
	same := func(a, b int32) bool {
		return rows[a].Fingerprint != 0 && rows[a].Fingerprint == rows[b].Fingerprint
	}
	return append(pairs, dedup.Near(sigs, th, same)...)
}

// The validation share B006 accepts (diagnostics.ValidationShare): a
// ratio inside it gives files that pass `ftls check`.
const (
	MinShare = 0.10
	MaxShare = 0.20
)

// inShareRange adjusts the categories' targets so that their sum, the
// validation rows, is a share of all rows inside [MinShare, MaxShare]
// when the ratio is: rounding each category on its own can fall short
// (34 rows at 0.1, in categories of 30 and 4, give 3, 8.8 %). A row is
// added to the category whose share it moves least away from the ratio
// and that keeps a row for training, or taken from such a category.
// It returns the number of rows validation should get.
func inShareRange(target, rows []int, ratio float64) int {
	n, sum := 0, 0
	for i := range rows {
		n += rows[i]
		sum += target[i]
	}
	lo, hi := (n+9)/10, n/5 // ceil(10 %), floor(20 %)
	want := sum
	// Under ten rows no count may land in the range (4 rows: 0 % or 25 %):
	// then the ratio's own rounding stands.
	if ratio >= MinShare && want < lo && lo <= hi {
		want = lo
	}
	if ratio <= MaxShare && want > hi && hi >= lo {
		want = hi
	}
	// The share a category would have after one row more (or less):
	// the row goes to, or comes from, the category whose share moves the
	// least away from the ratio, larger categories first on a tie.
	after := func(i, d int) float64 { return float64(target[i]+d) / float64(rows[i]) }
	better := func(a, b float64, i, j int) bool { return a < b || a == b && rows[i] > rows[j] }
	for sum < want {
		best := -1
		for i := range target {
			if target[i] < rows[i]-1 && (best < 0 || better(after(i, 1)-ratio, after(best, 1)-ratio, i, best)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		target[best]++
		sum++
	}
	for sum > want {
		best := -1
		for i := range target {
			if target[i] > 0 && (best < 0 || better(ratio-after(i, -1), ratio-after(best, -1), i, best)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		target[best]--
		sum--
	}
	return sum
}

// assignClusters picks the clusters that go to validation; it returns
// take indexed by a cluster's root (its first row). Clusters first fill
// each category's target; when clusters too big for what is left leave
// the total below want, single-category clusters that fit the shortfall
// are added to any category that keeps a training row.
func assignClusters(root []int32, cat []int32, movable []bool, target, catRows []int, want int, seed int64) []bool {
	n := len(root)
	take := make([]bool, n)
	size := make([]int32, n)
	pinned := make([]bool, n)
	mixed := false
	mixedRoot := make([]bool, n)
	for i := range root {
		r := root[i]
		size[r]++
		if !movable[i] {
			pinned[r] = true
		}
		if cat[i] != cat[r] {
			mixedRoot[r], mixed = true, true
		}
	}
	// The categories of a cluster that spans several, by root.
	var parts map[int32][]catCount
	if mixed {
		parts = map[int32][]catCount{}
		for i := range root {
			r := root[i]
			if mixedRoot[r] && !pinned[r] {
				parts[r] = addCount(parts[r], cat[i])
			}
		}
	}
	strata := make([][]int32, len(target))
	for i := range root {
		if root[i] == int32(i) && !pinned[i] && cat[i] >= 0 {
			strata[cat[i]] = append(strata[cat[i]], int32(i))
		}
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x9E3779B97F4A7C15))
	have := make([]int, len(target))
	for s, list := range strata {
		if target[s] == 0 {
			continue
		}
		rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		for _, r := range list {
			if !mixedRoot[r] {
				if have[s]+int(size[r]) <= target[s] {
					have[s] += int(size[r])
					take[r] = true
				}
			} else if fits(parts[r], have, target) {
				for _, p := range parts[r] {
					have[p.cat] += p.n
				}
				take[r] = true
			}
			if have[s] == target[s] {
				break
			}
		}
	}
	total := 0
	for _, h := range have {
		total += h
	}
	// One cluster per category and pass, so that no category takes the
	// whole shortfall.
	for added := true; added && total < want; {
		added = false
		for s, list := range strata {
			for _, r := range list {
				if take[r] || mixedRoot[r] || total+int(size[r]) > want || have[s]+int(size[r]) > catRows[s]-1 {
					continue
				}
				have[s] += int(size[r])
				total += int(size[r])
				take[r], added = true, true
				break
			}
		}
	}
	return take
}

type catCount struct {
	cat int32
	n   int
}

func addCount(cs []catCount, c int32) []catCount {
	for i := range cs {
		if cs[i].cat == c {
			cs[i].n++
			return cs
		}
	}
	return append(cs, catCount{c, 1})
}

func fits(parts []catCount, have, target []int) bool {
	for _, p := range parts {
		if p.cat < 0 || have[p.cat]+p.n > target[p.cat] {
			return false
		}
	}
	return true
}

// crossPairs finds the near duplicates across the two sides that D004
// would report on the written files (diagnostics.Leakage). Leakage runs
// dedup.Near over the training rows followed by the validation rows, each
// side in file order; within a band bucket, Near compares every row with
// the bucket's first row and with its predecessor. The only pairs it can
// compare across the sides are therefore a validation row with the
// bucket's first training row, and the bucket's first validation row with
// its last training row. crossPairs compares each validation row with both
// the first and the last training row of each bucket it shares with the
// training side: a superset, found with one hash lookup per row and band
// instead of a sort of every row per band. (A bucket is the set of rows
// whose signatures agree on the band's values.) Exact duplicates cannot
// cross: they share a cluster.
func crossPairs(rows []diagnostics.RowInfo, valid []bool, th float64) []dedup.Pair {
	type bucket struct{ first, last int32 }
	var validRows []int32
	for i := range rows {
		if valid[i] && rows[i].Sig != nil {
			validRows = append(validRows, int32(i))
		}
	}
	if len(validRows) == 0 {
		return nil
	}
	// One table for every band (the band is part of the key). Rows are
	// visited one at a time and all their bands hashed together, so each
	// signature is read from memory once per pass.
	index := make(map[uint64]int32, len(validRows)*dedup.Bands)
	buckets := make([]bucket, 0, len(validRows)*dedup.Bands)
	of := make([]int32, len(validRows)*dedup.Bands) // validation row × band -> bucket
	for k, i := range validRows {
		for band := range dedup.Bands {
			key := bandHash(rows[i].Sig, band)
			b, ok := index[key]
			if !ok {
				b = int32(len(buckets))
				index[key] = b
				buckets = append(buckets, bucket{-1, -1})
			}
			of[k*dedup.Bands+band] = b
		}
	}
	for i := range rows {
		if valid[i] || rows[i].Sig == nil {
			continue
		}
		for band := range dedup.Bands {
			if b, ok := index[bandHash(rows[i].Sig, band)]; ok {
				if buckets[b].first < 0 {
					buckets[b].first = int32(i)
				}
				buckets[b].last = int32(i)
			}
		}
	}
	var out []dedup.Pair
	var seen map[[2]int32]bool
	for k, v := range validRows {
		for band := range dedup.Bands {
			b := buckets[of[k*dedup.Bands+band]]
			if b.first < 0 {
				continue
			}
			for _, t := range [2]int32{b.first, b.last} {
				if seen == nil {
					seen = map[[2]int32]bool{}
				}
				if seen[[2]int32{t, v}] {
					continue
				}
				seen[[2]int32{t, v}] = true
				if sim := rows[t].Sig.Similarity(rows[v].Sig); sim >= th {
					out = append(out, dedup.Pair{A: min(t, v), B: max(t, v), Similarity: sim})
				}
			}
		}
	}
	return out
}

// bandHash identifies the values of one band of a signature. Rows with
// equal values get equal hashes; unequal values that collide only add
// comparisons.
func bandHash(s *dedup.Signature, band int) uint64 {
	v := s[band*dedup.Rows : (band+1)*dedup.Rows : (band+1)*dedup.Rows]
	lo := uint64(v[0]) | uint64(v[1])<<16 | uint64(v[2])<<32 | uint64(v[3])<<48
	hi := uint64(v[4]) | uint64(v[5])<<16 | uint64(band)<<32
	h := lo*0x9E3779B97F4A7C15 ^ hi*0xC2B2AE3D27D4EB4F
	return h ^ h>>31
}

func countClusters(root []int32) (clusters, rows int) {
	size := make([]int32, len(root))
	for _, r := range root {
		size[r]++
	}
	for _, s := range size {
		if s > 1 {
			clusters++
			rows += int(s)
		}
	}
	return clusters, rows
}
