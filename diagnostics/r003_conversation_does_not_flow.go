package diagnostics

func init() {
	register(&Rule{
		Code: "R003", Name: "conversation-does-not-flow", Severity: Warning,
		Summary: "the reviewer finds a conversation that does not hang together",
		Doc: Doc{
			What: "Reports conversations the judge scored below the threshold for flow: a turn that ignores the previous ones, repeats them, or contradicts them.",
			Why:  "Multi-turn examples teach the model to use context; turns stitched together without it teach the opposite.",
			Bad:  `{"messages": [{"role": "user", "content": "My order is late."}, {"role": "assistant", "content": "Sorry, which order?"}, {"role": "user", "content": "What is the capital of Peru?"}, {"role": "assistant", "content": "Your order ships today."}]}`,
			Good: `{"messages": [{"role": "user", "content": "My order is late."}, {"role": "assistant", "content": "Sorry, which order?"}, {"role": "user", "content": "Number 4411."}, {"role": "assistant", "content": "Order 4411 ships today."}]}`,
			Fix:  "Rewrite the turns so that each follows from the ones before, or split the row into single exchanges.",
		},
		Row: checkCriterion("flow"),
	})
}
