package generator

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/dedup"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// category is the state of one category during a run.
type category struct {
	name     string
	share    float64
	target   int
	before   int
	have     int
	inflight int
	avoid    []string
}

// runner is the state of one run.
type runner struct {
	job      Job
	p        *plan.Plan
	s        *diagnostics.Settings
	provider Provider
	dataset  string
	sink     Sink

	cats      []*category
	only      *category // the --category restriction
	existing  int
	need      int
	batchSize int

	pb      promptBuilder
	rb      rowBuilder
	pl      *planner
	ix      *index
	reject  map[string]bool
	prompts []string // varied mode's listed prompts
	// measured sums the user and assistant tokens of the rows present,
	// when counted.
	measured struct{ rows, tokens int }
	parser   jsonpos.Parser

	client      *chatClient
	concurrency int
	maxRequests int
	temperature float32
	prices      PriceTable

	mu       sync.Mutex
	cond     *sync.Cond
	accepted int
	inflight int
	started  int
	stagnant int
	stop     error
	stopped  bool
	report   Report

	emitMu   sync.Mutex
	progress func(Event)
}

// Run generates examples as job describes, appending each accepted batch
// to the sink, and reports what it did. It returns when the requested
// number of examples has been added, when ctx is cancelled (rows already
// appended stay), or when it cannot go on (an error from the endpoint
// that a retry will not fix, or a spent retry or request budget); the
// report is filled in every case. progress may be nil.
func Run(ctx context.Context, job Job, progress func(Event)) (Report, error) {
	start := time.Now()
	if job.Provider.BaseURL == "" {
		return Report{}, noProviderError()
	}
	r, err := newRunner(ctx, job, progress, false)
	if err != nil {
		return Report{}, err
	}
	err = r.run(ctx)
	r.report.Duration = time.Since(start)
	return r.report, err
}

// newRunner measures the dataset and prepares a run; countTokens makes it
// count the tokens of the rows present, for estimates.
func newRunner(ctx context.Context, job Job, progress func(Event), countTokens bool) (*runner, error) {
	if job.Plan == nil {
		return nil, errors.New("generation needs a plan")
	}
	if job.Provider.Model == "" {
		return nil, errors.New("no model to generate with: set generation.model in the plan, " + EnvModel + " or --model")
	}
	p := job.Plan
	s := job.Settings
	if s == nil {
		var err error
		if s, err = p.Apply(diagnostics.DefaultSettings()); err != nil {
			return nil, err
		}
	}
	s = s.Clone()
	s.CountTokens = countTokens
	// Duplicates of existing rows are dropped and categories counted
	// whatever rules the user turned off.
	s.Data |= diagnostics.DataRows | diagnostics.DataCategory | diagnostics.DataFingerprint | diagnostics.DataSketch
	// Model output is untrusted: the rules that always reject a generated
	// example run whatever the user's severities.
	for _, code := range AlwaysReject {
		if s.Severity(code) == diagnostics.Off {
			s.Severities[code] = diagnostics.Warning
		}
	}
	r := &runner{job: job, p: p, s: s, provider: job.Provider, progress: progress}
	r.cond = sync.NewCond(&r.mu)
	r.dataset = job.Dataset
	if r.dataset == "" {
		var err error
		if r.dataset, err = p.WritePath("train", p.Output.Train); err != nil {
			return nil, err
		}
	}
	if r.dataset == "" {
		return nil, errors.New("the plan names no training file (output.train)")
	}
	r.sink = job.Sink
	if r.sink == nil {
		r.sink = &FileSink{Path: r.dataset}
	}
	seed := job.Seed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	r.pl = newPlanner(p, seed)
	r.ix = newIndex(s.NearDuplicate)
	r.reject = map[string]bool{}
	rej := job.Reject
	if rej == nil {
		rej = DefaultReject
	}
	for _, c := range rej {
		r.reject[c] = true
	}
	for _, c := range AlwaysReject {
		r.reject[c] = true
	}

	res, err := r.measure(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.plan(res); err != nil {
		return nil, err
	}

	r.pb = promptBuilder{p: p}
	r.rb = rowBuilder{keepSystem: p.SystemPrompt.Mode == "varied" && len(p.SystemPrompt.Prompts) == 0}
	if f := strings.TrimSpace(s.CategoryField); f != "" && !(len(p.Categories) == 0 && job.Category == "") {
		r.rb.categoryPath = strings.Split(f, ".")
	}
	switch p.SystemPrompt.Mode {
	case "none":
	case "varied":
		r.prompts = p.SystemPrompt.Prompts
	default:
		r.pb.systemPrompt = r.consistentPrompt(ctx)
	}

	r.batchSize = job.BatchSize
	if r.batchSize <= 0 {
		r.batchSize = p.Generation.BatchSize
	}
	if r.batchSize <= 0 {
		r.batchSize = plan.DefaultBatchSize
	}
	r.batchSize = min(max(r.batchSize, plan.MinBatchSize), plan.MaxBatchSize)
	r.concurrency = job.Concurrency
	if r.concurrency <= 0 {
		r.concurrency = p.Generation.Concurrency
	}
	if r.concurrency <= 0 {
		r.concurrency = plan.DefaultConcurrency
	}
	maxRetries := job.MaxRetries
	switch {
	case maxRetries < 0:
		maxRetries = 0
	case maxRetries == 0:
		maxRetries = p.Generation.MaxRetries
		if !p.Has("generation", "max_retries") {
			maxRetries = plan.DefaultMaxRetries
		}
	}
	budget := job.RetryBudget
	if budget <= 0 {
		budget = max(10, 5*maxRetries)
	}
	batches := (r.need + r.batchSize - 1) / r.batchSize
	r.maxRequests = job.MaxRequests
	if r.maxRequests <= 0 {
		r.maxRequests = 3*batches + 3
	}
	temp := p.Generation.Temperature
	if job.Temperature != nil {
		temp = *job.Temperature
	}
	r.temperature = float32(temp)
	if reasoningModel(r.provider.Model) {
		// Reasoning models accept only their default temperature.
		r.temperature = 0
	}
	r.prices = DefaultPrices.With(job.Prices)

	c := newChatClient(r.provider, job.HTTPClient, retryPolicy{
		timeout: orDefault(job.RequestTimeout, 5*time.Minute), maxRetries: maxRetries,
		backoff: job.Backoff, maxBackoff: job.MaxBackoff, maxRetryAfter: job.MaxRetryAfter,
	}, uint64(seed))
	c.budget.Store(int64(budget))
	c.onRetry = func(b Batch, attempt int, wait time.Duration, err error) {
		r.emit(Event{Kind: EventRetry, Batch: b.Seq, Category: b.Category, Count: b.Count, Attempt: attempt, Wait: wait, Message: err.Error()})
	}
	c.onFallback = func(from, to ResponseFormat) {
		r.emit(Event{Kind: EventFallback, Format: to.String(),
			Message: fmt.Sprintf("the endpoint rejected response_format %s; using %s from now on", from, to)})
	}
	r.client = c

	r.report = Report{
		Provider: r.provider.String(), Model: r.provider.Model, Dataset: r.dataset,
		Existing: r.existing, Requested: r.need,
		Dropped: map[string]int{}, InvalidRules: map[string]int{},
	}
	return r, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// reasoningModel reports models that reject a temperature.
func reasoningModel(model string) bool {
	for _, p := range []string{"o1", "o3", "o4", "gpt-5"} {
		if strings.HasPrefix(model, p) {
			return true
		}
	}
	return false
}

// measure checks the dataset as it is now and records its rows in the
// duplicate index.
func (r *runner) measure(ctx context.Context) (*engine.Result, error) {
	var src io.Reader
	if r.job.Existing != nil {
		src = bytes.NewReader(r.job.Existing)
	} else {
		f, err := safefile.Open(r.dataset)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			src = bytes.NewReader(nil)
		case err != nil:
			return nil, err
		default:
			defer f.Close()
			src = f
		}
	}
	br := bufio.NewReaderSize(src, 64<<10)
	if head, _ := br.Peek(4096); firstByte(bytes.TrimPrefix(head, []byte{0xEF, 0xBB, 0xBF})) == '[' {
		return nil, fmt.Errorf("%s holds a JSON array; generation appends JSON Lines rows (convert it with `ftls export`)", r.dataset)
	}
	res, err := engine.Check(ctx, r.dataset, br, engine.Options{Settings: r.s})
	if err != nil {
		return nil, err
	}
	r.existing = res.Examples()
	for _, row := range res.Rows {
		if row.Object {
			r.ix.add(row.Fingerprint, row.Sig)
		}
		ex := row.Extra()
		if t := int(ex.UserTokens + ex.AssistantTokens); t > 0 {
			r.measured.rows++
			r.measured.tokens += t
		}
	}
	return res, nil
}

// plan sets the run's size and the categories' targets from the plan, the
// rows present and the job.
func (r *runner) plan(res *engine.Result) error {
	p, job := r.p, r.job
	have := map[string]int{}
	for _, row := range res.Rows {
		if row.Object && row.Category != "" {
			have[row.Category]++
		}
	}
	if job.Category != "" {
		if _, ok := p.Category(job.Category); !ok {
			var names []string
			for _, t := range p.Targets() {
				names = append(names, t.Name)
			}
			return fmt.Errorf("the plan has no category %q (it has %s)", job.Category, strings.Join(names, ", "))
		}
	}
	if job.Count < 0 {
		return fmt.Errorf("count must not be negative, got %d", job.Count)
	}
	total := p.Size.Examples
	switch {
	case job.Count > 0:
		r.need = job.Count
		total = r.existing + job.Count
	case job.Category == "":
		r.need = max(0, p.Size.Examples-r.existing)
		total = max(p.Size.Examples, r.existing)
	}
	scaled := *p
	scaled.Size.Examples = total
	targets := scaled.Targets()
	if len(targets) == 0 {
		r.cats = []*category{{share: 1, target: total, before: r.existing, have: r.existing}}
	}
	for _, t := range targets {
		c := &category{name: t.Name, share: t.Share, target: t.Count, before: have[t.Name], have: have[t.Name]}
		r.cats = append(r.cats, c)
		if t.Name == job.Category {
			r.only = c
		}
	}
	if r.only != nil {
		if job.Count > 0 {
			r.only.target = r.only.have + job.Count
		} else {
			// Fill the category up to its share of the planned size.
			for _, t := range p.Targets() {
				if t.Name == job.Category {
					r.only.target = t.Count
				}
			}
			r.need = max(0, r.only.target-r.only.have)
		}
	}
	return nil
}

// consistentPrompt is the system prompt of every example in consistent
// mode: the plan's first prompt; without one, the prompt most rows of the
// dataset already use; without any, one written from the plan's task.
func (r *runner) consistentPrompt(ctx context.Context) string {
	if ps := r.p.SystemPrompt.Prompts; len(ps) > 0 && strings.TrimSpace(ps[0]) != "" {
		return strings.TrimSpace(ps[0])
	}
	if sp := r.commonSystemPrompt(ctx); sp != "" {
		return sp
	}
	t := r.p.Task
	var b strings.Builder
	switch {
	case t.Type != "" && t.Domain != "":
		fmt.Fprintf(&b, "You are a %s assistant for %s.", t.Type, t.Domain)
	case t.Type != "":
		fmt.Fprintf(&b, "You are a %s assistant.", t.Type)
	case t.Domain != "":
		fmt.Fprintf(&b, "You are an assistant for %s.", t.Domain)
	default:
		b.WriteString("You are a helpful assistant.")
	}
	if d := oneLine(t.Description); d != "" {
		b.WriteString(" " + d)
	}
	return b.String()
}

// commonSystemPrompt returns the system prompt used most often by the
// first few thousand rows of the dataset, or "".
func (r *runner) commonSystemPrompt(ctx context.Context) string {
	var src io.Reader
	if r.job.Existing != nil {
		src = bytes.NewReader(r.job.Existing)
	} else {
		f, err := safefile.Open(r.dataset)
		if err != nil {
			return ""
		}
		defer f.Close()
		src = f
	}
	counts := map[string]int{}
	best, bestN := "", 0
	lr := dataset.NewLineReader(src, 0)
	seen := 0
	for seen < 2000 && ctx.Err() == nil {
		c, err := lr.Next()
		if err != nil {
			break
		}
		for i := range c.Rows {
			rc := diagnostics.NewRowContext(&c.Rows[i], &r.parser, r.s)
			for _, t := range rc.Turns() {
				if t.Role == "system" {
					sp := string(t.Text)
					counts[sp]++
					if counts[sp] > bestN {
						best, bestN = sp, counts[sp]
					}
					break
				}
			}
			seen++
		}
		c.Release()
	}
	return strings.TrimSpace(best)
}

// emit reports progress, one event at a time.
func (r *runner) emit(e Event) {
	if r.progress == nil {
		return
	}
	r.emitMu.Lock()
	defer r.emitMu.Unlock()
	r.progress(e)
}

// targets returns the categories' numbers.
func (r *runner) targets() []CategoryTarget {
	out := make([]CategoryTarget, 0, len(r.cats))
	for _, c := range r.cats {
		out = append(out, CategoryTarget{Name: c.name, Target: c.target, Before: c.before, Added: c.have - c.before})
	}
	return out
}

func (r *runner) run(ctx context.Context) error {
	r.emit(Event{Kind: EventStart, Requested: r.need, Targets: r.targets(), Format: FormatJSONSchema.String()})
	if r.need == 0 {
		r.finish(nil)
		return nil
	}
	// Cancellation wakes the workers waiting for work.
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-ctx.Done():
			r.mu.Lock()
			r.halt(ctx.Err())
			r.mu.Unlock()
		case <-done:
		}
	}()
	var wg sync.WaitGroup
	for range r.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.worker(ctx)
		}()
	}
	wg.Wait()
	r.mu.Lock()
	err := r.stop
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	r.mu.Unlock()
	r.finish(err)
	return err
}

// halt ends the run with err (the first reason wins). r.mu is held.
func (r *runner) halt(err error) {
	if !r.stopped {
		r.stopped, r.stop = true, err
	}
	r.cond.Broadcast()
}

func (r *runner) finish(err error) {
	rep := &r.report
	rep.Accepted = r.accepted
	rep.Targets = r.targets()
	rep.Retries = int(r.client.retries.Load())
	rep.Format = ResponseFormat(r.client.format.Load()).String()
	rep.Cost, rep.CostKnown = r.prices.Cost(r.provider.Model, rep.PromptTokens, rep.CompletionTokens)
	msg := ""
	if err != nil {
		switch {
		case errors.Is(err, context.Canceled):
			rep.Stopped = "cancelled"
		default:
			rep.Stopped = err.Error()
		}
		msg = rep.Stopped
	}
	r.emit(Event{Kind: EventDone, Total: r.accepted, Requested: r.need, Targets: rep.Targets, Message: msg})
}

// worker requests batches until the run has what it needs or stops.
func (r *runner) worker(ctx context.Context) {
	for {
		r.mu.Lock()
		var b Batch
		for {
			if r.stopped {
				r.mu.Unlock()
				return
			}
			var ok bool
			if b, ok = r.nextBatch(); ok {
				break
			}
			if r.inflight == 0 {
				// Nothing left to ask for and nobody who might fall short.
				r.cond.Broadcast()
				r.mu.Unlock()
				return
			}
			r.cond.Wait()
		}
		// Events are emitted under the lock, so that they arrive in the
		// order the run saw them.
		r.emit(Event{Kind: EventRequest, Batch: b.Seq, Category: b.Category, Count: b.Count, Total: r.accepted, Requested: r.need})
		r.mu.Unlock()

		msgs := r.pb.Messages(b)
		ans, err := r.client.complete(ctx, b, func(f ResponseFormat) openai.ChatCompletionRequest {
			return openai.ChatCompletionRequest{
				Model: r.provider.Model, Messages: msgs,
				Temperature: r.temperature, ResponseFormat: r.pb.responseFormat(f),
			}
		})

		r.mu.Lock()
		r.inflight -= b.Count
		r.category(b.Category).inflight -= b.Count
		if err != nil {
			if ctx.Err() != nil {
				r.halt(ctx.Err())
			} else {
				r.halt(fmt.Errorf("batch %d (%s): %w", b.Seq, displayName(b.Category), err))
			}
			r.mu.Unlock()
			return
		}
		ev, err := r.process(ctx, b, ans)
		if err != nil {
			r.halt(err)
		} else {
			r.emit(ev)
		}
		r.cond.Broadcast()
		r.mu.Unlock()
	}
}

func displayName(cat string) string {
	if cat == "" {
		return "all"
	}
	return cat
}

func (r *runner) category(name string) *category {
	for _, c := range r.cats {
		if c.name == name {
			return c
		}
	}
	return r.cats[0]
}

// nextBatch plans the next request, reserving its examples, or returns
// false when the requests in flight already cover what is missing. r.mu is
// held.
func (r *runner) nextBatch() (Batch, bool) {
	left := r.need - r.accepted - r.inflight
	if left <= 0 {
		return Batch{}, false
	}
	if r.started >= r.maxRequests {
		if r.inflight == 0 {
			r.halt(fmt.Errorf("%w: %d requests made, %d of %d examples added", ErrRequestBudget, r.started, r.accepted, r.need))
		}
		return Batch{}, false
	}
	c := r.pick()
	n := min(r.batchSize, left)
	if deficit := c.target - c.have - c.inflight; deficit > 0 && r.only == nil {
		n = min(n, deficit)
	}
	b := r.pl.next(c.name, n)
	b.Avoid = append([]string(nil), c.avoid...)
	c.inflight += n
	r.inflight += n
	r.started++
	return b, true
}

// pick chooses the category furthest below its target, as a share of the
// target, counting the examples in flight; ties go to the larger shortfall
// and then to the plan's order. When every category has reached its
// target (the dataset has rows outside the plan's categories, say), it
// picks the one furthest below its planned share.
func (r *runner) pick() *category {
	if r.only != nil {
		return r.only
	}
	var best *category
	bestRel, bestDef := 0.0, 0
	for _, c := range r.cats {
		def := c.target - c.have - c.inflight
		if def <= 0 || c.target <= 0 {
			continue
		}
		rel := float64(def) / float64(c.target)
		if best == nil || rel > bestRel+1e-12 || (rel > bestRel-1e-12 && def > bestDef) {
			best, bestRel, bestDef = c, rel, def
		}
	}
	if best != nil {
		return best
	}
	bestScore := 0.0
	for _, c := range r.cats {
		if c.share <= 0 {
			continue
		}
		score := float64(c.have+c.inflight) / c.share
		if best == nil || score < bestScore {
			best, bestScore = c, score
		}
	}
	if best == nil {
		best = r.cats[0]
	}
	return best
}

// process validates the examples of an answer, appends those accepted and
// returns the batch's event. r.mu is held.
func (r *runner) process(ctx context.Context, b Batch, ans answer) (Event, error) {
	rep := &r.report
	rep.Requests++
	rep.PromptTokens += int64(ans.usage.PromptTokens)
	rep.CompletionTokens += int64(ans.usage.CompletionTokens)
	dropped := map[string]int{}
	cut := ans.finish == openai.FinishReasonLength

	parsed, err := ParseAnswer(ans.text)
	if cut || parsed.Truncated {
		rep.TruncatedAnswers++
		if parsed.Truncated || err != nil {
			// An example was being written when the answer ended.
			dropped[DropTruncated]++
		}
		// Ask for as many as fitted from now on.
		if whole := len(parsed.Examples); whole > 0 {
			r.batchSize = max(1, min(r.batchSize, whole))
		} else {
			r.batchSize = max(1, r.batchSize/2)
		}
		if r.job.MaxRequests <= 0 {
			// Smaller batches need more requests.
			left := r.need - r.accepted
			r.maxRequests = max(r.maxRequests, r.started+3*((left+r.batchSize-1)/r.batchSize)+3)
		}
	} else if err != nil {
		dropped[DropUnparseable]++
	}
	if parsed.Malformed > 0 {
		dropped[DropInvalid] += parsed.Malformed
		rep.InvalidRules["shape"] += parsed.Malformed
	}

	c := r.category(b.Category)
	var rows [][]byte
	var openings []string
	for i, msgs := range parsed.Examples {
		system := r.pb.systemPrompt
		if len(r.prompts) > 0 && len(b.Assignments) > 0 {
			a := b.Assignments[i%len(b.Assignments)]
			system = r.prompts[max(a.SystemPrompt, 0)%len(r.prompts)]
		}
		row := r.rb.build(msgs, system, b.Category)
		rc := diagnostics.NewRowContext(&dataset.Row{Text: row}, &r.parser, r.s)
		if code := r.rejected(rc.Run()); code != "" {
			dropped[DropInvalid]++
			rep.InvalidRules[code]++
			continue
		}
		info := rc.Info()
		if r.ix.isExact(info.Fingerprint) {
			dropped[DropDuplicate]++
			continue
		}
		if _, near := r.ix.nearest(info.Sig); near {
			dropped[DropNearDuplicate]++
			continue
		}
		// A batch lands at most what it asked for (when known: a batch
		// collected without its state file has no count), and never pushes its
		// category past its target while another category has room.
		if r.accepted+len(rows) >= r.need || b.Count > 0 && len(rows) >= b.Count || c.have+len(rows) >= c.target && r.roomElsewhere(c) {
			dropped[DropSurplus]++
			continue
		}
		var sig *dedup.Signature
		if info.Sig != nil {
			s := *info.Sig
			sig = &s
		}
		r.ix.add(info.Fingerprint, sig)
		rows = append(rows, row)
		openings = append(openings, firstUser(rc))
	}
	rows, openings, err = r.review(ctx, rows, openings, dropped)
	if err != nil {
		return Event{}, err
	}
	if err := r.sink.Append(rows); err != nil {
		// The rows were not written: forget them, so the report is true.
		return Event{}, fmt.Errorf("appending to %s: %w", r.dataset, err)
	}
	r.accepted += len(rows)
	c.have += len(rows)
	for _, o := range openings {
		if o != "" {
			c.avoid = append(c.avoid, o)
		}
	}
	if len(c.avoid) > maxAvoid {
		c.avoid = c.avoid[len(c.avoid)-maxAvoid:]
	}
	for k, v := range dropped {
		rep.Dropped[k] += v
	}
	if len(rows) == 0 {
		r.stagnant++
		if r.stagnant >= stagnationLimit {
			r.halt(fmt.Errorf("%w: %d batches in a row gave no example that passed the checks (dropped so far: %s)",
				ErrNoProgress, r.stagnant, rep.DroppedSummary()))
		}
	} else {
		r.stagnant = 0
	}
	return Event{
		Kind: EventBatch, Batch: b.Seq, Category: b.Category, Count: b.Count,
		Accepted: len(rows), Dropped: dropped, Total: r.accepted, Requested: r.need,
	}, nil
}

// roomElsewhere reports whether a category other than c is below its
// target: then examples beyond c's target would unbalance the dataset,
// while a run that only c can finish still finishes. r.mu is held.
func (r *runner) roomElsewhere(c *category) bool {
	for _, o := range r.cats {
		if o != c && o.have < o.target {
			return true
		}
	}
	return false
}

// rejected returns the code of the first finding that rejects a generated
// example, or "".
func (r *runner) rejected(ds []diagnostics.Diagnostic) string {
	for _, d := range ds {
		if d.Code == "C018" || d.Code == "C019" {
			continue
		}
		fam := d.Code[:1]
		if fam != "J" && fam != "C" && fam != "Q" {
			continue
		}
		if d.Severity == diagnostics.Error || (r.reject[d.Code] && d.Severity != diagnostics.Off) {
			return d.Code
		}
	}
	return ""
}

// firstUser returns the start of the first user message, for the list of
// openings the next prompts avoid.
func firstUser(rc *diagnostics.RowContext) string {
	for _, t := range rc.Turns() {
		if t.Role == "user" {
			s := oneLine(string(t.Text))
			if r := []rune(s); len(r) > 90 {
				s = string(r[:90]) + "…"
			}
			return s
		}
	}
	return ""
}

// FormatDropped describes drop counts, e.g. "3 invalid (C009 2, shape 1),
// 1 duplicate".
func FormatDropped(dropped, rules map[string]int) string {
	return formatDropped(dropped, rules, nil)
}

func formatDropped(dropped, rules, reviewRules map[string]int) string {
	order := []string{DropInvalid, DropDuplicate, DropNearDuplicate, DropTruncated, DropUnparseable, DropSurplus, DropReview}
	var parts []string
	for _, k := range order {
		n := dropped[k]
		if n == 0 {
			continue
		}
		s := fmt.Sprintf("%d %s", n, k)
		if k == DropUnparseable {
			s = fmt.Sprintf("%d unparseable answer%s", n, plural(n))
		}
		switch {
		case k == DropInvalid && len(rules) > 0:
			s += " (" + countList(rules) + ")"
		case k == DropReview && len(reviewRules) > 0:
			s += " (" + countList(reviewRules) + ")"
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// countList writes counts by key, largest first: "C009 2, shape 1".
func countList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for c := range m {
		keys = append(keys, c)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	var cs []string
	for _, c := range keys {
		cs = append(cs, fmt.Sprintf("%s %d", c, m[c]))
	}
	return strings.Join(cs, ", ")
}

// review has the job's reviewer judge the rows a batch accepted, drops
// those it rejects (counted in dropped and Report.ReviewRules) and returns
// the rest with their openings. r.mu is held: the batches of a run are
// reviewed one at a time.
func (r *runner) review(ctx context.Context, rows [][]byte, openings []string, dropped map[string]int) ([][]byte, []string, error) {
	if r.job.Reviewer == nil || len(rows) == 0 {
		return rows, openings, nil
	}
	why, err := r.job.Reviewer.Review(ctx, rows)
	if err != nil {
		return nil, nil, fmt.Errorf("reviewing a batch: %w", err)
	}
	if r.report.ReviewRules == nil {
		r.report.ReviewRules = map[string]int{}
	}
	var keep [][]byte
	var open []string
	for i, row := range rows {
		if i < len(why) && why[i] != "" {
			dropped[DropReview]++
			r.report.ReviewRules[why[i]]++
			continue
		}
		keep = append(keep, row)
		open = append(open, openings[i])
	}
	return keep, open, nil
}
