package lsp

import (
	"fmt"
	"strconv"

	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

// The "Generate N examples" actions: a source action on a dataset its
// plan governs, a quick fix on each B001 imbalance, and one per category
// of a plan document; each runs the ftls.generate command (generate.go).

func generateTitle(n int, category string) string {
	ex := "examples"
	if n == 1 {
		ex = "example"
	}
	if category != "" {
		return fmt.Sprintf("Generate %d %s for %s (ftls)", n, ex, category)
	}
	return fmt.Sprintf("Generate %d %s (ftls)", n, ex)
}

func generateAction(kind, title string, args generateArgs) protocol.CodeAction {
	return protocol.CodeAction{Title: title, Kind: kind, Command: &protocol.Command{Title: title, Command: cmdGenerate, Arguments: []any{args}}}
}

// datasetGenerateActions are the generate actions of a dataset document:
// the source action on the whole dataset and a quickfix per B001
// diagnostic in the range (or sent back by the client).
func (s *Server) datasetGenerateActions(snap *snapshot, r *result, p protocol.CodeActionParams) []protocol.CodeAction {
	if snap == nil || snap.kind != kindDataset || snap.path == "" || r == nil || r.snap != snap {
		return nil
	}
	pl, err := workspace.Governing(snap.path)
	if err != nil || pl == nil {
		return nil
	}
	var out []protocol.CodeAction
	counts, rows := map[string]int{}, 0
	for _, row := range r.res.Rows {
		if row.Object {
			rows++
			if row.Category != "" {
				counts[row.Category]++
			}
		}
	}
	if wants(p.Context.Only, kindGenerate) {
		// What the plan lacks counts the validation file too, as the
		// plan's hover and dataset_info.txt count "actual".
		n := pl.Size.Examples - rows
		if a := s.planActuals(pl); a.Train != nil && plan.SamePath(a.TrainPath, snap.path) {
			n = pl.Size.Examples - rows - a.ValidN
		}
		if n <= 0 {
			n = defaultGenerateBatch
		}
		out = append(out, generateAction(kindGenerate, generateTitle(n, ""), generateArgs{URI: snap.uri, Version: snap.version, Count: n}))
	}
	if wants(p.Context.Only, kindQuickFix) {
		targets := map[string]int{}
		for _, t := range pl.Targets() {
			targets[t.Name] = t.Count
		}
		seen := map[string]bool{}
		for i, d := range r.res.Diagnostics {
			if d.Code != "B001" || !overlaps(d.Range, p.Range) {
				continue
			}
			cat := d.Category
			if cat == "" || seen[cat] {
				continue
			}
			if _, planned := targets[cat]; !planned {
				continue
			}
			seen[cat] = true
			n := targets[cat] - counts[cat]
			if n <= 0 {
				continue // over target: generating elsewhere is the fix
			}
			a := generateAction(kindQuickFix, generateTitle(n, cat), generateArgs{URI: snap.uri, Version: snap.version, Category: cat, Count: n})
			a.Diagnostics = []protocol.Diagnostic{toLSP(r, i, d)}
			out = append(out, a)
		}
	}
	return out
}

// planGenerateActions are the generate actions of a plan document: one per
// category whose entry is in the range and whose target is not met.
func (s *Server) planGenerateActions(snap *snapshot, p protocol.CodeActionParams) []protocol.CodeAction {
	if snap == nil || snap.kind != kindPlan || !wants(p.Context.Only, kindGenerate) {
		return nil
	}
	pl := parsePlan(snap)
	if pl == nil || pl.HasSyntaxError() || pl.Output.Train == "" {
		return nil
	}
	var out []protocol.CodeAction
	var a *workspace.Actuals
	for _, t := range pl.Targets() {
		rng, ok := pl.KeyRange("categories", strconv.Itoa(t.Index))
		if !ok {
			continue
		}
		// The whole entry: from its key to the next category's.
		end := rng.End
		if next, ok := pl.KeyRange("categories", strconv.Itoa(t.Index+1)); ok {
			end = next.Start
		} else if vr, ok := pl.ValueRange("categories", strconv.Itoa(t.Index)); ok {
			end = vr.End
		}
		if !overlaps(protocol.Range{Start: rng.Start, End: end}, p.Range) {
			continue
		}
		if a == nil {
			a = s.planActuals(pl)
		}
		n := t.Count - a.PerCat[t.Name]
		if n <= 0 {
			continue
		}
		out = append(out, generateAction(kindGenerate, generateTitle(n, t.Name), generateArgs{URI: snap.uri, Version: snap.version, Category: t.Name, Count: n}))
	}
	return out
}

// planCodeActionGenerate is the plan document's code actions with the
// generate actions added.
func (s *Server) planCodeActionGenerate(ctx *glsp.Context) (any, error) {
	res, err := s.planCodeAction(ctx)
	if err != nil {
		return res, err
	}
	actions, _ := res.([]protocol.CodeAction)
	q, err := decode[protocol.CodeActionParams](ctx)
	if err != nil {
		return actions, nil
	}
	return append(actions, s.planGenerateActions(s.docs.get(q.TextDocument.URI), q)...), nil
}
