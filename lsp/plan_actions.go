package lsp

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

// kindInsertSections is the source action that appends the plan's missing
// sections with commented defaults.
const kindInsertSections = "source.insertMissingSections.ftls"

func (s *Server) planCodeLens(ctx *glsp.Context) (any, error) {
	q, err := decode[struct {
		TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	}](ctx)
	if err != nil {
		return nil, err
	}
	lenses := []protocol.CodeLens{}
	snap := s.docs.get(q.TextDocument.URI)
	if snap == nil {
		return lenses, nil
	}
	p := parsePlan(snap)
	targets := p.Targets()
	if len(targets) == 0 {
		return lenses, nil
	}
	a := s.planActuals(p)
	for _, t := range targets {
		rng, ok := p.KeyRange("categories", strconv.Itoa(t.Index))
		if !ok {
			continue
		}
		title := fmt.Sprintf("%s: planned %d", t.Name, t.Count)
		if a.Train == nil {
			title += " · " + a.Missing()
		} else {
			n := a.PerCat[t.Name]
			title += fmt.Sprintf(" · actual %d · %s", n, workspace.Shortfall(t.Count, n))
		}
		lenses = append(lenses, protocol.CodeLens{Range: protocol.Range{Start: rng.Start, End: rng.Start}, Command: &protocol.Command{Title: title}})
	}
	return lenses, nil
}

func (s *Server) planCodeAction(ctx *glsp.Context) (any, error) {
	q, err := decode[protocol.CodeActionParams](ctx)
	if err != nil {
		return nil, err
	}
	actions := []protocol.CodeAction{}
	snap, r := s.current(q.TextDocument.URI)
	if snap == nil {
		return actions, nil
	}
	if wants(q.Context.Only, kindQuickFix) && r != nil && r.snap == snap {
		picked := map[int]bool{}
		for _, cd := range q.Context.Diagnostics {
			var data protocol.DiagnosticData
			if json.Unmarshal(cd.Data, &data) == nil && data.Version == r.shownVersion && data.Fix >= 0 && data.Fix < len(r.res.Diagnostics) {
				picked[data.Fix] = true
			}
		}
		for i, d := range r.res.Diagnostics {
			if d.Fix != nil && overlaps(d.Range, q.Range) {
				picked[i] = true
			}
		}
		for i, d := range r.res.Diagnostics {
			if !picked[i] || d.Fix == nil {
				continue
			}
			edits, err := fixTextEdits(snap, d.Fix)
			if err != nil || len(edits) == 0 {
				continue
			}
			actions = append(actions, protocol.CodeAction{
				Title: fmt.Sprintf("%s (%s)", d.Fix.Title, d.Code), Kind: kindQuickFix,
				Diagnostics: []protocol.Diagnostic{toLSP(r, i, d)}, IsPreferred: true,
				Edit: versionedEdit(snap, edits),
			})
		}
	}
	if wants(q.Context.Only, kindInsertSections) {
		p := parsePlan(snap)
		if !p.HasSyntaxError() {
			if missing := plan.MissingSections(p); len(missing) > 0 {
				text := snap.Text()
				insert := string(missing)
				switch {
				case len(text) == 0:
				case !strings.HasSuffix(string(text), "\n"):
					insert = "\n\n" + insert
				case !strings.HasSuffix(string(text), "\n\n"):
					insert = "\n" + insert
				}
				end := snap.Position(snap.Size())
				actions = append(actions, protocol.CodeAction{
					Title: "Insert missing sections (ftls)", Kind: kindInsertSections,
					Edit: versionedEdit(snap, []protocol.TextEdit{{Range: protocol.Range{Start: end, End: end}, NewText: insert}}),
				})
			}
		}
	}
	return actions, nil
}
