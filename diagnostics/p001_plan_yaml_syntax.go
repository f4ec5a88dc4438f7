package diagnostics

func init() {
	register(&Rule{
		Code: "P001", Name: "plan-yaml-syntax", Severity: Error,
		Summary: "plan file is not valid YAML",
		Doc: Doc{
			What: "Reports a plan file that the YAML parser cannot read: bad indentation, a tab used for indentation, an unclosed quote or bracket, a value containing `: ` that is not quoted, a key written twice in the same mapping, text that is not UTF-8, or a second YAML document in the file. The finding points at the line where the problem starts.",
			Why:  "Nothing in a plan that does not parse can be used: balance checks, generation, splitting and statistics all fall back to defaults, so the dataset is checked against a plan you did not write.",
			Bad:  "style:\n  tone: friendly\n response_length: brief",
			Good: "style:\n  tone: friendly\n  response_length: brief",
			Fix:  "Correct the YAML at the reported line. Indent with spaces only, and quote values that contain `: ` or start with a special character such as `@`, `*` or `&`.",
		},
	})
}
