package judge

import (
	"context"
	"sync"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/review"
)

// Unreviewed is the reason a generated row is dropped when the judge gave
// no usable verdict on it: generated rows are held to the strict bar.
const Unreviewed = "unreviewed"

// Gate reviews the batches of a generation run before they are appended
// (generator.Job.Reviewer). Its verdicts go to the store, so the rows it
// keeps are never sent to the judge again; the caller saves the store
// when the run ends. Report sums its requests.
type Gate struct {
	Provider generator.Provider
	Store    *review.Store
	// Settings give the category field of generated rows.
	Settings               *diagnostics.Settings
	BatchSize, Concurrency int
	Chat                   generator.ChatOptions
	Prices                 generator.PriceTable

	mu  sync.Mutex
	sum Report
}

// Review judges rows and returns, for each, "" to keep it or why it is
// dropped: the code of the lowest-scored criterion below the threshold,
// or Unreviewed.
func (g *Gate) Review(ctx context.Context, rows [][]byte) ([]string, error) {
	rr := review.RowsOf(rows, g.Settings)
	rep, err := Run(ctx, Job{
		Provider: g.Provider, Store: g.Store, Rows: rr, Score: true, NoSave: true,
		BatchSize: g.BatchSize, Concurrency: g.Concurrency, Chat: g.Chat, Prices: g.Prices,
	}, nil)
	g.add(rep)
	if err != nil {
		return nil, err
	}
	why := make([]string, len(rows))
	for i := range why {
		why[i] = Unreviewed
	}
	threshold := g.Store.Rubric().Threshold
	for _, r := range rr {
		v, ok := g.Store.Verdict(r.Key)
		if !ok || len(v.Scores) == 0 {
			continue
		}
		why[r.Line] = lowest(v, threshold)
	}
	return why, nil
}

// lowest returns the rule code of the lowest score below the threshold
// (the first in catalog order on a tie), or "".
func lowest(v diagnostics.ReviewVerdict, threshold int) string {
	code, best := "", threshold
	for _, c := range diagnostics.ReviewCriteria {
		if s, ok := v.Scores[c.Name]; ok && s.Score < best {
			code, best = c.Code, s.Score
		}
	}
	return code
}

func (g *Gate) add(r Report) {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := &g.sum
	s.Model = r.Model
	s.Rows += r.Rows
	s.Sent += r.Sent
	s.Judged += r.Judged
	s.Flagged += r.Flagged
	s.Requests += r.Requests
	s.Retries += r.Retries
	s.Notes = append(s.Notes, r.Notes...)
	s.PromptTokens += r.PromptTokens
	s.CompletionTokens += r.CompletionTokens
	s.Duration += r.Duration
	prices := generator.DefaultPrices.With(g.Prices)
	s.Cost, s.CostKnown = prices.Cost(s.Model, s.PromptTokens, s.CompletionTokens)
}

// Report is what the gate's reviews cost and found, summed over the run.
func (g *Gate) Report() Report {
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.sum
	r.Notes = append([]string(nil), g.sum.Notes...)
	return r
}
