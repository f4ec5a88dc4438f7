package diagnostics

import (
	"fmt"
	"math"
)

func init() {
	register(&Rule{
		Code: "Q002", Name: "response-length", Severity: Info,
		Summary: "answer length does not match the plan's style",
		Doc: Doc{
			What: "Compares each assistant answer's length in words with the plan's `style.response_length`: brief answers over 150 words, moderate ones under 15 or over 400, detailed ones under 60 and step-by-step ones under 40 words are noted. Without a plan the rule is silent.",
			Why:  "The model copies the length of its examples. A few long answers in a brief dataset teach it to ramble sometimes, which is worse than either style.",
			Bad:  "style.response_length: brief, and a 600-word answer",
			Good: "answers of a few sentences",
			Fix:  "Shorten or regenerate the answer, or change the plan's style.",
		},
		Row: checkResponseLength,
	})
}

func checkResponseLength(c *RowContext) {
	limits, ok := lengthLimits[c.Settings.ResponseLength]
	if !ok {
		return
	}
	for i, t := range c.Turns() {
		if t.Role != "assistant" {
			continue
		}
		n := words(t.Text)
		if n < limits[0] || n > limits[1] {
			c.reportTurn("Q002", i, "answer has %d words; the plan asks for %s answers (%s)", n, c.Settings.ResponseLength, limitText(limits))
		}
	}
}

// lengthLimits are the answer lengths, in words, outside which Q002 speaks
// up for each response_length of the plan.
var lengthLimits = map[string][2]int{
	"brief":        {0, 150},
	"moderate":     {15, 400},
	"detailed":     {60, math.MaxInt},
	"step-by-step": {40, math.MaxInt},
}

func limitText(l [2]int) string {
	switch {
	case l[1] == math.MaxInt:
		return fmt.Sprintf("at least %d words", l[0])
	case l[0] == 0:
		return fmt.Sprintf("at most %d words", l[1])
	}
	return fmt.Sprintf("%d to %d words", l[0], l[1])
}
