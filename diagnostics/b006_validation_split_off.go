package diagnostics

func init() {
	register(&Rule{
		Code: "B006", Name: "validation-split-off", Severity: Warning,
		Needs:   DataRows,
		Summary: "validation share outside 10-20 %",
		Doc: Doc{
			What: "Reports a validation share outside 10-20 % of all examples: `validation.split` in a plan, or the size of the validation file next to the training file.",
			Why:  "With less than a tenth held out, validation loss is too noisy to show overfitting; with more than a fifth, examples that could teach the model sit unused.",
			Bad:  "validation: {split: 0.05}",
			Good: "validation: {split: 0.1}",
			Fix:  "Set `validation.split` between 0.1 and 0.2, then split again with `ftls split`.",
		},
	})
}
