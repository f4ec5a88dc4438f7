package diagnostics

func init() {
	register(&Rule{
		Code: "R001", Name: "inaccurate-answer", Severity: Warning, Fixable: true,
		Summary: "the reviewer finds an answer inaccurate or unhelpful",
		Doc: Doc{
			What: "Reports rows whose answers the judge model of `ftls review` scored below the threshold (review.threshold, 3 of 5 by default) for accuracy and helpfulness. The finding sits on the answer the judge names and carries its one-sentence reason.",
			Why:  "A model fine-tuned on wrong answers learns to be confidently wrong; no rule can check facts, so the judge does, and its verdict is kept until the row changes.",
			Bad:  `{"messages": [{"role": "user", "content": "What is the boiling point of water at sea level?"}, {"role": "assistant", "content": "50 °C."}]}`,
			Good: `{"messages": [{"role": "user", "content": "What is the boiling point of water at sea level?"}, {"role": "assistant", "content": "100 °C (212 °F)."}]}`,
			Fix:  "Correct the answer. Where the judge wrote a corrected answer, the editor offers it as a quick fix (\"Replace the answer with the reviewer's rewrite\"); `ftls fix` never applies it, since a model wrote it. Changing the row makes the verdict stale: run `ftls review` again.",
		},
		Row: checkCriterion("accuracy"),
	})
}
