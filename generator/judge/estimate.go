package judge

import (
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/tokens"
)

// Estimate is what a run would send, worked out without sending anything.
type Estimate struct {
	Model    string `json:"model"`
	Rows     int    `json:"rows"`
	Cached   int    `json:"cached"`
	Repeats  int    `json:"repeats"`
	Sent     int    `json:"sent"`
	Requests int    `json:"requests"`
	// PromptTokens are counted exactly with the model's tokenizer (o200k
	// for an unknown model); CompletionTokens are an estimate of the
	// verdicts' length.
	PromptTokens     int64   `json:"promptTokens"`
	CompletionTokens int64   `json:"completionTokens"`
	Cost             float64 `json:"cost"`
	CostKnown        bool    `json:"costKnown"`
}

// Completion tokens a verdict takes: counted (o200k) on a typical answer,
// a score with a reason of about fifteen words and its JSON (41 tokens), a
// category with its reason (33), a row's id and braces (11), rounded up.
// Rewrites of low-scored answers come on top; the actual tokens are
// reported after the run.
const (
	tokensPerScore    = 45
	tokensPerCategory = 40
	tokensPerRow      = 12
)

// EstimateRun counts the tokens of the requests Run would send for job.
func EstimateRun(job Job) Estimate {
	batches, cached, repeats := job.batches()
	e := Estimate{Model: job.Provider.Model, Rows: len(job.Rows), Cached: cached, Repeats: repeats, Requests: len(batches)}
	counter, err := tokens.ForModel(job.Provider.Model)
	if err != nil {
		counter, _ = tokens.ForEncoding("o200k_base")
	}
	rubric := job.Store.Rubric()
	for _, b := range batches {
		e.Sent += len(b.rows)
		var msgs []tokens.Message
		for _, m := range b.messages(rubric) {
			msgs = append(msgs, tokens.Message{Role: m.Role, Content: m.Content})
		}
		e.PromptTokens += int64(counter.CountChat(msgs).Total)
		per := tokensPerRow + tokensPerScore*len(rubric.Criteria)
		if b.mode == Categorize {
			per = tokensPerRow + tokensPerCategory
		}
		e.CompletionTokens += int64(per * len(b.rows))
	}
	prices := generator.DefaultPrices.With(job.Prices)
	e.Cost, e.CostKnown = prices.Cost(job.Provider.Model, e.PromptTokens, e.CompletionTokens)
	return e
}
