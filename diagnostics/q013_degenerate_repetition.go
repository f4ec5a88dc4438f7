package diagnostics

import "bytes"

func init() {
	register(&Rule{
		Code: "Q013", Name: "degenerate-repetition", Severity: Warning,
		Summary: "an answer that loops on the same words",
		Doc: Doc{
			What: "Reports an answer (or a text row) in which the same stretch of text holding letters, from a few words to a paragraph of up to 1 KB, repeats back to back at least 5 times over at least 300 bytes. The numbers opening the lines of a numbered list may count up from one repeat to the next (\"20. The moon is a star.\", \"21. The moon is a star.\"); other text must repeat exactly, so counting (\"item1 item2 item3\") is not a loop.",
			Why:  "This is how a generator failure looks: the model fell into a loop and ran until its token limit. Trained on it, a model learns to loop too, and one such row can be longer than hundreds of good ones.",
			Bad:  `{"role": "assistant", "content": "Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!..."}`,
			Good: `{"role": "assistant", "content": "Eat a banana!"}`,
			Fix:  "Cut the answer after the first repetition, or regenerate it.",
		},
		Row: checkRepetition,
	})
}

func checkRepetition(c *RowContext) {
	for _, s := range c.spans() {
		if s.role != "assistant" && s.role != "" {
			continue
		}
		if unit, n := findLoop(s.text); n > 0 {
			c.ReportValue("Q013", s.value, nil, "%s repeats %q %d times in a row: a generation loop", c.where(&s), clip(bytes.TrimSpace(unit), 60), n)
		}
	}
}
