package rowview

import (
	"fmt"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
)

// writeReview shows the judge's cached verdict on the row, when the
// dataset has a review cache: every criterion's score, the reason of each
// low one, and a proposed category. A row without a verdict says so, since
// it was never reviewed or has changed since.
func writeReview(b *strings.Builder, rc *diagnostics.RowContext) {
	if rc.Settings.Review == nil || len(rc.Turns()) == 0 {
		return
	}
	v, ok := rc.ReviewVerdict()
	if !ok {
		b.WriteString("\n**Review**: not reviewed, or changed since its review (run `ftls review`)\n")
		return
	}
	threshold := rc.Settings.ReviewThresholdOrDefault()
	var scores, low []string
	for _, c := range diagnostics.ReviewCriteria {
		s, ok := v.Scores[c.Name]
		if !ok {
			continue
		}
		scores = append(scores, fmt.Sprintf("%s %d/%d", c.Label, s.Score, diagnostics.ReviewScale))
		if s.Score < threshold {
			line := fmt.Sprintf("- %s %s: %s", c.Code, c.Label, s.Reason)
			if s.Rewrite != "" {
				line += " (a rewrite is offered as a quick fix)"
			}
			low = append(low, line)
		}
	}
	b.WriteString("\n**Review**")
	if len(scores) > 0 {
		b.WriteString(": " + strings.Join(scores, " · "))
	}
	b.WriteString("\n")
	if len(low) > 0 {
		b.WriteString("\n" + strings.Join(low, "\n") + "\n")
	}
	if c := v.Category; c != nil {
		if c.Proposed == "" {
			fmt.Fprintf(b, "\nNo category of the plan fits, says the reviewer: %s\n", c.Reason)
		} else {
			fmt.Fprintf(b, "\nProposed category `%s`: %s\n", c.Proposed, c.Reason)
		}
	}
}
