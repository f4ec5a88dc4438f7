package diagnostics

func init() {
	register(&Rule{
		Code: "C009", Name: "no-assistant", Severity: Error,
		Summary: "no assistant message",
		Doc: Doc{
			What: "Reports a conversation without any assistant turn (ShareGPT: gpt).",
			Why:  "Only assistant turns are trained; a row without one adds nothing and OpenAI rejects it.",
			Bad:  `{"messages": [{"role": "user", "content": "Hi"}]}`,
			Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
			Fix:  "Write the answer the model should learn.",
		},
		Row: checkNoAssistant,
	})
}

func checkNoAssistant(c *RowContext) {
	if len(c.Messages) == 0 || hasAssistant(c) || !rolesKnown(c) {
		return
	}
	list := c.Root.Get(c.Schema.List)
	c.ReportValue("C009", list, nil, "conversation has no %q message, so nothing in it is trained", c.Schema.Assistant)
}
