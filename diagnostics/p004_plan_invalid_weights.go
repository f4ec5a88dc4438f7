package diagnostics

func init() {
	register(&Rule{
		Code: "P004", Name: "plan-invalid-weights", Severity: Error,
		Summary: "category weights or counts that cannot be satisfied",
		Doc: Doc{
			What: "Reports category weights and counts that do not describe a distribution: a negative or non-numeric weight or count, weights that are all zero, a category that sets both `weight` and `count`, two categories with the same name (or with names equal but for case, such as `billing` and `Billing`, which rows, targets and the balance check would count apart), explicit counts that add up to more than `size.examples` (or that use up every example while other categories still have weights, or that fall short of `size.examples` when every category has a count), and a weight so small that its category gets no example at all.",
			Why:  "Generation targets and the balance check (B001) are computed from these numbers. When they contradict each other, one category is starved or the plan asks for more examples than it sizes.",
			Bad:  "size: {examples: 500}\ncategories:\n  - {name: returns, count: 400}\n  - {name: billing, count: 300}",
			Good: "size: {examples: 700}\ncategories:\n  - {name: returns, count: 400}\n  - {name: billing, count: 300}",
			Fix:  "Weights are relative: a category with weight 2 gets twice the share of one with weight 1. Use `count` only for categories that need an exact number; the examples left over are shared by the weighted categories.",
		},
	})
}
