package lsp

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
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

// fixAllEdits applies every safe fix to the document's text, as `ftls
// fix` does, and returns the edits that turn the document into the fixed
// text. With r, the full result of this very snapshot, only the rows with
// a fix are fixed (engine.FixRows); otherwise the whole text is (the
// edits are then checked to give exactly the engine's output).
func fixAllEdits(ctx context.Context, snap *snapshot, st *diagnostics.Settings, r *result) (fixAll, error) {
	if r != nil && r.snap == snap && r.full && r.settings == st && !bytes.HasPrefix(snap.Line(0).Text(), bomBytes) && !engine.NeedsWholeCheck(snap.Doc) {
		return fixAllOf(snap, engine.FixRows(rowsWithFixes(snap, r), r.res.Diagnostics, st).Edits, nil), nil
	}
	data := snap.Text()
	out, fr, err := engine.FixEdits(ctx, data, engine.Options{Settings: st})
	if err != nil {
		return fixAll{}, err
	}
	var bomSpan *engine.Span
	if bytes.HasPrefix(data, bomBytes) && !bytes.HasPrefix(out, bomBytes) {
		bomSpan = &engine.Span{End: int64(len(bomBytes))}
	}
	fa := fixAllOf(snap, fr.Edits, bomSpan)
	if spans := snap.RowSpans(fr.Edits, bomSpan); !engine.SpansMake(data, out, spans) {
		// Never expected; if the rows and the engine's edits ever
		// disagree, the changed span whole is still exact.
		sp := engine.ChangedSpan(data, out)
		fa.edits = []protocol.TextEdit{{Range: protocol.Range{Start: snap.Position(sp.Start), End: snap.Position(sp.End)}, NewText: string(sp.Text)}}
	}
	return fa, nil
}

// rowsWithFixes returns the rows of snap on whose lines r has a finding
// with a fix.
func rowsWithFixes(snap *snapshot, r *result) []dataset.Row {
	var rows []dataset.Row
	last := -1
	for _, d := range r.res.Diagnostics {
		ln := d.Range.Start.Line
		if d.Fix == nil || d.Fix.Model || ln == last || ln < 0 || ln >= snap.Len() {
			continue
		}
		l := snap.Line(ln)
		rows = append(rows, dataset.Row{Line: ln, Offset: snap.Start(ln), Text: l.Content(), Term: l.Term()})
		last = ln
	}
	slices.SortFunc(rows, func(a, b dataset.Row) int { return a.Line - b.Line })
	return slices.CompactFunc(rows, func(a, b dataset.Row) bool { return a.Line == b.Line })
}

// fixAllOf makes the edits and the check that a later version holds them
// from the engine's row edits.
func fixAllOf(snap *snapshot, rows []engine.RowEdit, bom *engine.Span) fixAll {
	spans := snap.RowSpans(rows, bom)
	fa := fixAll{rows: len(rows)}
	fa.edits = make([]protocol.TextEdit, 0, len(spans))
	deleted := 0
	for _, e := range rows {
		if e.New == nil {
			deleted += 1 + bytes.Count(e.Old, []byte{'\n'})
		}
	}
	for _, sp := range spans {
		fa.edits = append(fa.edits, protocol.TextEdit{
			Range:   protocol.Range{Start: snap.Position(sp.Start), End: snap.Position(sp.End)},
			NewText: string(sp.Text),
		})
	}
	// A later version holds the edit when it has the fixed text's line
	// count and every rewritten row.
	lines := snap.Len() - deleted
	fixed := newRows(rows)
	fa.holds = func(cur *snapshot) bool {
		return cur.Len() == lines && rowsPresent(cur, fixed) == len(fixed)
	}
	return fa
}

// newRows returns the new text of the rows rewritten, not removed.
func newRows(rows []engine.RowEdit) [][]byte {
	var out [][]byte
	for _, e := range rows {
		if e.New != nil {
			out = append(out, e.New)
		}
	}
	return out
}

// fixAllInBackground fixes a document too large to fix within the code
// action request, and sends the edit with workspace/applyEdit, verified
// (applyedit.go). When the document changed first, the fixes are made
// again on the latest version.
func (s *Server) fixAllInBackground(uri string) {
	rows := 0
	_, err := s.applyVerified(s.ctx, "ftls: fix all", uri, func(snap *snapshot) (editPlan, error) {
		r := s.diags.result(uri)
		fa, err := fixAllEdits(s.ctx, snap, s.settingsOf(snap, r), r)
		rows = fa.rows
		return fa.editPlan, err
	})
	switch {
	case err != nil:
		s.log.Errorf("fix all %s: %v", uri, err)
		s.showMessage(protocol.MessageWarning, fmt.Sprintf("ftls: fix all was not applied: %v; ask for it again", err))
	case rows > 0:
		s.log.Infof("fix all %s: %d rows fixed", uri, rows)
	}
}
