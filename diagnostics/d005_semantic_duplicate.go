package diagnostics

import (
	"fmt"
	"path/filepath"

	"github.com/ftls-dev/ftls/internal/embedding"
)

func init() {
	register(&Rule{
		Code: "D005", Name: "semantic-duplicate", Severity: Warning,
		Needs:      DataRows | DataFingerprint | DataSketch | DataEmbed,
		Configured: func(s *Settings) bool { return s.Embeddings != nil },
		Summary:    "a conversation that means the same as another, in other words (opt in: plan section embeddings)",
		Doc: Doc{
			What: "Reports rows whose prompt side and answer side both have an embedding within `embeddings.threshold` (cosine, 0.9 by default) of another row's; with `embeddings.compare: prompt`, the prompts alone decide. The prompt side is every turn but the system prompt and the answers; the answer side is the assistant's turns. Pairs that D001 or D002 already report are left out. The vectors come from the sidecar file `ftls embed` writes next to the dataset (`FILE.ftls-embeddings`); the check itself calls no model. It is off unless the governing plan has an `embeddings` section, and it also says when the sidecar is missing, damaged, for another model, or lacks rows changed since it was written.",
			Why:  "A paraphrase shares few word 3-grams with its original, so MinHash (D002) misses it, yet it teaches the model nothing new: generators that are asked for variety often return the same conversation reworded. Such pairs overweight one example and, split across training and validation, make the validation loss optimistic.",
			Bad:  `"How do I reset my password?" / "Open Settings, choose Security, then Reset password."  and  "What are the steps to change a forgotten password?" / "Go to Settings > Security and pick Reset password."`,
			Good: "one of them, or a second conversation about a different problem",
			Fix:  "Delete or rewrite one row of each pair. Raise `embeddings.threshold` if the pairs are merely on the same topic.",
		},
		File: checkSemanticDuplicates,
	})
}

func checkSemanticDuplicates(f *FileContext) {
	e, cfg := f.Embeddings, f.Settings.Embeddings
	if e == nil || cfg == nil {
		return
	}
	c, ok := f.usableEmbeddings(e, cfg)
	if !ok {
		return
	}
	q := embedding.Query{
		Prompt: make([]int32, len(f.Rows)), Answer: make([]int32, len(f.Rows)),
		Threshold: float32(cfg.Threshold), PromptOnly: cfg.PromptOnly,
	}
	missing := 0
	for i := range f.Rows {
		ex := f.Rows[i].Extra()
		p, hasP := c.Index(ex.EmbedPrompt)
		a, hasA := c.Index(ex.EmbedAnswer)
		q.Prompt[i], q.Answer[i] = p, a
		if ex.EmbedPrompt != 0 && !hasP || !cfg.PromptOnly && ex.EmbedAnswer != 0 && !hasA {
			missing++
		}
	}
	if missing > 0 {
		f.ReportFile("D005", "%s changed or added since `ftls embed` ran, not yet checked for semantic near-duplicates: run `ftls embed` again",
			plural(missing, "row"))
	}
	lexical := f.Settings.Severity("D002") != Off
	q.Skip = func(a, b int32) bool {
		ra, rb := &f.Rows[a], &f.Rows[b]
		if ra.Fingerprint != 0 && ra.Fingerprint == rb.Fingerprint {
			return true
		}
		return lexical && ra.Sig != nil && rb.Sig != nil && ra.Sig.Similarity(rb.Sig) >= f.Settings.NearDuplicate
	}
	var pairs []embedding.Pair
	if f.SemanticIndex != nil {
		for _, p := range f.SemanticIndex.Pairs(c, q) {
			if !q.Skip(p.A, p.B) {
				pairs = append(pairs, p)
			}
		}
	} else {
		pairs = c.Pairs(q)
	}
	f.reportSemanticPairs(pairs, cfg.PromptOnly)
}

// usableEmbeddings reports what keeps the sidecar from being used, and
// returns its vectors when they can be.
func (f *FileContext) usableEmbeddings(e *Embeddings, cfg *EmbeddingSettings) (*embedding.Cache, bool) {
	name := filepath.Base(e.Path)
	switch {
	case e.Err != nil:
		f.ReportFile("D005", "the embeddings in %s cannot be read (%v): run `ftls embed` to write them again", name, e.Err)
		return nil, false
	case len(e.Problems) > 0:
		f.ReportFile("D005", "%s is damaged, %s; the damaged lines are ignored, and `ftls embed` writes the file again", name, e.Problems[0])
	}
	switch {
	case e.Cache == nil || e.Cache.Model == "" && e.Cache.Len() == 0:
		if len(e.Problems) == 0 {
			f.ReportFile("D005", "no embeddings yet (the plan turns semantic near-duplicates on): run `ftls embed` on this file")
		}
		return nil, false
	case e.Cache.Model != cfg.Model:
		f.ReportFile("D005", "the embeddings in %s are from model %s but the plan asks for %s: run `ftls embed` on this file", name, e.Cache.Model, cfg.Model)
		return nil, false
	}
	return e.Cache, true
}

func (f *FileContext) reportSemanticPairs(pairs []embedding.Pair, promptOnly bool) {
	best := map[int32]embedding.Pair{} // the closest earlier row of each row
	others := map[int32][]int32{}
	for _, p := range pairs {
		if b, ok := best[p.B]; !ok || p.Prompt+p.Answer > b.Prompt+b.Answer {
			best[p.B] = p
		}
		others[p.A] = append(others[p.A], p.B)
		others[p.B] = append(others[p.B], p.A)
	}
	for _, p := range pairs {
		if best[p.B] != p {
			continue
		}
		i, j := int(p.B), int(p.A)
		how := fmt.Sprintf("prompt cosine %.2f, answer cosine %.2f", p.Prompt, p.Answer)
		if promptOnly && p.Answer == 0 {
			how = fmt.Sprintf("prompt cosine %.2f", p.Prompt)
		}
		related := []Related{f.RelatedRow(j, "same meaning ("+how+")")}
		for _, k := range others[p.B] {
			if k != p.A && len(related) < 5 {
				related = append(related, f.RelatedRow(int(k), "also close in meaning"))
			}
		}
		says := "says the same as line %d in other words (%s)"
		if promptOnly {
			says = "asks what line %d asks, in other words (%s)"
		}
		f.ReportRelated("D005", i, nil, related, says, f.Line(j), how)
	}
}
