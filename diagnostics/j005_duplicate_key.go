package diagnostics

func init() {
	register(&Rule{
		Code: "J005", Name: "duplicate-key", Severity: Error,
		Summary: "the same key twice in one object",
		Doc: Doc{
			What: "Reports an object key that appears a second time in the same object.",
			Why:  "JSON parsers disagree about duplicates: most keep the last value silently, some the first, some fail. The data a trainer sees is then not the data you reviewed.",
			Bad:  `{"role": "user", "content": "Hi", "role": "assistant"}`,
			Good: `{"role": "user", "content": "Hi"}`,
			Fix:  "Delete the copy you did not mean; ftls cannot tell which one that is.",
		},
		Row: checkDuplicateKeys,
	})
}

func checkDuplicateKeys(c *RowContext) {
	if c.ParseErr != nil || c.Blank {
		return
	}
	for _, d := range c.Root.Duplicates() {
		c.ReportValue("J005", d.Key, nil, "duplicate key %q; parsers disagree about which value wins", d.Key.Name())
	}
}
