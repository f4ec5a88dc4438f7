package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sergi/go-diff/diffmatchpatch"
	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Code actions: a quickfix for every diagnostic in the requested range
// whose rule has a fix, and source.fixAll.ftls, which applies every safe
// fix as `ftls fix` does (fixall.go). Every edit names the document version
// it was computed for, so an editor refuses it once the text has moved on.
// A quick fix rewrites a whole row; go-diff turns the rewrite into the few
// characters that actually change, so that undo, cursors and other
// diagnostics stay put.

// fixAllInline is the document size up to which "fix all" is computed in
// the code action request; larger documents get a command that computes it
// in the background and applies it with workspace/applyEdit.
const fixAllInline = 8 << 20

// maxDiffBytes is the span size past which a fix is one replacement
// instead of a character diff.
const maxDiffBytes = 1 << 20

func (s *Server) codeAction(ctx *glsp.Context) (any, error) {
	p, err := decode[protocol.CodeActionParams](ctx)
	if err != nil {
		return nil, err
	}
	snap, r := s.current(p.TextDocument.URI)
	// Editors list actions in the order given: the fixes of what is under
	// the cursor first, then fixing everything, then the rest.
	actions := []protocol.CodeAction{}
	if snap != nil && snap.kind == kindDataset {
		if wants(p.Context.Only, kindQuickFix) {
			actions = append(actions, s.quickFixes(snap, r, &p)...)
		}
		if wants(p.Context.Only, kindFixAll) {
			a, err := s.fixAllAction(snap, r)
			if err != nil {
				return nil, err
			}
			actions = append(actions, a...)
		}
	}
	// Generate N examples (generate.go).
	actions = append(actions, s.datasetGenerateActions(snap, r, p)...)
	// Review this row, the unreviewed rows (review_actions.go).
	actions = append(actions, s.reviewActions(snap, r, p)...)
	// Split and info (split.go) need no checked result: they check the text.
	actions = append(actions, s.sourceActions(snap, r, p.Context.Only)...)
	return actions, nil
}

// quickFixes returns the fixes of the diagnostics in the requested range
// or sent back by the client, when r is the result of snap: fixes of
// another version would land in the wrong place.
func (s *Server) quickFixes(snap *snapshot, r *result, p *protocol.CodeActionParams) []protocol.CodeAction {
	if r == nil || r.snap != snap {
		return nil
	}
	picked := map[int]bool{}
	// The diagnostics the client sends back name their fix in data.
	for _, cd := range p.Context.Diagnostics {
		var data protocol.DiagnosticData
		if json.Unmarshal(cd.Data, &data) == nil && data.Version == r.shownVersion && data.Fix >= 0 && data.Fix < len(r.res.Diagnostics) {
			picked[data.Fix] = true
		}
	}
	for i, d := range r.res.Diagnostics {
		if d.Fix != nil && overlaps(d.Range, p.Range) {
			picked[i] = true
		}
	}
	var actions []protocol.CodeAction
	for i, d := range r.res.Diagnostics {
		if !picked[i] || d.Fix == nil {
			continue
		}
		edits, err := fixTextEdits(snap, d.Fix)
		if err != nil {
			s.log.Warningf("fix %s at line %d: %v", d.Code, d.Range.Start.Line+1, err)
			continue
		}
		if len(edits) == 0 {
			continue
		}
		actions = append(actions, protocol.CodeAction{
			Title:       fmt.Sprintf("%s (%s)", d.Fix.Title, d.Code),
			Kind:        kindQuickFix,
			Diagnostics: []protocol.Diagnostic{toLSP(r, i, d)},
			IsPreferred: true,
			Edit:        versionedEdit(snap, edits),
		})
	}
	return actions
}

// fixAllAction offers "fix all safe problems", computed from snap alone:
// never from a result of another version, nor from one that is still
// coming in. A small document whose every finding is in gets the edit at
// once; otherwise a command computes it in the background (fixall.go).
func (s *Server) fixAllAction(snap *snapshot, r *result) ([]protocol.CodeAction, error) {
	a := protocol.CodeAction{Title: "Fix all safe problems (ftls)", Kind: kindFixAll}
	checked := r != nil && r.snap == snap && r.full
	if checked && !hasFix(r) {
		return nil, nil
	}
	// Editors ask for code actions as the cursor moves: the edit comes
	// inline only when the rows with a fix are known (a few milliseconds),
	// otherwise a command computes it in the background.
	if !checked || snap.Size() > fixAllInline {
		a.Command = &protocol.Command{Title: a.Title, Command: cmdFixAll, Arguments: []any{protocol.VersionedTextDocumentIdentifier{URI: snap.uri, Version: snap.version}}}
		return []protocol.CodeAction{a}, nil
	}
	fa, err := fixAllEdits(s.ctx, snap, s.settingsOf(snap, r), r)
	if err != nil || len(fa.edits) == 0 {
		return nil, err
	}
	a.Edit = versionedEdit(snap, fa.edits)
	return []protocol.CodeAction{a}, nil
}

// wants reports whether a code action of kind is asked for by only (a
// list of kinds or kind prefixes; empty asks for everything).
func wants(only []string, kind string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if kind == o || strings.HasPrefix(kind, o+".") {
			return true
		}
	}
	return false
}

func overlaps(a, b protocol.Range) bool {
	return !b.End.Before(a.Start) && !a.End.Before(b.Start)
}

func hasFix(r *result) bool {
	for _, d := range r.res.Diagnostics {
		// A fix a model wrote is offered on its finding, never in a fix all.
		if d.Fix != nil && !d.Fix.Model {
			return true
		}
	}
	return false
}

func versionedEdit(snap *snapshot, edits []protocol.TextEdit) *protocol.WorkspaceEdit {
	return &protocol.WorkspaceEdit{DocumentChanges: []protocol.TextDocumentEdit{{
		TextDocument: protocol.VersionedTextDocumentIdentifier{URI: snap.uri, Version: snap.version},
		Edits:        edits,
	}}}
}

// fixTextEdits turns a fix into minimal edits of snap.
func fixTextEdits(snap *snapshot, f *diagnostics.Fix) ([]protocol.TextEdit, error) {
	old := snap.Slice(f.Start, f.End)
	repl, err := f.Replacement(old)
	if err != nil {
		return nil, err
	}
	return diffEdits(snap, f.Start, old, repl), nil
}

// diffEdits returns the edits that turn old, found at byte offset base of
// snap, into repl: one edit per run of changed characters.
func diffEdits(snap *snapshot, base int64, old, repl []byte) []protocol.TextEdit {
	if bytes.Equal(old, repl) {
		return nil
	}
	type span struct {
		start, end int
		text       strings.Builder
	}
	var spans []*span
	if len(old) > maxDiffBytes || len(repl) > maxDiffBytes {
		sp := &span{start: 0, end: len(old)}
		sp.text.Write(repl)
		spans = append(spans, sp)
	} else {
		dmp := diffmatchpatch.New()
		dmp.DiffTimeout = 200 * time.Millisecond
		diffs := dmp.DiffMain(string(old), string(repl), false)
		off := 0
		var cur *span
		for _, d := range diffs {
			switch d.Type {
			case diffmatchpatch.DiffEqual:
				cur = nil
				off += len(d.Text)
			case diffmatchpatch.DiffDelete:
				if cur == nil {
					cur = &span{start: off, end: off}
					spans = append(spans, cur)
				}
				off += len(d.Text)
				cur.end = off
			case diffmatchpatch.DiffInsert:
				if cur == nil {
					cur = &span{start: off, end: off}
					spans = append(spans, cur)
				}
				cur.text.WriteString(d.Text)
			}
		}
	}
	edits := make([]protocol.TextEdit, 0, len(spans))
	for _, sp := range spans {
		edits = append(edits, protocol.TextEdit{
			Range:   protocol.Range{Start: snap.Position(base + int64(sp.start)), End: snap.Position(base + int64(sp.end))},
			NewText: sp.text.String(),
		})
	}
	return edits
}
