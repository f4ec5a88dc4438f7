package lsp

import (
	"fmt"
	"sort"
	"strings"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// The outline of a dataset is a table of contents: one namespace per
// category, holding its rows, each named by its line and first user
// message. Like VS Code's JSON outline it stops at maxSymbols rows.

const (
	maxSymbols    = 5000
	maxSymbolName = 60
)

func (s *Server) documentSymbol(ctx *glsp.Context) (any, error) {
	p, err := decode[struct {
		TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	}](ctx)
	if err != nil {
		return nil, err
	}
	out := []protocol.DocumentSymbol{}
	snap, r := s.current(p.TextDocument.URI)
	if snap == nil || snap.kind != kindDataset {
		return out, nil
	}
	st := s.settingsOf(snap, r)
	type group struct {
		name string
		rows []protocol.DocumentSymbol
	}
	groups := map[string]*group{}
	var order []string
	var parser jsonpos.Parser
	listed, total := 0, 0
	for i, l := range snap.All() {
		if !snap.IsRow(i) {
			continue
		}
		text := l.Content()
		if len(strings.TrimSpace(string(text))) == 0 {
			continue
		}
		total++
		if listed >= maxSymbols {
			continue
		}
		listed++
		if i == 0 {
			text = []byte(strings.TrimPrefix(string(text), string(bomBytes)))
		}
		row := dataset.Row{Line: i, Text: text}
		rc := diagnostics.NewRowContext(&row, &parser, st)
		cat := "(no category)"
		if rc.ParseErr != nil {
			cat = "(invalid JSON)"
		} else if c := rc.Category(); c != "" {
			cat = c
		}
		g := groups[cat]
		if g == nil {
			g = &group{name: cat}
			groups[cat] = g
			order = append(order, cat)
		}
		end := snap.Position(snap.Start(i) + int64(len(l.Content())))
		rng := protocol.Range{Start: protocol.Position{Line: i}, End: end}
		g.rows = append(g.rows, protocol.DocumentSymbol{
			Name: fmt.Sprintf("line %d: %s", i+1, rowTitle(rc)), Kind: protocol.SymbolObject,
			Range: rng, SelectionRange: protocol.Range{Start: rng.Start, End: rng.Start},
		})
	}
	sort.SliceStable(order, func(a, b int) bool { return len(groups[order[a]].rows) > len(groups[order[b]].rows) })
	for _, name := range order {
		g := groups[name]
		first, last := g.rows[0].Range, g.rows[len(g.rows)-1].Range
		out = append(out, protocol.DocumentSymbol{
			Name: name, Detail: fmt.Sprintf("%d rows", len(g.rows)), Kind: protocol.SymbolNamespace,
			Range: protocol.Range{Start: first.Start, End: last.End}, SelectionRange: protocol.Range{Start: first.Start, End: first.Start},
			Children: g.rows,
		})
	}
	if total > listed {
		at := protocol.Range{Start: protocol.Position{Line: 0}, End: protocol.Position{Line: 0}}
		out = append(out, protocol.DocumentSymbol{
			Name: fmt.Sprintf("(outline lists the first %d of %d rows)", listed, total), Kind: protocol.SymbolString,
			Range: at, SelectionRange: at,
		})
	}
	return out, nil
}

// rowTitle is the first user message of a row, shortened to one line.
func rowTitle(rc *diagnostics.RowContext) string {
	if rc.ParseErr != nil {
		return "invalid JSON"
	}
	for _, t := range rc.Turns() {
		if t.Role == "user" {
			return shorten(string(t.Text))
		}
	}
	if ts := rc.Turns(); len(ts) > 0 {
		return shorten(string(ts[0].Text))
	}
	return rc.Format.Title()
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= maxSymbolName {
		if s == "" {
			return "(empty)"
		}
		return s
	}
	return textpos.Truncate(s, maxSymbolName) + "…"
}
