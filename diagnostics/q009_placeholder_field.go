package diagnostics

import (
	"bytes"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "Q009", Name: "placeholder-field", Severity: Warning, Fixable: true,
		Summary: "a field or turn that only stands for \"nothing\"",
		Doc: Doc{
			What: "Reports a message, Alpaca field or prompt/completion field whose whole text is a stand-in for no content: `<noinput>`, `<no input>`, `No input`, `<nooutput>`, `<blank>`, `-`, `.`, and, outside answers, `N/A`, `None`, `null`, `nil`, `empty`. Also an answer that opens with such a tag (`<nooutput> The text...`). Short answers such as \"None\" are left alone: they can be right.",
			Why:  "The trainer learns the stand-in as a real prompt or answer: a model trained on `\"input\": \"<noinput>\"` sees the tag as part of the task, and one trained on `\"output\": \"<nooutput>\"` learns to reply with it.",
			Bad:  `{"instruction": "Name three primary colours.", "input": "<noinput>", "output": "Red, yellow and blue."}`,
			Good: `{"instruction": "Name three primary colours.", "input": "", "output": "Red, yellow and blue."}`,
			Fix:  "Empties an Alpaca `input` that is only a placeholder (an empty input means none). Elsewhere, write the missing text or delete the row.",
		},
		Row: checkPlaceholderFields,
	})
}

func checkPlaceholderFields(c *RowContext) {
	for _, s := range c.spans() {
		if s.role == "" || s.value.Kind() != jsonpos.String {
			continue
		}
		// A stand-in is short: the length of the source bounds it and
		// spares decoding the rest.
		if len(s.value.Raw()) <= 24 {
			t := bytes.TrimSpace(s.text)
			if len(t) == 0 {
				continue
			}
			p := lowerASCII(t)
			if matchAny(p, emptyStandIns) || s.role != "assistant" && matchAny(p, promptStandIns) {
				var fix *Fix
				if c.Format == dataset.Alpaca && s.field == "input" {
					fix = c.Splice("Empty the input", s.value.Start(), s.value.End(), []byte(`""`))
				}
				c.ReportValue("Q009", s.value, fix, "%s is %q, a placeholder the model would learn as real %s", c.where(&s), t, roleText(s.role))
				continue
			}
		}
		if s.role == "assistant" && len(s.text) > 0 && s.text[0] == '<' {
			for _, tag := range openingTags {
				if hasFoldAt(s.text, 0, tag) && len(bytes.TrimSpace(s.text[len(tag):])) > 0 {
					c.ReportValue("Q009", s.value, nil, "%s opens with the placeholder %q", c.where(&s), s.text[:len(tag)])
					break
				}
			}
		}
	}
}

// emptyStandIns are texts that stand for no content in any field; their
// lower-case forms.
var emptyStandIns = []string{
	"<noinput>", "<no input>", "noinput", "no input", "no input.", "<nooutput>", "<no output>",
	"nooutput", "no output", "no output.", "<blank>", "<empty>", "<none>", "<null>", "<n/a>",
	"-", "--", ".", "...",
}

// promptStandIns are placeholders only in prompts and inputs: as answers,
// "None" or "N/A" can be right.
var promptStandIns = []string{"n/a", "n/a.", "na", "none", "none.", "null", "nil", "empty", "blank", "nothing", "not applicable", "(none)", "[none]"}

// openingTags are stand-ins that some sets put before a real answer.
var openingTags = []string{"<noinput>", "<no input>", "<nooutput>", "<no output>"}

func roleText(role string) string {
	if role == "assistant" {
		return "output"
	}
	return "input"
}
