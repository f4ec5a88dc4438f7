package judge

import (
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/review"
)

// FuzzParseAnswer reads any text as the judge's answer to a batch of three
// rows, in both modes: no panic, verdicts only for rows of the batch, and
// every verdict within the bounds the R rules rely on.
func FuzzParseAnswer(f *testing.F) {
	f.Add(`{"rows":[{"id":"r1","scores":{"accuracy":{"score":2,"reason":"x","turn":1,"rewrite":"y"}}}]}`, false)
	f.Add("```json\n[{\"id\":\"r2\",\"category\":\"returns\",\"reason\":\"r\"}]\n```", true)
	f.Add(`prose {"rows": [{"id": "r9"}, {"id": "r1", "scores": {"accuracy": {"score": 4.5}}}]} more`, false)
	p := testPlan()
	rubric := review.NewRubric(p)
	rows := review.RowsOf([][]byte{
		[]byte(`{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}`),
		[]byte(`{"messages":[{"role":"user","content":"c"},{"role":"assistant","content":"d"}]}`),
		[]byte(`{"messages":[{"role":"user","content":"e"},{"role":"assistant","content":"f"},{"role":"user","content":"g"},{"role":"assistant","content":"h"}]}`),
	}, diagnostics.DefaultSettings())
	f.Fuzz(func(t *testing.T, text string, categorize bool) {
		b := batch{seq: 1, rows: rows}
		if categorize {
			b.mode = Categorize
		}
		verdicts, _ := parseAnswer(text, b, rubric)
		for i, v := range verdicts {
			if i < 0 || i >= len(rows) {
				t.Fatalf("a verdict for row %d of %d", i, len(rows))
			}
			for name, s := range v.scores {
				if s.Score < 1 || s.Score > diagnostics.ReviewScale || s.Reason == "" || s.Turn < -1 || s.Turn >= len(rows[i].Turns) {
					t.Fatalf("%s: %+v", name, s)
				}
			}
			if c := v.category; c != nil && c.Proposed != "" && rubric.Category(c.Proposed) == "" && !hasCategory(rubric, c.Proposed) {
				t.Fatalf("category %q is not the plan's", c.Proposed)
			}
		}
	})
}

func hasCategory(r review.Rubric, name string) bool {
	for _, c := range r.Categories {
		if c.Name == name {
			return true
		}
	}
	return false
}
