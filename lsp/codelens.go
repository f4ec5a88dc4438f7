package lsp

import (
	"fmt"
	"strings"

	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

// A code lens above the first line of a dataset summarises it: rows,
// categories, multi-turn share, tokens once counted, and the findings.

func (s *Server) codeLens(ctx *glsp.Context) (any, error) {
	p, err := decode[struct {
		TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	}](ctx)
	if err != nil {
		return nil, err
	}
	lenses := []protocol.CodeLens{}
	snap, r := s.current(p.TextDocument.URI)
	if snap == nil || snap.kind != kindDataset || r == nil {
		return lenses, nil
	}
	plain, withTokens, current, _ := s.datasetStats(snap, r, false)
	parts := []string{fmt.Sprintf("%d rows", plain.Rows)}
	if n := len(plain.Categories); n > 0 {
		parts = append(parts, fmt.Sprintf("%d categories", n))
	}
	if plain.MultiTurn+plain.SingleTurn > 0 {
		parts = append(parts, fmt.Sprintf("%.0f %% multi-turn", 100*plain.MultiTurnShare()))
	}
	if withTokens != nil && withTokens.TotalTokens.Sum > 0 {
		approx := ""
		if !current {
			approx = "≈"
		}
		parts = append(parts, fmt.Sprintf("%s%s tokens", approx, humanCount(withTokens.TotalTokens.Sum)))
	}
	findings := fmt.Sprintf("%d errors, %d warnings", plain.Errors, plain.Warnings)
	if !r.full || r.snap != snap {
		findings += " (updating)"
	}
	parts = append(parts, findings)
	top := protocol.Range{}
	lenses = append(lenses, protocol.CodeLens{Range: top, Command: &protocol.Command{
		Title:     "ftls: " + strings.Join(parts, " · "),
		Command:   cmdStats,
		Arguments: []any{protocol.TextDocumentIdentifier{URI: snap.uri}},
	}})
	lenses = append(lenses, s.reviewLens(snap, r)...)
	return lenses, nil
}

func humanCount(n int64) string {
	switch {
	case n >= 10_000_000:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	case n >= 1_000_000:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	case n >= 10_000:
		return fmt.Sprintf("%.0fk", float64(n)/1e3)
	}
	return fmt.Sprint(n)
}
