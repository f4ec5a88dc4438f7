package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/generator/judge"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/review"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// newGate prepares the review of each generated batch (ftls generate
// --review): the judge resolved as `ftls review` resolves it, and the
// dataset's review cache, which keeps the verdicts on the rows appended.
func newGate(ctx context.Context, p *plan.Plan, dataset string, s *diagnostics.Settings, f *reviewFlags, prices generator.PriceTable, stderr io.Writer) (*judge.Gate, error) {
	provider, code := reviewProvider(ctx, p, f, stderr)
	if code != exitOK {
		return nil, fmt.Errorf("no judge model for --review")
	}
	store, probs, err := review.Load(dataset, review.NewRubric(p), provider.Model)
	if err != nil {
		return nil, err
	}
	for _, pr := range probs {
		fmt.Fprintf(stderr, "ftls: %s\n", pr.Error())
	}
	return &judge.Gate{
		Provider: provider, Store: store, Settings: s,
		BatchSize: p.Review.BatchSize, Concurrency: p.Review.Concurrency,
		Chat: generator.ChatOptions{Timeout: f.timeout}, Prices: prices,
	}, nil
}

// saveGate writes the verdicts on the rows the run appended to the
// dataset's review cache, dropping those on rows that were not appended.
func saveGate(ctx context.Context, g *judge.Gate, dataset string, s *diagnostics.Settings, stderr io.Writer) {
	data, err := safefile.ReadFile(dataset, 0)
	if err != nil {
		return
	}
	rows, err := review.ReadRows(ctx, data, s)
	if err != nil {
		return
	}
	if err := g.Store.Save(review.Live(rows)); err != nil {
		fmt.Fprintln(stderr, "ftls:", err)
	}
}

func printGateReport(w io.Writer, r judge.Report) {
	fmt.Fprintf(w, "Review:   %d rows judged by %s in %s, %d below the threshold", r.Judged, r.Model, plural(r.Requests, "request"), r.Flagged)
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, ", %s with the judge's answers", plural(len(r.Notes), "problem"))
	}
	fmt.Fprintf(w, "; %s prompt + %s completion tokens", thousands(r.PromptTokens), thousands(r.CompletionTokens))
	if r.CostKnown {
		fmt.Fprintf(w, ", about $%.4f", r.Cost)
	}
	fmt.Fprintln(w)
}
