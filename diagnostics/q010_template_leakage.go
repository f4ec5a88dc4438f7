package diagnostics

import "github.com/ftls-dev/ftls/internal/dataset"

func init() {
	register(&Rule{
		Code: "Q010", Name: "template-leakage", Severity: Warning,
		Summary: "another example's prompt template inside a turn",
		Doc: Doc{
			What: "Reports, outside code, the markers of a prompt template inside a turn: Alpaca headers (`### Instruction:`, `### Response:`, `### Input:`), numbered self-instruct headers (`18. Instruction:`), a line that is only `#` characters (the separator of merged examples), and the turn markers of other chat formats (`Human:`, `Assistant:`, `USER:`, `ASSISTANT:` opening a line, in answers `User:` opening a line after the first unless the prompt asks for a dialogue, a chat, a script or an interview, `[INST]`, `<<SYS>>`, `<start_of_turn>`, `<s>` and `</s>` at the ends of a turn). In answers it also reports a line opening with `Instruction:`. ChatML markers are C017's.",
			Why:  "They are what is left when examples were split or merged badly, or a generator ran past the end of its answer into the next example. The model learns to go on writing a new instruction after it answers, or to expect the markers in the prompt.",
			Bad:  `{"instruction": "Give a synonym for happy.", "input": "", "output": "Joyful.\n\n### Instruction:\nGive a synonym for sad."}`,
			Good: `{"instruction": "Give a synonym for happy.", "input": "", "output": "Joyful."}`,
			Fix:  "Cut the turn at the marker; what follows it usually belongs to another example, or to none.",
		},
		Row: checkTemplateLeakage,
	})
}

func checkTemplateLeakage(c *RowContext) {
	for _, s := range c.spans() {
		if s.role != "user" && s.role != "assistant" || c.Format == dataset.PlainText {
			continue
		}
		m, user := findTemplateMarker(s.text, s.role == "assistant")
		if m == "" && user && !asksForDialogue(c) {
			m = "User:"
		}
		if m != "" {
			c.ReportValue("Q010", s.value, nil, "%s contains %q, a prompt-template marker from another example", c.where(&s), m)
		}
	}
}

// dialogueWords in a prompt ask for a transcript, where "User:" lines are
// the answer. Without them, an answer that goes on to a "User:" line
// writes the user's next turn (guanaco-7b playing Freyja in AlpacaEval);
// prompts are not searched, as users paste chat logs to work on.
var dialogueWords = []string{"dialog", "conversation", "chat", "script", "transcript", "interview", "role-play", "roleplay", "exchange"}

func asksForDialogue(c *RowContext) bool {
	for _, t := range c.Turns() {
		if t.Role == "user" || t.Role == "system" {
			for _, w := range dialogueWords {
				if containsFold(t.Text, w) {
					return true
				}
			}
		}
	}
	return false
}
