// Package export writes a dataset in the form a provider accepts: JSON
// Lines, one chat example per line, without ftls's own bookkeeping keys.
package export

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// OpenAIKeys are the top-level keys OpenAI's fine-tuning endpoint accepts
// in a chat example, as C008 checks them with --target openai.
var OpenAIKeys = []string{"messages", "tools", "parallel_tool_calls", "functions"}

// Options say what to change while exporting.
type Options struct {
	// Convert rewrites rows in other formats as chat messages.
	Convert bool
	// StripKey is a top-level key to remove from every row; "" keeps all.
	StripKey string
	// SkipInvalid leaves out rows that are not JSON objects; otherwise the
	// first one stops the export, so that no row is lost silently.
	SkipInvalid bool
	// Keep, when not empty, lists the only top-level keys the target
	// accepts: any other key (ShareGPT's "id", a source field) is removed
	// and counted in Stats.Dropped. StripKey is removed even when listed.
	Keep []string
}

// Stats count what an export did.
type Stats struct {
	Rows, Converted, Stripped, Skipped int
	// Dropped counts, per key, the rows that lost a top-level key the
	// target does not accept (Options.Keep).
	Dropped map[string]int
}

// DroppedKeys lists the keys of Dropped in order, each with its count:
// "id (500 rows), source (2 rows)".
func (s Stats) DroppedKeys() string {
	keys := make([]string, 0, len(s.Dropped))
	for k := range s.Dropped {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var parts []string
	for _, k := range keys {
		n := s.Dropped[k]
		unit := "rows"
		if n == 1 {
			unit = "row"
		}
		parts = append(parts, fmt.Sprintf("%s (%d %s)", k, n, unit))
	}
	return strings.Join(parts, ", ")
}

// Write exports the dataset held in data (JSON Lines or a JSON array) to w.
func Write(ctx context.Context, w io.Writer, data []byte, opts Options) (Stats, error) {
	rows, err := readRows(data)
	if err != nil {
		return Stats{}, err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var (
		st Stats
		p  jsonpos.Parser
	)
	for i := range rows {
		if i%4096 == 0 && ctx.Err() != nil {
			return st, ctx.Err()
		}
		r := &rows[i]
		if r.Blank() {
			continue
		}
		out, converted, stripped, err := exportRow(&p, r.Text, opts, &st)
		if err != nil {
			if opts.SkipInvalid {
				st.Skipped++
				continue
			}
			return st, fmt.Errorf("line %d: %w (fix it, or pass --skip-invalid)", r.Line+1, err)
		}
		if converted {
			st.Converted++
		}
		if stripped {
			st.Stripped++
		}
		st.Rows++
		bw.Write(out)
		bw.WriteByte('\n')
	}
	return st, bw.Flush()
}

func readRows(data []byte) ([]dataset.Row, error) {
	if dataset.IsArrayStart(data) {
		rows, _, err := dataset.ReadArray(data)
		return rows, err
	}
	lr := dataset.NewLineReader(bytes.NewReader(data), 0)
	var rows []dataset.Row
	for {
		c, err := lr.Next()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, err
		}
		rows = append(rows, c.Rows...)
	}
}

func exportRow(p *jsonpos.Parser, text []byte, opts Options, st *Stats) (out []byte, converted, stripped bool, err error) {
	root, err := p.Parse(text)
	if err != nil {
		return nil, false, false, fmt.Errorf("invalid JSON: %w", err)
	}
	if root.Kind() != jsonpos.Object {
		return nil, false, false, fmt.Errorf("row is a JSON %s, not an object", root.Kind())
	}
	// Half a surrogate pair is not Unicode: strict loaders reject the
	// row, others alter it (J006).
	if offs := jsonpos.LoneSurrogates(text, 1); offs != nil {
		return nil, false, false, fmt.Errorf("lone surrogate %s at byte %d, half a character and not valid Unicode (J006; `ftls fix` removes it)", text[offs[0]:offs[0]+6], offs[0]+1)
	}
	out = text
	if f := dataset.Detect(root); opts.Convert && f != dataset.Chat {
		if out, err = dataset.ToChat(root, f); err != nil {
			return nil, false, false, err
		}
		converted = true
		if root, err = p.Parse(out); err != nil {
			return nil, false, false, err
		}
	}
	if opts.StripKey != "" && root.Get(opts.StripKey).Exists() {
		out = dataset.WithoutKey(root, opts.StripKey)
		stripped = true
	}
	dropped := false
	if len(opts.Keep) > 0 {
		var extra []string
		for k := range root.Members() {
			if name := k.Name(); name != opts.StripKey && !slices.Contains(opts.Keep, name) && !slices.Contains(extra, name) {
				extra = append(extra, name)
			}
		}
		for _, k := range extra {
			if stripped || dropped {
				if root, err = p.Parse(out); err != nil {
					return nil, false, false, err
				}
			}
			out = dataset.WithoutKey(root, k)
			dropped = true
			if st.Dropped == nil {
				st.Dropped = map[string]int{}
			}
			st.Dropped[k]++
		}
	}
	if !converted && !stripped && !dropped {
		// A row from a JSON array may be pretty-printed; JSON Lines needs it
		// on one line.
		out = dataset.Compact(out)
	}
	return out, converted, stripped, nil
}
