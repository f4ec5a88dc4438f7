package embedding

import (
	"slices"
)

// Index keeps the close pairs of a document's rows between edits, for the
// language server: an edit changes a row or two, and searching again only
// for them costs n signature comparisons each instead of n²/2. It is what
// dedup.Index is to the near-duplicates of D002. It is not safe for
// concurrent use.
type Index struct {
	cache      *Cache
	threshold  float32
	promptOnly bool

	prompt, answer []int32 // each row's entries, as last given
	ps, as         []signature
	pairs          []Pair // every close pair, sorted, Skip not applied
}

// Pairs returns the pairs Cache.Pairs would return for q, Skip aside: the
// caller filters them. When q has as many rows as the last call, with the
// same cache and settings, only the rows whose entries changed are
// searched again (all of them when more than an eighth did).
func (x *Index) Pairs(c *Cache, q Query) []Pair {
	n := len(q.Prompt)
	if c == nil || c.Len() == 0 {
		return nil
	}
	if x.cache != c || x.threshold != q.Threshold || x.promptOnly != q.PromptOnly || len(x.prompt) != n {
		return x.rebuild(c, q)
	}
	var changed []int32
	for i := range n {
		if q.Prompt[i] != x.prompt[i] || q.Answer[i] != x.answer[i] {
			changed = append(changed, int32(i))
		}
	}
	if len(changed) == 0 {
		return x.pairs
	}
	if len(changed) > n/8 {
		return x.rebuild(c, q)
	}
	copy(x.prompt, q.Prompt)
	copy(x.answer, q.Answer)
	sigs := c.signatures()
	for _, i := range changed {
		x.setSigs(i, sigs)
	}
	x.pairs = slices.DeleteFunc(x.pairs, func(p Pair) bool {
		_, a := slices.BinarySearch(changed, p.A)
		_, b := slices.BinarySearch(changed, p.B)
		return a || b
	})
	limit := maxHamming(q.Threshold)
	done := make([]bool, n) // changed rows already searched
	for _, i := range changed {
		done[i] = true
		if !x.eligible(i) {
			continue
		}
		for j := range int32(n) {
			// A pair of two changed rows is found once, from the first.
			if done[j] || !x.eligible(j) {
				continue
			}
			a, b := min(i, j), max(i, j)
			if hamming(&x.ps[a], &x.ps[b]) > limit || !q.PromptOnly && hamming(&x.as[a], &x.as[b]) > limit {
				continue
			}
			if p, ok := c.verify(a, b, Query{Prompt: x.prompt, Answer: x.answer, Threshold: q.Threshold, PromptOnly: q.PromptOnly}); ok {
				x.pairs = append(x.pairs, p)
			}
		}
	}
	slices.SortFunc(x.pairs, comparePairs)
	return x.pairs
}

func (x *Index) rebuild(c *Cache, q Query) []Pair {
	x.cache, x.threshold, x.promptOnly = c, q.Threshold, q.PromptOnly
	x.prompt, x.answer = slices.Clone(q.Prompt), slices.Clone(q.Answer)
	sigs := c.signatures()
	x.ps, x.as = make([]signature, len(q.Prompt)), make([]signature, len(q.Prompt))
	for i := range q.Prompt {
		x.setSigs(int32(i), sigs)
	}
	all := q
	all.Skip = nil
	x.pairs = c.Pairs(all)
	return x.pairs
}

func (x *Index) eligible(i int32) bool {
	return x.prompt[i] >= 0 && (x.promptOnly || x.answer[i] >= 0)
}

func (x *Index) setSigs(i int32, sigs []signature) {
	x.ps[i], x.as[i] = signature{}, signature{}
	if p := x.prompt[i]; p >= 0 {
		x.ps[i] = sigs[p]
	}
	if a := x.answer[i]; a >= 0 {
		x.as[i] = sigs[a]
	}
}

func comparePairs(a, b Pair) int {
	if a.A != b.A {
		return int(a.A - b.A)
	}
	return int(a.B - b.B)
}
