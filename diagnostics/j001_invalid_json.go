package diagnostics

import (
	"fmt"

	"github.com/ftls-dev/ftls/internal/dataset"
)

func init() {
	register(&Rule{
		Code: "J001", Name: "invalid-json", Severity: Error, Fixable: true,
		Summary: "line is not valid JSON",
		Doc: Doc{
			What: "Reports a row that does not parse as JSON, at the exact line and column where parsing failed. A JSON object spread over several lines of a JSON Lines file is reported once, on its first line.",
			Why:  "Trainers read a JSON Lines file one line at a time; one bad line usually aborts the upload or the whole training job, often without saying which line it was.",
			Bad:  `{"messages": [{"role": "user", "content": "Hi"},]}`,
			Good: `{"messages": [{"role": "user", "content": "Hi"}]}`,
			Fix:  "A pretty-printed object is joined onto one line. Other syntax errors need a person: the column shows where to look.",
		},
		Row: checkInvalidJSON,
	})
}

func checkInvalidJSON(c *RowContext) {
	switch {
	case c.MultiLine && c.ParseErr == nil:
		lines := c.Row.FullRange()
		compact := dataset.Compact(c.Row.Text)
		c.Report("J001", 0, 1, c.ReplaceRow("Join the object onto one line", compact),
			"JSON object spans lines %d-%d; JSON Lines needs each row on one line", lines.Start.Line+1, lines.End.Line+1)
	case c.ParseErr != nil:
		off := min(c.ParseErr.Offset, len(c.Row.Text))
		where := ""
		if c.MultiLine {
			lines := c.Row.FullRange()
			where = fmt.Sprintf(" in the object spanning lines %d-%d", lines.Start.Line+1, lines.End.Line+1)
		}
		c.Report("J001", off, min(off+1, len(c.Row.Text)), nil, "invalid JSON%s: %s", where, c.ParseErr.Msg)
	}
}
