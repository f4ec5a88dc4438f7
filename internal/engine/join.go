package engine

import (
	"bytes"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// MaxJoinLines and maxJoinBytes bound how far a pretty-printed value is
// followed, so a file of unclosed brackets costs linear time.
const (
	MaxJoinLines = 5000
	maxJoinBytes = 4 << 20
)

// joinLines recognises a JSON object or array pretty-printed over several
// lines of a JSON Lines file, a common mistake (the OpenAI cookbook ships
// one). When rows[0] opens a value that the following lines close, it
// returns that value as one row and how many extra lines it took; without
// this, each of its lines would be reported as invalid JSON.
func joinLines(rows []dataset.Row, first checked, p *jsonpos.Parser) (*dataset.Row, int) {
	head := bytes.TrimSpace(rows[0].Text)
	if len(head) == 0 || (head[0] != '{' && head[0] != '[') || !first.truncated {
		return nil, 0
	}
	base := rows[0].Offset
	for j := 1; j < len(rows) && j < MaxJoinLines; j++ {
		end := rows[j].Offset + int64(len(rows[j].Text)) - base
		if end > maxJoinBytes {
			break
		}
		t := bytes.TrimSpace(rows[j].Text)
		if len(t) == 0 || (t[0] != '}' && t[0] != ']') {
			continue
		}
		// Rows of a chunk share one buffer, so the joined text is a longer
		// slice of the first row's.
		text := rows[0].Text[:end:end]
		_, err := p.Parse(text)
		// A bracket at the start of a line closes the top-level value of a
		// pretty-printed file: stop there even if the value is broken, so
		// that it is reported once, at its first error, rather than line by
		// line.
		if err == nil || len(rows[j].Text) > 0 && (rows[j].Text[0] == '}' || rows[j].Text[0] == ']') {
			row := rows[0]
			row.Text = text
			row.Term = rows[j].Term
			return &row, j
		}
	}
	return nil, 0
}
