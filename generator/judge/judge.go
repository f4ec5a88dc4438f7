// Package judge sends a dataset's rows to a judge model and records its
// verdicts in the review cache (package review): `ftls review`, the
// editor's review actions and `ftls generate --review` all go through it.
//
// The requests use the provider client of generation (generator.Chat):
// the same endpoint resolution, retries of 429 and 5xx with backoff that
// honours Retry-After, bounded time-outs, the response_format fallback,
// and redaction of the key. Rows go in batches (review.batch_size), a few
// requests at a time (review.concurrency). The judge's answer is
// untrusted: parseAnswer takes a verdict only for a row whose every
// criterion came back well-formed, and says what was wrong with the rest,
// which stay unreviewed.
//
// Verdicts are written to the sidecar as batches complete (atomically, at
// most about once a second, and always at the end), so an interrupted run
// keeps every verdict it received.
package judge

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/review"
)

// Job is one review run.
type Job struct {
	Provider generator.Provider
	Store    *review.Store
	// Rows are the rows to judge; those the store already has verdicts on
	// (for its model and rubric) are skipped.
	Rows []review.Row
	// Live are the review keys of every row of the dataset; verdicts on
	// other rows are dropped from the sidecar when it is written. nil
	// keeps them all.
	Live map[string]bool
	// Categorize also asks for a category for the rows without one.
	Categorize bool
	// Score asks for scores (the default review); false with Categorize
	// only categorizes.
	Score bool
	// BatchSize and Concurrency override the plan's review section.
	BatchSize, Concurrency int
	Chat                   generator.ChatOptions
	Prices                 generator.PriceTable
	// NoSave leaves the sidecar alone (the caller saves).
	NoSave bool
}

// Report is what a run did. It never holds the API key.
type Report struct {
	Model string `json:"model"`
	// Rows are the rows asked about; Cached those skipped because the
	// cache had their verdict; Repeats those identical to an earlier row
	// (judged once, for both); Sent those sent.
	Rows    int `json:"rows"`
	Cached  int `json:"cached"`
	Repeats int `json:"repeats"`
	Sent    int `json:"sent"`
	// Judged are the rows that got a verdict, Flagged those with a
	// criterion below the threshold, Categorized those given a category.
	Judged      int `json:"judged"`
	Flagged     int `json:"flagged"`
	Categorized int `json:"categorized"`
	Requests    int `json:"requests"`
	Retries     int `json:"retries"`
	// Notes say what was wrong with the judge's answers.
	Notes            []string `json:"notes,omitempty"`
	PromptTokens     int64    `json:"promptTokens"`
	CompletionTokens int64    `json:"completionTokens"`
	Cost             float64  `json:"cost"`
	CostKnown        bool     `json:"costKnown"`
	// Stopped says why the run ended early; "" when it finished.
	Stopped  string        `json:"stopped,omitempty"`
	Duration time.Duration `json:"duration"`
}

// Event reports progress: Done of Total rows sent so far have an answer.
type Event struct {
	Done, Total int
	// Message is a note or a retry.
	Message string
}

// batches splits the rows still to judge into requests.
func (j *Job) batches() (out []batch, cached, repeats int) {
	size := j.BatchSize
	if size <= 0 {
		size = plan.DefaultReviewBatchSize
	}
	size = min(size, plan.MaxReviewBatchSize)
	score := j.Score || !j.Categorize
	var todo [2][]review.Row
	seen := map[string]bool{}
	for _, r := range j.Rows {
		if seen[r.Key] {
			repeats++
			continue
		}
		need := false
		if score && !j.Store.Scored(r.Key) {
			todo[Score] = append(todo[Score], r)
			need = true
		}
		if j.Categorize && r.Category == "" && len(j.Store.Rubric().Categories) > 0 && !j.Store.Categorized(r.Key) {
			todo[Categorize] = append(todo[Categorize], r)
			need = true
		}
		if !need {
			cached++
		}
		seen[r.Key] = true
	}
	for mode, rows := range todo {
		for i := 0; i < len(rows); i += size {
			out = append(out, batch{seq: len(out) + 1, mode: Mode(mode), rows: rows[i:min(i+size, len(rows))]})
		}
	}
	return out, cached, repeats
}

// run is the state of one run.
type run struct {
	job    *Job
	chat   *generator.Chat
	rubric review.Rubric

	mu       sync.Mutex
	rep      Report
	done     int
	total    int
	lastSave time.Time
	dirty    bool
	progress func(Event)
	judged   map[string]bool
}

// Run judges the rows of job that the cache lacks, recording each verdict
// in the store as its batch completes. It returns when every batch is
// done, when ctx is cancelled (the verdicts received are saved), or on an
// error a retry cannot fix. progress may be nil.
func Run(ctx context.Context, job Job, progress func(Event)) (Report, error) {
	return start(ctx, job, progress, func(r *run, batches []batch) error { return r.runBatches(ctx, batches) })
}

// start prepares a run, has send send its batches, saves the verdicts and
// fills in the report.
func start(ctx context.Context, job Job, progress func(Event), send func(*run, []batch) error) (Report, error) {
	began := time.Now()
	if job.Provider.BaseURL == "" {
		return Report{}, errors.New("no model provider configured for the review")
	}
	if job.Store == nil {
		return Report{}, errors.New("review: no cache store")
	}
	batches, cached, repeats := job.batches()
	r := &run{job: &job, rubric: job.Store.Rubric(), progress: progress, judged: map[string]bool{}}
	r.rep = Report{Model: job.Provider.Model, Rows: len(job.Rows), Cached: cached, Repeats: repeats}
	for _, b := range batches {
		r.total += len(b.rows)
	}
	chatOpts := job.Chat
	userRetry := chatOpts.OnRetry
	chatOpts.OnRetry = func(attempt int, wait time.Duration, msg string) {
		r.emit(fmt.Sprintf("retry %d in %s: %s", attempt, wait.Round(time.Millisecond), msg))
		if userRetry != nil {
			userRetry(attempt, wait, msg)
		}
	}
	r.chat = generator.NewChat(job.Provider, chatOpts)
	err := send(r, batches)
	r.mu.Lock()
	defer r.mu.Unlock()
	if serr := r.save(true); serr != nil && err == nil {
		err = serr
	}
	r.rep.Retries = r.chat.Retries()
	r.rep.Judged = len(r.judged)
	prices := generator.DefaultPrices.With(job.Prices)
	r.rep.Cost, r.rep.CostKnown = prices.Cost(job.Provider.Model, r.rep.PromptTokens, r.rep.CompletionTokens)
	if err != nil {
		r.rep.Stopped = err.Error()
		if errors.Is(err, context.Canceled) {
			r.rep.Stopped = "cancelled"
		}
	}
	r.rep.Duration = time.Since(began)
	return r.rep, err
}

// runBatches sends the batches, concurrency at a time; the first error
// stops the others.
func (r *run) runBatches(ctx context.Context, batches []batch) error {
	conc := r.job.Concurrency
	if conc <= 0 {
		conc = plan.DefaultReviewConcurrency
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan batch)
	var wg sync.WaitGroup
	for range min(conc, max(1, len(batches))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range work {
				if err := r.send(ctx, b); err != nil {
					cancel(err)
				}
			}
		}()
	}
feed:
	for _, b := range batches {
		select {
		case work <- b:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// send asks the judge about one batch and records its verdicts.
func (r *run) send(ctx context.Context, b batch) error {
	ans, err := r.chat.Complete(ctx, func(f generator.ResponseFormat) openai.ChatCompletionRequest {
		return r.request(b, f)
	})
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("review batch %d (%s): %w", b.seq, b.lines(), err)
	}
	return r.record(b, ans)
}

// request is the chat request of a batch, in response format f.
func (r *run) request(b batch, f generator.ResponseFormat) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Model: r.job.Provider.Model, Messages: b.messages(r.rubric), ResponseFormat: responseFormat(f, b.mode, r.rubric)}
}

// record takes the verdicts of the judge's answer to a batch, saves them
// and reports progress.
func (r *run) record(b batch, ans generator.ChatAnswer) error {
	verdicts, notes := parseAnswer(ans.Text, b, r.rubric)
	if ans.Truncated {
		notes = append(notes, "the answer was cut off by the token limit; lower review.batch_size")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Requests++
	r.rep.Sent += len(b.rows)
	r.rep.PromptTokens += int64(ans.Usage.PromptTokens)
	r.rep.CompletionTokens += int64(ans.Usage.CompletionTokens)
	for _, n := range notes {
		r.rep.Notes = append(r.rep.Notes, fmt.Sprintf("batch %d (%s): %s", b.seq, b.lines(), n))
	}
	for i, v := range verdicts {
		row := b.rows[i]
		r.job.Store.Record(row.Key, row.Line+1, v.scores, v.category)
		r.judged[row.Key] = true
		if v.category != nil {
			r.rep.Categorized++
		}
		for _, s := range v.scores {
			if s.Score < r.rubric.Threshold {
				r.rep.Flagged++
				break
			}
		}
	}
	r.dirty = r.dirty || len(verdicts) > 0
	r.done += len(b.rows)
	if err := r.save(false); err != nil {
		return err
	}
	r.emitLocked(Event{Done: r.done, Total: r.total})
	for _, n := range notes {
		r.emitLocked(Event{Done: r.done, Total: r.total, Message: n})
	}
	return nil
}

// save writes the sidecar when verdicts arrived, at most once a second
// unless final. r.mu is held.
func (r *run) save(final bool) error {
	if r.job.NoSave || !r.dirty || (!final && time.Since(r.lastSave) < time.Second) {
		return nil
	}
	r.lastSave = time.Now()
	r.dirty = false
	return r.job.Store.Save(r.job.Live)
}

func (r *run) emit(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.emitLocked(Event{Done: r.done, Total: r.total, Message: msg})
}

func (r *run) emitLocked(e Event) {
	if r.progress != nil {
		r.progress(e)
	}
}
