package diagnostics

import (
	"bytes"

	"github.com/ftls-dev/ftls/internal/dataset"
)

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
	spans := c.spans()
	for k := range spans {
		s := &spans[k]
		if s.role != "user" && s.role != "assistant" || c.Format == dataset.PlainText {
			continue
		}
		m, user := findTemplateMarker(s.text, s.role == "assistant", &s.open)
		if m == "" && user && !asksForDialogue(c) {
			m = "User:"
		}
		if m != "" {
			c.ReportValue("Q010", s.value, nil, "%s contains %q, a prompt-template marker from another example", c.where(s), m)
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

// inlineMarkers are leaked markers wherever they stand; their lower-case
// forms (the search ignores case).
var inlineMarkers = []string{"[inst]", "[/inst]", "<<sys>>", "<</sys>>", "<start_of_turn>", "<end_of_turn>"}

// alpacaHeaders follow "### " in Alpaca's template; a colon or a line end
// must come next, so that Markdown headings ("### Input validation") pass.
var alpacaHeaders = []string{"instruction", "input", "response", "output", "human", "assistant"}

// speakerMarkers open a line in the transcript formats; case matters, as
// "User:" and "Assistant:" written in prose are normal.
var speakerMarkers = []string{"Human:", "Assistant:", "USER:", "ASSISTANT:", "### Human", "### Assistant"}

// findTemplateMarker returns the first template marker in text outside
// code, or "". Only '#', '[', '<' and line starts can begin one, so it
// looks at those alone. open holds text's first brackets, or is nil.
func findTemplateMarker(text []byte, answer bool, open *brackets) (marker string, userLine bool) {
	found, at := "", len(text)
	note := func(i int, m []byte) {
		if i < at && !inCode(text, i) {
			found, at = string(m), i
		}
	}
	for i := 0; i < len(text); i++ {
		j := bytes.IndexByte(text[i:], '#')
		if j < 0 {
			break
		}
		i += j
		n := i
		for n < len(text) && text[n] == '#' {
			n++
		}
		lineStart := i == 0 || text[i-1] == '\n'
		switch {
		case n-i >= 2 && lineStart && (n == len(text) || text[n] == '\n' || text[n] == '\r'):
			note(i, text[i:n])
		case n-i == 3 && n < len(text) && text[n] == ' ':
			for _, h := range alpacaHeaders {
				if e := n + 1 + len(h); hasFoldAt(text, n+1, h) && (e == len(text) || text[e] == ':' || text[e] == '\n') {
					note(i, text[i:min(e+1, len(text))])
				}
			}
		}
		i = n
	}
	square, angle := open.start(text)
	for i := 0; ; i++ {
		if i = min(square.from(text, i), angle.from(text, i)); i == len(text) {
			break
		}
		for _, m := range inlineMarkers {
			if hasFoldAt(text, i, m) {
				note(i, text[i:i+len(m)])
			}
		}
		if bytes.HasPrefix(text[i:], []byte("<s>")) && (i == 0 || bytes.HasPrefix(bytes.TrimLeft(text[i+3:], " "), []byte("[INST]"))) {
			note(i, text[i:i+3])
		}
		if bytes.HasPrefix(text[i:], []byte("</s>")) && len(bytes.TrimSpace(text[i+4:])) == 0 {
			note(i, text[i:i+4])
		}
	}
	// i walks from one line start to the next; a blank line is a line too,
	// so that "\n\nHuman:" is seen.
	for i, next := 0, 0; next >= 0 && i < len(text); i += next + 1 {
		next = bytes.IndexByte(text[i:], '\n')
		// The first byte tells which markers the line may open with.
		line := text[i:]
		switch c := line[0]; {
		case c == 'H' || c == 'A' || c == 'U' || c == '#':
			for _, m := range speakerMarkers {
				if bytes.HasPrefix(line, []byte(m)) {
					note(i, line[:len(m)])
				}
			}
			// "User:" is a marker only in context (see Q010), so it is
			// reported apart.
			userLine = userLine || answer && i > 0 && bytes.HasPrefix(line, []byte("User:")) && !inCode(text, i)
		case '0' <= c && c <= '9':
			// Self-instruct numbers the examples it generates: "18. Instruction:".
			k := 0
			for k < len(line) && k < 3 && '0' <= line[k] && line[k] <= '9' {
				k++
			}
			if k > 0 && k+2 < len(line) && line[k] == '.' && line[k+1] == ' ' {
				// Only the instruction header: "1. Input: the data is read"
				// opens an ordinary numbered list.
				if hasFoldAt(line, k+2, "instruction:") {
					note(i, line[:k+2+len("instruction:")])
				}
			}
		case c|0x20 == 'i':
			if answer && i > 0 && hasFoldAt(line, 0, "instruction:") {
				note(i, line[:len("instruction:")])
			}
		}
	}
	return found, userLine
}
