package generator

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/ftls-dev/ftls/internal/tokens"
)

// EmbedJob is one embedding run (`ftls embed`): texts sent in batches to
// the /embeddings endpoint of an OpenAI-compatible provider, with the
// retries, backoff and time limits of generation.
type EmbedJob struct {
	// Provider is the endpoint; its Model is the embedding model.
	Provider Provider
	// Dimensions asks for vectors of that length (models that can shorten
	// theirs); 0 takes the model's.
	Dimensions int
	// BatchSize is the number of texts per request; 0 means 100.
	BatchSize int
	// Concurrency is the number of requests in flight; 0 means 1.
	Concurrency int
	// RequestTimeout bounds one request; 0 means 2 minutes.
	RequestTimeout time.Duration
	// MaxRetries is how often one request is retried; 0 means
	// DefaultEmbedRetries, a negative number none.
	MaxRetries int
	// Backoff, MaxBackoff and MaxRetryAfter tune the waits between
	// retries (defaults 1 s, 1 min, 5 min), as for generation.
	Backoff, MaxBackoff, MaxRetryAfter time.Duration
	// Prices overrides DefaultPrices.
	Prices     PriceTable
	HTTPClient *http.Client
}

// DefaultEmbedRetries is how often a failed embedding request is retried.
const DefaultEmbedRetries = 3

// EmbedReport is what an embedding run did.
type EmbedReport struct {
	Model    string `json:"model"`
	Texts    int    `json:"texts"`    // texts to embed
	Embedded int    `json:"embedded"` // vectors received and kept
	Requests int    `json:"requests"`
	Retries  int    `json:"retries"`
	// Tokens is what the endpoint reported using.
	Tokens    int64   `json:"tokens"`
	Cost      float64 `json:"cost_usd"`
	CostKnown bool    `json:"cost_known"`
	// Notes explain the texts left without a vector: answers that could
	// not be used, vectors refused.
	Notes []string `json:"notes,omitempty"`
}

// EmbedProgress reports a finished request, or a retry when Retry is set.
type EmbedProgress struct {
	Done, Total int
	Retry       string
}

// Embed sends texts to the embedding model and hands each vector received
// to keep with the index of its text; keep may refuse a vector (wrong
// length, not a number), which becomes a note. A batch whose answer does
// not hold exactly one vector per text is not kept at all: its vectors
// cannot be matched to their texts with certainty. Up to job.Concurrency
// requests are in flight; keep and progress are called one at a time. On
// an error (a request that failed for good, or ctx ending) Embed stops
// sending and returns it; what keep received stays received, so an
// interrupted run loses nothing.
func Embed(ctx context.Context, job EmbedJob, texts []string, keep func(i int, v []float32) error, progress func(EmbedProgress)) (EmbedReport, error) {
	rep := EmbedReport{Model: job.Provider.Model, Texts: len(texts)}
	size := job.BatchSize
	if size <= 0 {
		size = 100
	}
	c := newEmbedClient(job)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	starts := make(chan int)
	go func() {
		defer close(starts)
		for start := 0; start < len(texts); start += size {
			select {
			case starts <- start:
			case <-ctx.Done():
				return
			}
		}
	}()
	r := &embedRun{rep: &rep, keep: keep, progress: progress, total: len(texts), prices: DefaultPrices.With(job.Prices), dims: job.Dimensions}
	var wg sync.WaitGroup
	for range max(1, job.Concurrency) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range starts {
				end := min(start+size, len(texts))
				resp, err := c.embed(ctx, texts[start:end], job.Dimensions, func(attempt int, wait time.Duration, e error) {
					r.report(EmbedProgress{Retry: fmt.Sprintf("retry %d in %s: %v", attempt, wait.Round(time.Millisecond), e)})
				})
				if err != nil {
					r.fail(err, cancel)
					continue
				}
				r.received(start, end, resp)
			}
		}()
	}
	wg.Wait()
	rep.Retries = int(c.retries.Load())
	return rep, r.err
}

// embedRun gathers the answers of the requests of one Embed call.
type embedRun struct {
	mu       sync.Mutex
	rep      *EmbedReport
	err      error
	done     int
	total    int
	dims     int
	prices   PriceTable
	keep     func(i int, v []float32) error
	progress func(EmbedProgress)
}

func (r *embedRun) report(p EmbedProgress) {
	if r.progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p.Done, p.Total = r.done, r.total
	r.progress(p)
}

// fail records the first error and stops the other requests.
func (r *embedRun) fail(err error, stop func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Requests++
	if r.err == nil {
		r.err = err
		stop()
	}
}

// received keeps the vectors of texts[start:end].
func (r *embedRun) received(start, end int, resp openai.EmbeddingResponse) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := r.rep
	rep.Requests++
	rep.Tokens += int64(resp.Usage.TotalTokens)
	rep.Cost, rep.CostKnown = r.prices.Cost(rep.Model, rep.Tokens, 0)
	vectors, note := matchVectors(resp.Data, end-start, r.dims)
	if note != "" {
		rep.Notes = append(rep.Notes, fmt.Sprintf("texts %d-%d: %s; none of them was kept", start+1, end, note))
	}
	for k, v := range vectors {
		if v == nil {
			continue
		}
		if err := r.keep(start+k, v); err != nil {
			rep.Notes = append(rep.Notes, fmt.Sprintf("text %d: the endpoint sent %v; it was not kept", start+k+1, err))
			continue
		}
		rep.Embedded++
	}
	r.done += end - start
	if r.progress != nil {
		r.progress(EmbedProgress{Done: r.done, Total: r.total})
	}
}

// matchVectors puts the vectors of an answer in the order of the n texts
// sent, by their index; it returns a note, and no vector, when the answer
// does not give each text exactly one. A vector of the wrong length for
// the dimensions asked is left out (nil) with the note.
func matchVectors(data []openai.Embedding, n, dims int) ([][]float32, string) {
	if len(data) != n {
		return nil, fmt.Sprintf("the endpoint answered with %d vectors for %d texts", len(data), n)
	}
	out := make([][]float32, n)
	for _, d := range data {
		if d.Index < 0 || d.Index >= n || out[d.Index] != nil {
			return nil, fmt.Sprintf("the endpoint's answer gives index %d twice or out of range", d.Index)
		}
		if len(d.Embedding) == 0 {
			return nil, fmt.Sprintf("the endpoint's answer has an empty vector at index %d", d.Index)
		}
		out[d.Index] = d.Embedding
	}
	if dims > 0 {
		for i, v := range out {
			if len(v) != dims {
				return nil, fmt.Sprintf("the endpoint sent a vector of %d dimensions at index %d where %d were asked", len(v), i, dims)
			}
		}
	}
	return out, ""
}

func newEmbedClient(job EmbedJob) *chatClient {
	retries := job.MaxRetries
	switch {
	case retries == 0:
		retries = DefaultEmbedRetries
	case retries < 0:
		retries = 0
	}
	c := newChatClient(job.Provider, job.HTTPClient, retryPolicy{
		timeout: orDefault(job.RequestTimeout, 2*time.Minute), maxRetries: retries,
		backoff: job.Backoff, maxBackoff: job.MaxBackoff, maxRetryAfter: job.MaxRetryAfter,
	}, uint64(time.Now().UnixNano()))
	// Every request may use all its retries: the run is sequential, so a
	// struggling endpoint slows it down instead of multiplying requests.
	c.budget.Store(1 << 40)
	return c
}

// embed sends one batch, retrying what can succeed on a second try, as
// complete does for chat requests.
func (c *chatClient) embed(ctx context.Context, batch []string, dims int, onRetry func(int, time.Duration, error)) (openai.EmbeddingResponse, error) {
	req := openai.EmbeddingRequestStrings{Input: batch, Model: openai.EmbeddingModel(c.model), Dimensions: dims, EncodingFormat: openai.EmbeddingEncodingFormatFloat}
	attempt := 0
	for {
		meta := &respMeta{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, metaKey{}, meta), c.timeout)
		resp, err := c.api.CreateEmbeddings(actx, req)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if ctx.Err() != nil {
			return resp, ctx.Err()
		}
		if err == nil {
			return resp, nil
		}
		e := c.classify(err, meta, timedOut, FormatNone)
		if err := c.again(ctx, &attempt, e, meta, func(attempt int, wait time.Duration) { onRetry(attempt, wait, e) }); err != nil {
			return resp, err
		}
	}
}

// EstimateEmbedTokens counts the tokens of texts with the tokenizer of
// OpenAI's embedding models (cl100k_base), for the cost shown before a
// run; other models' tokenizers give similar counts.
func EstimateEmbedTokens(texts []string) int64 {
	c, err := tokens.ForEncoding("cl100k_base")
	if err != nil {
		return 0
	}
	var n int64
	for _, t := range texts {
		n += int64(c.Count(t))
	}
	return n
}
