package diagnostics

func init() {
	register(&Rule{
		Code: "C010", Name: "last-not-assistant", Severity: Warning,
		Summary: "conversation does not end with the assistant",
		Doc: Doc{
			What: "Reports a conversation whose last turn is not the assistant's.",
			Why:  "Turns after the last assistant message are never trained; usually the answer was cut off or the turns are out of order.",
			Bad:  `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Thanks"}]}`,
			Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
			Fix:  "Add the final answer or drop the trailing turns.",
		},
		Row: checkLastTurn,
	})
}

func checkLastTurn(c *RowContext) {
	n := len(c.Messages)
	if n == 0 || !hasAssistant(c) || !rolesKnown(c) {
		return
	}
	last := c.Messages[n-1]
	if role := last.RoleName(); role != "" && role != c.Schema.Assistant {
		c.ReportValue("C010", last.Value, nil, "conversation ends with a %q message; turns after the last %q are not trained", role, c.Schema.Assistant)
	}
}
