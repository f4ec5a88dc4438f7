package diagnostics

import (
	"fmt"

	"github.com/ftls-dev/ftls/internal/dedup"
)

func init() {
	register(&Rule{
		Code: "D002", Name: "near-duplicate", Severity: Warning,
		Needs:   DataRows | DataSketch,
		Summary: "a conversation nearly the same as another",
		Doc: Doc{
			What: "Reports rows whose user and assistant text share most of their word 3-grams with another row (estimated Jaccard similarity at or above `near_duplicate_threshold`, 0.85 by default), grouped into clusters. System prompts are left out because they are usually shared by every row. Uses MinHash with locality-sensitive hashing, so the cost grows linearly with the file.",
			Why:  "Near copies, such as the same answer with a different name, or a template filled twice, add little and teach the model a pattern instead of a skill; they also make a validation split optimistic.",
			Bad:  `"Where is my order 123?" / "Your order 123 ships today."  and  "Where is my order 456?" / "Your order 456 ships today."`,
			Good: "one of them, or two genuinely different conversations",
			Fix:  "Rewrite or delete all but one row of each cluster; `ftls split` keeps a cluster on one side.",
		},
		File: checkNearDuplicates,
	})
}

func checkNearDuplicates(f *FileContext) {
	exact := func(a, b int32) bool {
		fa, fb := f.Rows[a].Fingerprint, f.Rows[b].Fingerprint
		return fa != 0 && fa == fb
	}
	var pairs []dedup.Pair
	if f.NearIndex != nil {
		pairs = f.NearIndex.Pairs(f.Settings.NearDuplicate, exact)
	} else {
		sigs := make([]*dedup.Signature, len(f.Rows))
		for i := range f.Rows {
			sigs[i] = f.Rows[i].Sig
		}
		pairs = dedup.Near(sigs, f.Settings.NearDuplicate, exact)
	}
	if len(pairs) == 0 {
		return
	}
	// The clusters are found among the paired rows only, numbered in file
	// order: the server runs this after every pause in typing, and a pass
	// over every row of the file cost more than the rest of the rule.
	rows := pairedRows(pairs)
	local := make(map[int32]int32, len(rows))
	for k, i := range rows {
		local[i] = int32(k)
	}
	linked := make([]dedup.Pair, len(pairs))
	for k, p := range pairs {
		linked[k] = dedup.Pair{A: local[p.A], B: local[p.B]}
	}
	root := dedup.Clusters(len(rows), linked)
	members := map[int32][]int{}
	for k, i := range rows {
		members[root[k]] = append(members[root[k]], int(i))
	}
	best := map[int32]dedup.Pair{} // the strongest link of each row to an earlier one
	for _, p := range pairs {
		if b, ok := best[p.B]; !ok || p.Similarity > b.Similarity {
			best[p.B] = p
		}
	}
	for k, row := range rows {
		p, ok := best[row]
		if !ok {
			continue
		}
		i, group := int(row), members[root[k]]
		related := []Related{f.RelatedRow(int(p.A), fmt.Sprintf("similar (%.2f)", p.Similarity))}
		for _, m := range group {
			if m != i && m != int(p.A) && len(related) < 5 {
				related = append(related, f.RelatedRow(m, "same cluster"))
			}
		}
		f.ReportRelated("D002", i, nil, related, "near-duplicate of line %d (similarity %.2f; cluster of %d rows)",
			f.Line(int(p.A)), p.Similarity, len(group))
	}
}
