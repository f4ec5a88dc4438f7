package generator

import (
	"context"
	"encoding/json"

	openai "github.com/sashabaranov/go-openai"
)

// Preview is what a run would do, without sending anything: the first
// request and an estimate of the whole run's tokens and cost.
type Preview struct {
	Provider  Provider
	Dataset   string
	Existing  int
	Requested int
	BatchSize int
	// Requests is the number of batches the run needs if nothing is
	// dropped.
	Requests int
	Targets  []CategoryTarget
	// Batch and Request are the first request (zero when nothing is
	// missing).
	Batch   Batch
	Request openai.ChatCompletionRequest
	// Estimated tokens of the whole run, and their cost.
	PromptTokens     int64
	CompletionTokens int64
	Cost             float64
	CostKnown        bool
}

// Reply lengths, in tokens, the estimate assumes for each
// style.response_length when the dataset has too few rows to measure.
var replyTokens = map[string]int{"brief": 60, "moderate": 150, "detailed": 350, "step-by-step": 250}

const (
	// userTokens is the assumed length of a user message.
	userTokens = 35
	// messageOverhead is the JSON around one message in an answer.
	messageOverhead = 12
	// dropAllowance is the extra share of examples generated to make up
	// for dropped ones.
	dropAllowance = 0.15
)

// Prepare measures the dataset and plans the first batch as Run would,
// and estimates the run's tokens and cost. It sends nothing.
func Prepare(ctx context.Context, job Job) (*Preview, error) {
	r, err := newRunner(ctx, job, nil, true)
	if err != nil {
		return nil, err
	}
	pv := &Preview{
		Provider: r.provider, Dataset: r.dataset, Existing: r.existing,
		Requested: r.need, BatchSize: r.batchSize, Targets: r.targets(),
	}
	if r.need == 0 {
		return pv, nil
	}
	pv.Requests = (r.need + r.batchSize - 1) / r.batchSize
	b, _ := r.nextBatch()
	pv.Batch = b
	pv.Request = openai.ChatCompletionRequest{
		Model: r.provider.Model, Messages: r.pb.Messages(b),
		Temperature: r.temperature, ResponseFormat: r.pb.responseFormat(FormatJSONSchema),
	}
	tc := r.s.Tokens()
	prompt := 0
	for _, m := range pv.Request.Messages {
		prompt += tc.Count(m.Content) + 4
	}
	if rf, err := json.Marshal(pv.Request.ResponseFormat); err == nil {
		prompt += tc.Count(string(rf))
	}
	// Later prompts are about as long as the first; the last batch is
	// smaller but its prompt barely shorter.
	pv.PromptTokens = int64(prompt * pv.Requests)
	pv.CompletionTokens = int64(float64(r.need) * float64(r.exampleTokens()) * (1 + dropAllowance))
	pv.Cost, pv.CostKnown = r.prices.Cost(r.provider.Model, pv.PromptTokens, pv.CompletionTokens)
	return pv, nil
}

// exampleTokens estimates the tokens a model writes for one example: the
// average of the dataset's rows when it has at least 10, otherwise the
// plan's reply length and turn range.
func (r *runner) exampleTokens() int {
	d := r.p.Diversity
	lo, hi := max(2, d.Turns.Min), max(2, d.Turns.Min, d.Turns.Max)
	turns := (1-d.MultiTurn)*1 + d.MultiTurn*float64(lo+hi)/2
	if r.measured.rows >= 10 {
		perTurn := float64(r.measured.tokens) / float64(r.measured.rows)
		return int(perTurn + turns*2*messageOverhead)
	}
	reply, ok := replyTokens[r.p.Style.ResponseLength]
	if !ok {
		reply = replyTokens["moderate"]
	}
	n := turns * float64(userTokens+reply+2*messageOverhead)
	if r.rb.keepSystem {
		n += 80
	}
	return int(n)
}
