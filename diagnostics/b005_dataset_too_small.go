package diagnostics

func init() {
	register(&Rule{
		Code: "B005", Name: "dataset-too-small", Severity: Warning,
		Summary: "dataset size below the recommendation for its complexity",
		Doc: Doc{
			What: "Compares a dataset's planned size (`size.examples` in the plan) with the usual minimum for the task's complexity: 100 examples for simple tasks (100-500 is typical), 500 for medium ones (500-2,000), 2,000 for complex ones (2,000-10,000 or more) and 1,000 for domain adaptation (1,000-5,000). The message gives both numbers.",
			Why:  "Below these sizes a fine-tune tends to copy the surface of its few examples instead of learning the behaviour, and cannot cover the scenarios and edge cases the task has. More is not automatically better, though: a few hundred varied examples beat thousands of near-copies.",
			Bad:  "size: {examples: 200, complexity: complex}",
			Good: "size: {examples: 2000, complexity: complex}",
			Fix:  "Raise `size.examples`, or set `size.complexity` to what the task really is. Grow the dataset in batches and review each one.",
		},
		File: checkDatasetSize,
	})
}

// checkDatasetSize is B005 on a dataset governed by a plan: the examples
// the file holds against the recommendation for the plan's complexity.
// The recommendation is for training sets: a validation file is exempt.
func checkDatasetSize(f *FileContext) {
	p := f.Settings.Plan
	if p == nil || p.MinExamples == 0 || f.Validation {
		return
	}
	if n := f.Examples(); n < p.MinExamples {
		f.reportFileRelated("B005", f.planRelated(p.SizeRange, "size.examples"),
			"dataset has %d examples; a %s task needs at least %d (the plan asks for %d)", n, p.Complexity, p.MinExamples, p.Examples)
	}
}
