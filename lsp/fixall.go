package lsp

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/engine"
)

// "Fix all safe problems" is computed by the engine on one immutable
// snapshot, exactly as `ftls fix` computes it on a file, and sent as one
// edit per changed row that replaces the row whole. Rows never overlap, so
// neither do the edits, and a row boundary is never inside a character,
// so no edit splits a surrogate pair. Whole rows rather than character
// diffs keep the edit count at the number of rows fixed: Neovim takes
// about as long per edit as per row, and a character diff of a large file
// made a hundred thousand of them.

// fixAll is "fix all" computed for one version of a document.
type fixAll struct {
	editPlan
	rows int // rows changed or removed
}

// fixAllEdits applies every safe fix to the document's text in memory, as
// `ftls fix` does, and returns the edits that turn the document into the
// fixed text, checked to do exactly that.
func fixAllEdits(ctx context.Context, snap *snapshot, st *diagnostics.Settings) (fixAll, error) {
	data := snap.Text()
	out, fr, err := engine.FixEdits(ctx, data, engine.Options{Settings: st})
	if err != nil {
		return fixAll{}, err
	}
	spans := rowSpans(data, out, fr.Edits, snap.lineStarts())
	if !spansMake(data, out, spans) {
		// Never expected; if the rows and the engine's edits ever
		// disagree, the changed span whole is still exact.
		spans = []byteSpan{changedSpan(data, out)}
	}
	fa := fixAll{rows: len(fr.Edits)}
	fa.edits = make([]textEdit, 0, len(spans))
	for _, sp := range spans {
		fa.edits = append(fa.edits, textEdit{
			Range:   Range{Start: snap.Position(sp.start), End: snap.Position(sp.end)},
			NewText: string(sp.text),
		})
	}
	// A later version holds the edit when it has the fixed text's line
	// count and every rewritten row.
	lines := bytes.Count(out, []byte{'\n'}) + 1
	var fixed [][]byte
	for _, e := range fr.Edits {
		if e.New != nil {
			fixed = append(fixed, e.New)
		}
	}
	fa.holds = func(cur *snapshot) bool {
		return len(cur.lines) == lines && rowsPresent(cur, fixed) == len(fixed)
	}
	return fa, nil
}

// fixAllInBackground fixes a document too large to fix within the code
// action request, and sends the edit with workspace/applyEdit, verified
// (applyedit.go). When the document changed first, the fixes are made
// again on the latest version.
func (s *Server) fixAllInBackground(uri string) {
	rows := 0
	_, err := s.applyVerified(s.ctx, "ftls: fix all", uri, func(snap *snapshot) (editPlan, error) {
		fa, err := fixAllEdits(s.ctx, snap, s.settingsOf(snap, s.diags.result(uri)))
		rows = fa.rows
		return fa.editPlan, err
	})
	switch {
	case err != nil:
		s.log.Errorf("fix all %s: %v", uri, err)
		s.showMessage(messageWarning, fmt.Sprintf("ftls: fix all was not applied: %v; ask for it again", err))
	case rows > 0:
		s.log.Infof("fix all %s: %d rows fixed", uri, rows)
	}
}

// byteSpan is the replacement of data[start:end] by text.
type byteSpan struct {
	start, end int64
	text       []byte
}

// rowSpans turns the engine's row edits into byte spans of data, in order
// and merged where they touch. A deleted row takes its line end with it.
func rowSpans(data, out []byte, rows []engine.RowEdit, starts []int64) []byteSpan {
	var spans []byteSpan
	add := func(sp byteSpan) {
		if n := len(spans); n > 0 && spans[n-1].end >= sp.start {
			last := &spans[n-1]
			last.text = append(last.text, data[last.end:sp.start]...)
			last.text = append(last.text, sp.text...)
			last.end = sp.end
			return
		}
		spans = append(spans, sp)
	}
	bom := bytes.HasPrefix(data, bomBytes)
	if bom && !bytes.HasPrefix(out, bomBytes) {
		add(byteSpan{start: 0, end: int64(len(bomBytes))})
	}
	for _, e := range rows {
		if e.Line < 0 || e.Line >= len(starts)-1 {
			continue
		}
		start := starts[e.Line]
		if e.Line == 0 && bom {
			start += int64(len(bomBytes))
		}
		end := min(start+int64(len(e.Old)), int64(len(data)))
		if e.New == nil { // the row and its line end are removed
			rest := data[end:]
			switch {
			case bytes.HasPrefix(rest, []byte("\r\n")):
				end += 2
			case bytes.HasPrefix(rest, []byte("\n")):
				end++
			}
		}
		add(byteSpan{start: start, end: end, text: bytes.Clone(e.New)})
	}
	return spans
}

// spansMake reports whether applying spans to data gives out, without
// building the result.
func spansMake(data, out []byte, spans []byteSpan) bool {
	var at, o int64
	eat := func(b []byte) bool {
		if int64(len(out))-o < int64(len(b)) || !bytes.Equal(out[o:o+int64(len(b))], b) {
			return false
		}
		o += int64(len(b))
		return true
	}
	for _, sp := range spans {
		if sp.start < at || sp.end < sp.start || sp.end > int64(len(data)) {
			return false
		}
		if !eat(data[at:sp.start]) || !eat(sp.text) {
			return false
		}
		at = sp.end
	}
	return eat(data[at:]) && o == int64(len(out))
}

// changedSpan is the one span that turns data into out: everything
// between their common prefix and common suffix, widened to whole lines so
// that it never starts or ends inside a character.
func changedSpan(data, out []byte) byteSpan {
	p := 0
	for p < len(data) && p < len(out) && data[p] == out[p] {
		p++
	}
	for p > 0 && data[p-1] != '\n' {
		p--
	}
	s := 0
	for s < len(data)-p && s < len(out)-p && data[len(data)-1-s] == out[len(out)-1-s] {
		s++
	}
	for s > 0 && data[len(data)-s-1] != '\n' {
		s--
	}
	return byteSpan{start: int64(p), end: int64(len(data) - s), text: bytes.Clone(out[p : len(out)-s])}
}
