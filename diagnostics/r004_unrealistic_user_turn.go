package diagnostics

func init() {
	register(&Rule{
		Code: "R004", Name: "unrealistic-user-turn", Severity: Warning,
		Summary: "the reviewer finds a user turn unnatural or unanswerable",
		Doc: Doc{
			What: "Reports rows whose user turns the judge scored below the threshold for being natural and realistic, including tasks that need the web, an attachment or personal experience the assistant cannot have.",
			Why:  "Training on questions nobody asks, or that cannot be answered from the text, wastes examples and teaches the model to invent what it cannot see.",
			Bad:  `{"messages": [{"role": "user", "content": "As a user I would like to inquire regarding the shipping policy details."}, {"role": "assistant", "content": "..."}]}`,
			Good: `{"messages": [{"role": "user", "content": "how long does shipping to Canada take?"}, {"role": "assistant", "content": "..."}]}`,
			Fix:  "Rewrite the user turn the way a real user would write it, or drop the row.",
		},
		Row: checkCriterion("realism"),
	})
}
