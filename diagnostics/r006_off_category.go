package diagnostics

func init() {
	register(&Rule{
		Code: "R006", Name: "off-category", Severity: Warning,
		Summary: "the reviewer finds a row outside its category",
		Doc: Doc{
			What: "Reports rows the judge scored below the threshold for belonging to their category, as the plan's description of that category defines it.",
			Why:  "A mislabelled row distorts every balance figure (B001) and the split by category, and teaches a category the wrong content.",
			Bad:  `{"messages": [{"role": "user", "content": "How do I return shoes?"}, ...], "metadata": {"category": "order-status"}}`,
			Good: `{"messages": [{"role": "user", "content": "How do I return shoes?"}, ...], "metadata": {"category": "returns"}}`,
			Fix:  "Change the row's category, or rewrite the row to fit it.",
		},
		Row: checkCriterion("category"),
	})
}
