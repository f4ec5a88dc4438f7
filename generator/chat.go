package generator

import (
	"context"
	"math/rand/v2"
	"net/http"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Chat is the provider client of a run, offered to other jobs that talk
// to the same endpoint (the judge of `ftls review`): the same go-openai
// client, retries with backoff honouring Retry-After, bounded time-outs,
// the response_format fallback, response size caps and redaction of the
// key. It is safe for concurrent use.
type Chat struct {
	c *chatClient
}

// ChatOptions tune a Chat; zero values take the defaults of a run.
type ChatOptions struct {
	HTTPClient *http.Client
	// Timeout bounds one request; 0 means 5 minutes.
	Timeout time.Duration
	// MaxRetries is the retries of one request; 0 means
	// plan.DefaultMaxRetries (3), -1 none. RetryBudget is the retries of
	// all requests together; 0 means 5 × MaxRetries, at least 10.
	MaxRetries, RetryBudget int
	// Backoff, MaxBackoff and MaxRetryAfter are as in Job.
	Backoff, MaxBackoff, MaxRetryAfter time.Duration
	// OnRetry is told of each retry: the attempt, the wait and the
	// redacted error.
	OnRetry func(attempt int, wait time.Duration, msg string)
}

// ChatAnswer is one completed request.
type ChatAnswer struct {
	Text string
	// Truncated is set when the answer was cut off by the token limit
	// (finish_reason "length").
	Truncated bool
	Usage     openai.Usage
}

// NewChat returns a client for p.
func NewChat(p Provider, o ChatOptions) *Chat {
	retries := o.MaxRetries
	switch {
	case retries < 0:
		retries = 0
	case retries == 0:
		retries = 3
	}
	budget := o.RetryBudget
	if budget <= 0 {
		budget = max(10, 5*retries)
	}
	c := &chatClient{
		api: newOpenAIClient(p, o.HTTPClient),
		key: p.APIKey, model: p.Model,
		timeout: orDefault(o.Timeout, 5*time.Minute), maxRetries: retries,
		backoff: orDefault(o.Backoff, time.Second), maxBackoff: orDefault(o.MaxBackoff, time.Minute),
		maxRetryAfter: orDefault(o.MaxRetryAfter, 5*time.Minute),
		rng:           rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 11)),
		sleep:         defaultSleep,
	}
	c.budget.Store(int64(budget))
	if o.OnRetry != nil {
		c.onRetry = func(_ Batch, attempt int, wait time.Duration, err error) { o.OnRetry(attempt, wait, err.Error()) }
	}
	return &Chat{c: c}
}

// Complete sends one request built by build for the response format in
// use (json_schema first, then json_object, then none as the endpoint
// rejects them), with the retries of a run. Errors are redacted.
func (c *Chat) Complete(ctx context.Context, build func(ResponseFormat) openai.ChatCompletionRequest) (ChatAnswer, error) {
	a, err := c.c.complete(ctx, Batch{}, build)
	if err != nil {
		return ChatAnswer{}, err
	}
	return ChatAnswer{Text: a.text, Truncated: a.finish == openai.FinishReasonLength, Usage: a.usage}, nil
}

// Retries is the number of retries made so far.
func (c *Chat) Retries() int { return int(c.c.retries.Load()) }

// Redact removes the key from text, for callers that report what the
// endpoint said.
func (c *Chat) Redact(text string) string { return c.c.clean(text) }

// Unfence returns the contents of the markdown code fences of text, or
// text itself when it has none: model answers often wrap JSON in them.
func Unfence(text string) []byte { return unfence(text) }

// ReasoningModel reports models that accept only their default
// temperature.
func ReasoningModel(model string) bool { return reasoningModel(model) }
