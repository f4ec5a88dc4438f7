package diagnostics

func init() {
	register(&Rule{
		Code: "R005", Name: "system-prompt-not-followed", Severity: Warning,
		Summary: "the reviewer finds the system prompt inappropriate or not followed",
		Doc: Doc{
			What: "Reports rows whose system prompt the judge scored below the threshold: unsuited to the task of the plan, or contradicted by the answers.",
			Why:  "The system prompt is part of what the model learns; answers that ignore it teach the model to ignore it in production.",
			Bad:  `{"messages": [{"role": "system", "content": "Answer in one sentence."}, {"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "(five paragraphs)"}]}`,
			Good: `{"messages": [{"role": "system", "content": "Answer in one sentence."}, {"role": "user", "content": "Where is my order?"}, {"role": "assistant", "content": "It left our depot today and arrives Friday."}]}`,
			Fix:  "Make the answers follow the system prompt, or change the prompt (and the plan's system_prompt section) to what the data should teach.",
		},
		Row: checkCriterion("system"),
	})
}
