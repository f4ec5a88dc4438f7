package diagnostics

func init() {
	register(&Rule{
		Code: "Q003", Name: "refusal-boilerplate", Severity: Warning,
		Summary: "refusal or AI boilerplate in an answer",
		Doc: Doc{
			What: "Reports assistant turns that open (within their first 400 bytes) with phrases generated text leaves behind: \"as an AI language model\", \"I'm sorry, but I can't\", \"I cannot assist with\", \"as of my last knowledge update\", \"I don't have personal opinions\", \"I'm just an AI\", \"I cannot browse the internet\" and similar, and the same disclaimers in German, French and Spanish (\"als KI-Sprachmodell\", \"en tant que modèle de langage\", \"como modelo de lenguaje\"). Phrases match whole words; \"I am an AI\" alone opens identity answers and is left alone.",
			Why:  "Fine-tuning on them teaches the model to refuse or hedge where it should answer, the most common defect of LLM-generated datasets.",
			Bad:  `{"role": "assistant", "content": "As an AI language model, I cannot check orders."}`,
			Good: `{"role": "assistant", "content": "I can't see orders from here, but the tracking link in your email shows its status."}`,
			Fix:  "Rewrite the answer. When refusals are intended (negative examples), set Q003 to info.",
		},
		Row: checkBoilerplate,
	})
}

func checkBoilerplate(c *RowContext) {
	for i, t := range c.Turns() {
		if t.Role != "assistant" {
			continue
		}
		if p := findBoilerplate(t.Text[:min(len(t.Text), boilerplateSpan)]); p != "" {
			c.reportTurn("Q003", i, "answer contains %q, boilerplate that teaches the model to refuse or hedge", p)
		}
	}
}
