package generator

import (
	"github.com/ftls-dev/ftls/internal/dedup"
)

// index holds the fingerprints and MinHash signatures of the rows already in
// the dataset and of those accepted during the run, and answers whether a
// candidate repeats one of them. Near duplicates are found the way the D002
// rule finds them: rows become candidates when one band of their
// signatures agrees (locality-sensitive hashing), and candidates are
// compared with the full signature.
type index struct {
	threshold float64
	exact     map[uint64]struct{}
	sigs      []*dedup.Signature
	buckets   [dedup.Bands]map[uint64][]int32
}

func newIndex(threshold float64) *index {
	ix := &index{threshold: threshold, exact: map[uint64]struct{}{}}
	for i := range ix.buckets {
		ix.buckets[i] = map[uint64][]int32{}
	}
	return ix
}

// add records a row. A zero fingerprint or nil signature is not recorded.
func (ix *index) add(fp uint64, sig *dedup.Signature) {
	if fp != 0 {
		ix.exact[fp] = struct{}{}
	}
	if sig == nil {
		return
	}
	id := int32(len(ix.sigs))
	ix.sigs = append(ix.sigs, sig)
	for b := range ix.buckets {
		k := bandKey(sig, b)
		ix.buckets[b][k] = append(ix.buckets[b][k], id)
	}
}

// isExact reports whether a row with this fingerprint is recorded.
func (ix *index) isExact(fp uint64) bool {
	_, ok := ix.exact[fp]
	return fp != 0 && ok
}

// nearest returns the highest similarity at or above the threshold between
// sig and a recorded row, and false when there is none.
func (ix *index) nearest(sig *dedup.Signature) (float64, bool) {
	if sig == nil {
		return 0, false
	}
	best, found := 0.0, false
	seen := map[int32]bool{}
	for b := range ix.buckets {
		for _, id := range ix.buckets[b][bandKey(sig, b)] {
			if seen[id] {
				continue
			}
			seen[id] = true
			if s := sig.Similarity(ix.sigs[id]); s >= ix.threshold && s > best {
				best, found = s, true
			}
		}
	}
	return best, found
}

// bandKey hashes one band of a signature (SplitMix64 over its values).
func bandKey(s *dedup.Signature, band int) uint64 {
	h := uint64(band) * 0x9E3779B97F4A7C15
	for _, v := range s[band*dedup.Rows : (band+1)*dedup.Rows] {
		h ^= uint64(v)
		h += 0x9E3779B97F4A7C15
		h ^= h >> 30
		h *= 0xBF58476D1CE4E5B9
		h ^= h >> 27
		h *= 0x94D049BB133111EB
		h ^= h >> 31
	}
	return h
}
