package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/generator/judge"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/review"
	"github.com/ftls-dev/ftls/internal/safefile"
	"github.com/ftls-dev/ftls/internal/workspace"
)

// reviewFlags are the flags of `ftls review`.
type reviewFlags struct {
	lint        lintFlags
	model       string
	baseURL     string
	batchSize   int
	concurrency int
	timeout     time.Duration
	prices      []string
	dryRun      bool
	asJSON      bool
	categorize  bool
	fix         bool
	batchAPI    bool
	poll        time.Duration
}

func (f *reviewFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.lint.configPath, "config", "", "configuration file (default: ftls.yaml in the dataset's folder or a parent)")
	fs.StringVar(&f.lint.metadataKey, "metadata-key", "", `top-level key holding ftls's per-row metadata (default "metadata")`)
	fs.StringVar(&f.lint.planPath, "plan", "", "plan file governing the datasets (default: the plan whose output names the dataset)")
	fs.StringVar(&f.model, "model", "", "judge model (default: the plan's review.model, then generation.model, then "+generator.EnvModel+")")
	fs.StringVar(&f.baseURL, "base-url", "", "OpenAI-compatible endpoint (default: the plan's generation.base_url, then "+generator.EnvBaseURL+", then OpenAI)")
	fs.IntVar(&f.batchSize, "batch-size", 0, fmt.Sprintf("rows per request, 1-%d (default: the plan's review.batch_size, %d)", plan.MaxReviewBatchSize, plan.DefaultReviewBatchSize))
	fs.IntVar(&f.concurrency, "concurrency", 0, fmt.Sprintf("requests in flight at once (default: the plan's review.concurrency, %d)", plan.DefaultReviewConcurrency))
	fs.DurationVar(&f.timeout, "timeout", 5*time.Minute, "time limit of one request")
	fs.StringArrayVar(&f.prices, "price", nil, "price of a model in dollars per million tokens, MODEL=INPUT/OUTPUT (repeatable)")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print what would be sent and its estimated cost, and send nothing")
	fs.BoolVar(&f.asJSON, "json", false, "print the report as JSON")
	fs.BoolVar(&f.categorize, "categorize", false, "also ask the judge for a category of the plan for each row without one (R007)")
	fs.BoolVar(&f.fix, "fix", false, "with --categorize: write the proposed categories into the rows")
	fs.BoolVar(&f.batchAPI, "batch-api", false, "send every request at once through the provider's Batch API (half price, results within 24h; the command waits)")
	fs.DurationVar(&f.poll, "poll-interval", 30*time.Second, "time between status checks of a Batch API batch")
}

func runReview(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("review", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var f reviewFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: ftls review [flags] [DATASET...]

Sends the rows of each dataset (default: the plan's output.train) to a judge
model, which scores them against the plan and the quality checklist. Scores
below the plan's review.threshold become R findings, which `+"`ftls check`"+` and
the editor show from then on without calling the model. Verdicts are cached
in DATASET.ftls-review: unchanged rows are never sent again.

The endpoint and key are resolved as for `+"`ftls generate`"+`: --base-url, the
plan's generation.base_url or %s; the key from %s only. See
docs/review.md.

Flags:
`, generator.EnvBaseURL, generator.EnvAPIKey)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
	}
	if f.fix && !f.categorize {
		return fail(stderr, errors.New("--fix writes the proposed categories: use it with --categorize"))
	}
	table := generator.PriceTable{}
	for _, p := range f.prices {
		name, price, err := generator.ParsePrice(p)
		if err != nil {
			return fail(stderr, err)
		}
		table[name] = price
	}
	paths := fs.Args()
	if len(paths) == 0 {
		p, err := findGeneratePlan(f.lint.planPath, "")
		if err != nil {
			return fail(stderr, err)
		}
		train, err := p.WritePath("train", p.Output.Train)
		if err != nil {
			return fail(stderr, err)
		}
		paths = []string{train}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cache := newSettingsCache(&f.lint)
	status := exitOK
	for _, path := range paths {
		code := reviewFile(ctx, path, &f, cache, table, stdout, stderr)
		status = max(status, code)
		if ctx.Err() != nil {
			break
		}
	}
	return status
}

// reviewFile reviews one dataset and prints what happened.
func reviewFile(ctx context.Context, path string, f *reviewFlags, cache *settingsCache, prices generator.PriceTable, stdout, stderr io.Writer) int {
	p, err := cache.plan(path)
	if err != nil {
		return fail(stderr, err)
	}
	opts, err := cache.options(path)
	if err != nil {
		return fail(stderr, err)
	}
	data, err := safefile.ReadFile(path, 0)
	if err != nil {
		return fail(stderr, err)
	}
	rows, err := review.ReadRows(ctx, data, opts.Settings)
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", path, err))
	}
	provider, code := reviewProvider(ctx, p, f, stderr)
	if code != exitOK {
		return code
	}
	store, probs, err := review.Load(path, review.NewRubric(p), provider.Model)
	if err != nil {
		return fail(stderr, err)
	}
	for _, pr := range probs {
		fmt.Fprintf(stderr, "ftls: %s\n", pr.Error())
	}
	job := judge.Job{
		Provider: provider, Store: store, Rows: rows, Live: review.Live(rows),
		Categorize: f.categorize, Score: true, BatchSize: f.batchSize, Concurrency: f.concurrency,
		Chat: generator.ChatOptions{Timeout: f.timeout}, Prices: prices,
	}
	if p != nil {
		job.BatchSize = firstPositive(f.batchSize, p.Review.BatchSize)
		job.Concurrency = firstPositive(f.concurrency, p.Review.Concurrency)
	}
	if f.categorize && len(store.Rubric().Categories) == 0 {
		fmt.Fprintf(stderr, "ftls: note: --categorize needs a plan with categories; %s has none, so no category is proposed\n", relPath(path))
	}
	if f.dryRun {
		printReviewEstimate(stdout, path, judge.EstimateRun(job), provider, store)
		return exitOK
	}
	if provider.Note != "" {
		fmt.Fprintln(stderr, "ftls: "+provider.Note)
	}
	fmt.Fprintf(stderr, "ftls: reviewing %s with %s (%s)\n", relPath(path), provider, provider.Source)
	prog := newReviewProgress(stderr, stderrIsTerminal(stderr))
	var rep judge.Report
	var runErr error
	if f.batchAPI {
		rep, runErr = judge.RunBatch(ctx, job, f.poll, prog.event)
	} else {
		rep, runErr = judge.Run(ctx, job, prog.event)
	}
	prog.close()
	if f.asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		printReviewReport(stdout, path, &rep, store)
		if f.batchAPI && rep.CostKnown {
			fmt.Fprintln(stdout, "          (Batch API: half the synchronous price)")
		}
	}
	if runErr != nil {
		what := "stopped"
		if errors.Is(runErr, context.Canceled) {
			what = "interrupted"
		}
		fmt.Fprintf(stderr, "ftls: review %s: %v\nftls: %d verdicts were saved; run the same command again to continue\n", what, runErr, rep.Judged)
		return exitFindings
	}
	if f.fix {
		return writeCategories(ctx, path, opts, store, stdout, stderr)
	}
	return exitOK
}

// reviewProvider resolves the judge's endpoint as generation does, with
// the judge model in place of the generator.
func reviewProvider(ctx context.Context, p *plan.Plan, f *reviewFlags, stderr io.Writer) (generator.Provider, int) {
	model := f.model
	if model == "" && p != nil && p.Has("review", "model") {
		model = p.Review.Model
	}
	resolve := generator.ResolveOptions{
		Flags:  generator.ProviderConfig{BaseURL: f.baseURL, Model: model},
		Plan:   p,
		Getenv: generateEnv,
		Probe:  !f.dryRun,
		// The probe goes to a fixed local address, never with the key.
		ProbeURL: generateProbeURL,
	}
	provider, err := generator.ResolveProvider(ctx, resolve)
	if f.model == "" && model != "" {
		provider.Source = strings.Replace(provider.Source, "model from flags", "model from the plan's review.model", 1)
	}
	switch {
	case err == nil && !f.dryRun && p != nil:
		provider = confirmPlanEndpoint(ctx, p, provider, resolve, stderr)
	case err != nil && !f.dryRun:
		return provider, fail(stderr, err)
	case err != nil:
		// A dry run needs no endpoint; estimate for the model that would
		// be used.
		provider = generator.Provider{Model: workspace.JudgeModel(f.model, p, generateEnv)}
	}
	return provider, exitOK
}

// writeCategories writes the judge's proposed categories (R007's fixes)
// into the dataset, atomically; no other fix is applied.
func writeCategories(ctx context.Context, path string, opts engine.Options, store *review.Store, stdout, stderr io.Writer) int {
	s := opts.Settings.Clone()
	for _, r := range diagnostics.All() {
		s.Severities[r.Code] = diagnostics.Off
	}
	s.Severities["R007"] = diagnostics.Info
	s.Review, s.ModelFixes = store, true
	res, err := engine.FixFile(ctx, path, engine.Options{Settings: s, Workers: opts.Workers}, true)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "Categories written: %d rows of %s (the verdicts on them are now stale: the category is part of what was judged).\n", len(res.Changes), relPath(path))
	return exitOK
}

func firstPositive(vs ...int) int {
	for _, v := range vs {
		if v > 0 {
			return v
		}
	}
	return 0
}

func printReviewEstimate(w io.Writer, path string, e judge.Estimate, provider generator.Provider, st *review.Store) {
	fmt.Fprintln(w, "Dry run: nothing was sent.")
	fmt.Fprintf(w, "Dataset:  %s (%d rows; %d with a cached verdict, %d identical to an earlier row)\n", relPath(path), e.Rows, e.Cached, e.Repeats)
	if provider.BaseURL != "" {
		fmt.Fprintf(w, "Judge:    %s at %s\n", e.Model, generator.RedactURL(provider.BaseURL))
	} else {
		fmt.Fprintf(w, "Judge:    %s (no endpoint configured yet: set %s, or %s, or --base-url)\n", e.Model, generator.EnvAPIKey, generator.EnvBaseURL)
	}
	fmt.Fprintf(w, "Rubric:   %s, %d criteria, threshold %d of %d; cache %s\n", st.Rubric().Hash, len(st.Rubric().Criteria), st.Rubric().Threshold, diagnostics.ReviewScale, relPath(st.Path()))
	fmt.Fprintf(w, "Estimate: %d rows in %d requests, %s prompt tokens (counted) and about %s completion tokens",
		e.Sent, e.Requests, thousands(e.PromptTokens), thousands(e.CompletionTokens))
	if e.CostKnown {
		fmt.Fprintf(w, ", about $%.4f with %s.\n", e.Cost, e.Model)
	} else {
		fmt.Fprintf(w, "; cost unknown: %s has no price (add one with --price %s=INPUT/OUTPUT).\n", e.Model, e.Model)
	}
}

func printReviewReport(w io.Writer, path string, r *judge.Report, st *review.Store) {
	fmt.Fprintf(w, "Reviewed %s with %s: %d rows, %d cached, %d sent in %s.\n",
		relPath(path), r.Model, r.Rows, r.Cached, r.Sent, plural(r.Requests, "request"))
	if r.Repeats > 0 {
		fmt.Fprintf(w, "Repeats:  %d rows identical to an earlier one share its verdict\n", r.Repeats)
	}
	fmt.Fprintf(w, "Verdicts: %d new, %d flagged (a criterion below %d of %d)", r.Judged, r.Flagged, st.Rubric().Threshold, diagnostics.ReviewScale)
	if r.Categorized > 0 {
		fmt.Fprintf(w, ", %d categorized", r.Categorized)
	}
	fmt.Fprintf(w, "; cache %s\n", relPath(st.Path()))
	if len(r.Notes) > 0 {
		fmt.Fprintf(w, "Notes:    %s with the judge's answers (those rows stay unreviewed):\n", plural(len(r.Notes), "problem"))
		for _, n := range r.Notes {
			fmt.Fprintf(w, "  %s\n", n)
		}
	}
	if r.Retries > 0 {
		fmt.Fprintf(w, "Retries:  %d\n", r.Retries)
	}
	printUsage(w, r.PromptTokens, r.CompletionTokens, r.Cost, r.CostKnown, r.Model, r.Stopped)
}

// reviewProgress shows a review's progress: a line redrawn in place on a
// terminal, a line per batch otherwise.
type reviewProgress struct {
	w     io.Writer
	tty   bool
	start time.Time
	drawn bool
}

func newReviewProgress(w io.Writer, tty bool) *reviewProgress {
	return &reviewProgress{w: w, tty: tty, start: time.Now()}
}

func (g *reviewProgress) event(e judge.Event) {
	if e.Message != "" {
		if g.tty {
			fmt.Fprint(g.w, "\r\033[K")
		}
		fmt.Fprintln(g.w, "ftls: "+e.Message)
	}
	line := fmt.Sprintf("reviewed %d/%d rows", e.Done, e.Total)
	if e.Done > 0 && e.Done < e.Total {
		left := time.Duration(float64(time.Since(g.start)) / float64(e.Done) * float64(e.Total-e.Done))
		line += " ETA " + left.Round(time.Second).String()
	}
	switch {
	case g.tty:
		fmt.Fprintf(g.w, "\r\033[K%s", line)
		g.drawn = true
	case e.Message == "":
		fmt.Fprintln(g.w, line)
	}
}

func (g *reviewProgress) close() {
	if g.tty && g.drawn {
		fmt.Fprintln(g.w)
	}
}
