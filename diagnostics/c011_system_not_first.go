package diagnostics

func init() {
	register(&Rule{
		Code: "C011", Name: "system-not-first", Severity: Warning,
		Summary: "system message not first",
		Doc: Doc{
			What: "Reports a system message that is not the first message.",
			Why:  "Chat templates put the system prompt at the top; many drop or misplace a later one, and the model learns an order it never sees at inference.",
			Bad:  `{"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."}, ...]}`,
			Good: `{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, ...]}`,
			Fix:  "Move the system message to the top.",
		},
		Row: checkSystemFirst,
	})
}

func checkSystemFirst(c *RowContext) {
	for _, m := range c.Messages[min(1, len(c.Messages)):] {
		if m.RoleName() == "system" {
			c.ReportValue("C011", m.Value, nil, "%s is a system message; it belongs first", c.Path(m))
		}
	}
}
