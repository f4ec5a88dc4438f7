package diagnostics

func init() {
	register(&Rule{
		Code: "J003", Name: "blank-line", Severity: Warning, Fixable: true,
		Summary: "blank line",
		Doc: Doc{
			What: "Reports an empty line, or one holding only whitespace, in a JSON Lines file.",
			Why:  "Some loaders skip blank lines, others fail on them or count them as empty examples; OpenAI's validator rejects the file.",
			Bad:  "{\"messages\": [...]}\n\n{\"messages\": [...]}",
			Good: "{\"messages\": [...]}\n{\"messages\": [...]}",
			Fix:  "Deletes the line.",
		},
		Row: checkBlank,
	})
}

func checkBlank(c *RowContext) {
	if c.Blank {
		c.ReportRow("J003", DeleteRow("Delete the blank line", c.Row), "blank line")
	}
}
