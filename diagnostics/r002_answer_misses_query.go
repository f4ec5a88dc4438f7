package diagnostics

func init() {
	register(&Rule{
		Code: "R002", Name: "answer-misses-query", Severity: Warning, Fixable: true,
		Summary: "the reviewer finds an answer that does not address the question",
		Doc: Doc{
			What: "Reports rows whose answer the judge scored below the threshold for addressing the user's actual question (the checklist's \"response mismatch\").",
			Why:  "An answer to another question teaches the model to ignore what it is asked; it is common in data assembled from several sources or generated in bulk.",
			Bad:  `{"messages": [{"role": "user", "content": "How do I return shoes?"}, {"role": "assistant", "content": "Our shoes are made of leather."}]}`,
			Good: `{"messages": [{"role": "user", "content": "How do I return shoes?"}, {"role": "assistant", "content": "Start a return from Orders within 30 days; the label is free."}]}`,
			Fix:  "Answer the question that was asked, or apply the reviewer's rewrite where it offers one (editor quick fix).",
		},
		Row: checkCriterion("relevance"),
	})
}
