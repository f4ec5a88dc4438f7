package diagnostics

func init() {
	register(&Rule{
		Code: "P003", Name: "plan-invalid-value", Severity: Error, Fixable: true,
		Summary: "plan value of the wrong type, out of range, or not an allowed choice",
		Doc: Doc{
			What: "Reports a value the schema does not accept: text where a number is needed, a share outside 0-1, a batch size outside 10-100, a choice that is not in the allowed list (the message lists them), a missing `version` or a version other than 1, a category without a name, an output path that is empty, and settings that contradict each other (a `consistent` system prompt with several prompts, expertise shares that do not add up to 1, the same file for training and validation). An empty category `description` is reported too, as a warning (at most): the plan still works, but generation has only the category's name to go on.",
			Why:  "An invalid value is dropped and replaced by the default, so generation and checks would run with a setting you did not choose.",
			Bad:  "size: {examples: 600, complexity: hard}",
			Good: "size: {examples: 600, complexity: complex}",
			Fix:  "Use a value the message allows. A misspelled choice is replaced by the closest allowed one, a missing version is inserted, and a single value where a list is expected is wrapped in brackets.",
		},
	})
}
