package diagnostics

func init() {
	register(&Rule{
		Code: "R007", Name: "proposed-category", Severity: Info, Fixable: true,
		Summary: "the reviewer proposes a category for a row without one",
		Doc: Doc{
			What: "Reports rows without a category for which `ftls review --categorize` asked the judge to pick one of the plan's categories: the proposed category and the judge's reason, or that none of the plan's categories fits.",
			Why:  "Most datasets carry no category, so the balance rules (B001) cannot measure them; a proposed category is the start of that measure, and a row that fits no category shows a gap in the plan.",
			Bad:  `{"messages": [{"role": "user", "content": "Where is my parcel?"}, ...]}`,
			Good: `{"messages": [{"role": "user", "content": "Where is my parcel?"}, ...], "metadata": {"category": "order-status"}}`,
			Fix:  "The fix writes the proposed category at the category field (`metadata.category` by default): the editor's quick fix, or `ftls review --categorize --fix` for every row. `ftls fix` leaves it alone, since a model chose it.",
		},
		Row: checkProposedCategory,
	})
}
