package review

import (
	"bytes"
	"context"
	"errors"
	"io"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// Row is a dataset row as the judge sees it.
type Row struct {
	Key  string // diagnostics.ReviewKey
	Line int    // 0-based line of the row's first byte
	// Text is the row's source text.
	Text     []byte
	Turns    []diagnostics.Turn
	Category string
}

// ReadRows returns the rows of a dataset (JSON Lines or a JSON array)
// that hold a conversation; s gives the category field.
func ReadRows(ctx context.Context, data []byte, s *diagnostics.Settings) ([]Row, error) {
	if dataset.IsArrayStart(data[:min(len(data), 4096)]) {
		rows, _, err := dataset.ReadArray(data)
		if err != nil {
			return nil, err
		}
		return convert(rows, s), nil
	}
	var out []Row
	lr := dataset.NewLineReader(bytes.NewReader(data), 0)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, err := lr.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out = append(out, convert(c.Rows, s)...)
		c.Release()
	}
}

// RowsOf returns the review rows of rows, which may be generated rows not
// yet in any file (their Line is their index).
func RowsOf(rows [][]byte, s *diagnostics.Settings) []Row {
	in := make([]dataset.Row, len(rows))
	for i, r := range rows {
		in[i] = dataset.Row{Line: i, Text: r}
	}
	return convert(in, s)
}

// convert keeps the rows with a conversation, copying what it keeps out
// of the reader's buffers.
func convert(rows []dataset.Row, s *diagnostics.Settings) []Row {
	var out []Row
	var p jsonpos.Parser
	for i := range rows {
		rc := diagnostics.NewRowContext(&rows[i], &p, s)
		if rc.Root.Kind() != jsonpos.Object {
			continue
		}
		turns := rc.Turns()
		if len(turns) == 0 {
			continue
		}
		r := Row{Line: rows[i].Line, Text: bytes.Clone(rows[i].Text), Category: rc.Category()}
		for _, t := range turns {
			r.Turns = append(r.Turns, diagnostics.Turn{Role: t.Role, Text: bytes.Clone(t.Text)})
		}
		r.Key = diagnostics.ReviewKey(r.Turns, r.Category)
		out = append(out, r)
	}
	return out
}

// Keys returns the review keys of rows.
func Keys(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Key
	}
	return out
}

// Live returns the set of review keys of rows.
func Live(rows []Row) map[string]bool {
	m := make(map[string]bool, len(rows))
	for _, r := range rows {
		m[r.Key] = true
	}
	return m
}
