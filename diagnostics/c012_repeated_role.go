package diagnostics

func init() {
	register(&Rule{
		Code: "C012", Name: "repeated-role", Severity: Warning,
		Summary: "two consecutive messages with the same role",
		Doc: Doc{
			What: "Reports a message whose role is the same as the one before it (consecutive tool results are allowed).",
			Why:  "Alternation is what the model learns from; two user turns in a row usually mean a lost answer, and some templates reject them.",
			Bad:  `[{"role": "user", ...}, {"role": "user", ...}, {"role": "assistant", ...}]`,
			Good: `[{"role": "user", ...}, {"role": "assistant", ...}]`,
			Fix:  "Merge the two turns or add the missing one between them.",
		},
		Row: checkRepeatedRole,
	})
}

func checkRepeatedRole(c *RowContext) {
	for i := 1; i < len(c.Messages); i++ {
		prev, cur := c.Messages[i-1].RoleName(), c.Messages[i].RoleName()
		if cur != "" && cur == prev && cur != "tool" && cur != "observation" && cur != "function" {
			c.ReportValue("C012", c.Messages[i].Value, nil, "%s repeats the role %q of the message before it", c.Path(c.Messages[i]), cur)
		}
	}
}
