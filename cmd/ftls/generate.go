package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/generator/judge"
	"github.com/ftls-dev/ftls/internal/plan"
)

// generateEnv reads the environment for `ftls generate`; tests replace it.
var generateEnv = os.Getenv

// generateProbeURL is where `ftls generate` looks for a local Ollama
// server; tests point it at a closed port.
var generateProbeURL = ""

// stderrIsTerminal reports whether progress can be drawn as a bar.
func stderrIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func runGenerate(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("generate", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	// The lint flags minus --model, which here names the model that
	// writes the examples.
	var lf lintFlags
	fs.StringVar(&lf.configPath, "config", "", "configuration file (default: ftls.yaml in the dataset's folder or a parent)")
	fs.StringVar(&lf.target, "target", "", "rule profile the examples are checked with: openai or generic (default openai)")
	fs.StringVar(&lf.metadataKey, "metadata-key", "", `top-level key holding ftls's per-row metadata (default "metadata")`)
	fs.StringArrayVar(&lf.rules, "rule", nil, "set a rule's severity for checking the examples, e.g. --rule Q=info (repeatable)")
	fs.StringArrayVar(&lf.disable, "disable", nil, "turn a rule or family off for checking the examples (repeatable)")
	fs.StringVar(&lf.planPath, "plan", "", "plan file (default: the plan that names DATASET, or the only *.plan.yaml in the current folder)")
	count := fs.Int("count", 0, "examples to add (default: the plan's size.examples minus the rows present)")
	category := fs.String("category", "", "generate only this category of the plan")
	model := fs.String("model", "", "model that writes the examples (default: the plan's generation.model, then "+generator.EnvModel+")")
	baseURL := fs.String("base-url", "", "OpenAI-compatible endpoint (default: the plan's generation.base_url, then "+generator.EnvBaseURL+", then OpenAI)")
	concurrency := fs.Int("concurrency", 0, "requests in flight at once (default: the plan's generation.concurrency, 2)")
	batchSize := fs.Int("batch-size", 0, "examples per request, 10-100 (default: the plan's generation.batch_size, 50)")
	timeout := fs.Duration("timeout", 5*time.Minute, "time limit of one request")
	seed := fs.Int64("seed", 0, "seed of the per-example assignments (default: random; 1 with --dry-run)")
	prices := fs.StringArray("price", nil, "price of a model in dollars per million tokens, MODEL=INPUT/OUTPUT, e.g. gpt-4o-mini=0.15/0.60 (repeatable)")
	dryRun := fs.Bool("dry-run", false, "print the first request's prompts and the estimated cost, and send nothing")
	asJSON := fs.Bool("json", false, "print the final report as JSON")
	batchAPI := fs.Bool("batch-api", false, "submit all requests at once through the provider's Batch API (half price, results within 24h)")
	batchID := fs.String("batch-id", "", "resume waiting for a Batch API batch submitted earlier (implies --batch-api)")
	pollInterval := fs.Duration("poll-interval", 30*time.Second, "time between status checks of a Batch API batch")
	reviewBatches := fs.Bool("review", false, "have the plan's judge model review each batch before it is appended; rows below review.threshold are dropped and generated again (also: review.during_generation in the plan)")
	judgeModel := fs.String("judge-model", "", "judge model for --review (default: the plan's review.model)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, `Usage: ftls generate [flags] [DATASET]

Writes new examples with an OpenAI-compatible model, as the plan describes,
and appends the ones that pass the dataset's checks to DATASET (default: the
plan's output.train). Each batch is appended atomically, so an interrupted
run leaves a valid file, and running the command again continues towards
the plan's size.

The endpoint comes from --base-url, the plan's generation.base_url or %s;
the key from %s only (never a flag); the model from --model, the plan or
%s. With none of them, a local Ollama server on %s is used if it
answers. See docs/generation.md.

Flags:
`, generator.EnvBaseURL, generator.EnvAPIKey, generator.EnvModel, generator.OllamaBaseURL)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return exitUsage
	}
	datasetArg := ""
	if fs.NArg() == 1 {
		datasetArg = fs.Arg(0)
	}
	if *count < 0 {
		return fail(stderr, fmt.Errorf("--count must not be negative"))
	}
	table := generator.PriceTable{}
	for _, p := range *prices {
		name, price, err := generator.ParsePrice(p)
		if err != nil {
			return fail(stderr, err)
		}
		table[name] = price
	}

	p, err := findGeneratePlan(lf.planPath, datasetArg)
	if err != nil {
		return fail(stderr, err)
	}
	if err := p.ReadyToGenerate(); err != nil {
		var fe *plan.FindingsError
		if errors.As(err, &fe) {
			for _, d := range fe.Findings {
				fmt.Fprintf(stderr, "%s:%d:%d: %s %s %s\n", p.Path, d.Range.Start.Line+1, d.Range.Start.Character+1, d.Severity, d.Code, d.Message)
			}
		}
		return fail(stderr, err)
	}
	lf.planPath = p.Path
	dataset := datasetArg
	if dataset == "" {
		// Refused even when the plan turns P005 off.
		if dataset, err = p.WritePath("train", p.Output.Train); err != nil {
			return fail(stderr, err)
		}
	}
	cache := newSettingsCache(&lf)
	opts, err := cache.options(dataset)
	if err != nil {
		return fail(stderr, err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	resolve := generator.ResolveOptions{
		Flags:  generator.ProviderConfig{BaseURL: *baseURL, Model: *model},
		Plan:   p,
		Getenv: generateEnv,
		Probe:  !*dryRun,
		// The probe goes to a fixed local address, never with the key.
		ProbeURL: generateProbeURL,
	}
	provider, perr := generator.ResolveProvider(ctx, resolve)
	if perr == nil && !*dryRun {
		provider = confirmPlanEndpoint(ctx, p, provider, resolve, stderr)
	}
	if perr != nil && !*dryRun {
		return fail(stderr, perr)
	}
	if perr != nil {
		// A dry run needs no endpoint; show the model that would be used.
		provider = generator.Provider{Model: firstNonEmpty(*model, planModel(p), generateEnv(generator.EnvModel), plan.DefaultModel)}
	}

	job := generator.Job{
		Plan: p, Settings: opts.Settings, Provider: provider, Dataset: dataset,
		Count: *count, Category: *category, BatchSize: *batchSize, Concurrency: *concurrency,
		RequestTimeout: *timeout, Seed: *seed, Prices: table,
	}
	if *dryRun {
		if job.Seed == 0 {
			job.Seed = 1
		}
		pv, err := generator.Prepare(ctx, job)
		if err != nil {
			return fail(stderr, err)
		}
		printPreview(stdout, pv, job)
		return exitOK
	}

	if provider.Note != "" {
		fmt.Fprintln(stderr, "ftls: "+provider.Note)
	}
	fmt.Fprintf(stderr, "ftls: generating with %s (%s)\n", provider, provider.Source)
	var gate *judge.Gate
	if *reviewBatches || p.Review.DuringGeneration {
		rf := &reviewFlags{model: *judgeModel, baseURL: *baseURL, timeout: *timeout}
		if gate, err = newGate(ctx, p, dataset, opts.Settings, rf, table, stderr); err != nil {
			return fail(stderr, err)
		}
		job.Reviewer = gate
		fmt.Fprintf(stderr, "ftls: each batch is reviewed by %s before it is appended\n", gate.Provider.Model)
	}
	prog := newGenerateProgress(stderr, stderrIsTerminal(stderr))
	var rep generator.Report
	var runErr error
	if *batchAPI || *batchID != "" {
		if *pollInterval <= 0 {
			return fail(stderr, fmt.Errorf("--poll-interval must be positive"))
		}
		rep, runErr = generator.RunBatch(ctx, job, generator.BatchOptions{BatchID: *batchID, PollInterval: *pollInterval}, prog.event)
	} else {
		rep, runErr = generator.Run(ctx, job, prog.event)
	}
	prog.close()
	if gate != nil {
		saveGate(ctx, gate, dataset, opts.Settings, stderr)
	}
	if rep.Dataset == "" && runErr != nil {
		// The run did not start (unreadable dataset, unknown category).
		return fail(stderr, runErr)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	} else {
		printReport(stdout, &rep)
		if gate != nil {
			printGateReport(stdout, gate.Report())
		}
		if (*batchAPI || *batchID != "") && rep.CostKnown {
			fmt.Fprintln(stdout, "          (Batch API: half the synchronous price)")
		}
	}
	if runErr != nil {
		what := "stopped"
		if errors.Is(runErr, context.Canceled) {
			what = "interrupted"
		}
		if st, _ := generator.ReadBatchState(rep.Dataset); st != nil && (*batchAPI || *batchID != "") {
			fmt.Fprintf(stderr, "ftls: generation %s: %v\nftls: batch %s goes on at the provider; collect its results with: ftls generate --batch-id %s\n", what, runErr, st.BatchID, st.BatchID)
			return exitFindings
		}
		fmt.Fprintf(stderr, "ftls: generation %s: %v\nftls: %d rows were written; run the same command again to continue\n", what, runErr, rep.Accepted)
		return exitFindings
	}
	return exitOK
}

// findGeneratePlan loads the plan: --plan, else the plan that names the
// dataset, else the only plan in the current folder.
func findGeneratePlan(override, dataset string) (*plan.Plan, error) {
	if override != "" {
		p, err := plan.Load(override)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("plan %s does not exist", override)
			}
			return nil, err
		}
		return p, nil
	}
	if dataset != "" {
		p, err := plan.LoadFor(dataset, "")
		if err != nil {
			return nil, err
		}
		if p == nil {
			return nil, fmt.Errorf("no plan names %s as its output; pass --plan FILE (or write one with `ftls init`)", dataset)
		}
		return p, nil
	}
	matches := plan.Files(".")
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("no plan in the current folder; pass --plan FILE (or write one with `ftls init`)")
	case 1:
		return plan.Load(matches[0])
	}
	return nil, fmt.Errorf("several plans in the current folder (%s); choose one with --plan", strings.Join(matches, ", "))
}

func planModel(p *plan.Plan) string {
	if p.Has("generation", "model") {
		return p.Generation.Model
	}
	return ""
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func printPreview(w io.Writer, pv *generator.Preview, job generator.Job) {
	fmt.Fprintln(w, "Dry run: nothing was sent.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Dataset:  %s (%d rows present, %d to add)\n", relPath(pv.Dataset), pv.Existing, pv.Requested)
	if pv.Provider.BaseURL != "" {
		fmt.Fprintf(w, "Model:    %s at %s\n", pv.Provider.Model, generator.RedactURL(pv.Provider.BaseURL))
	} else {
		fmt.Fprintf(w, "Model:    %s (no endpoint configured yet: set %s, or %s, or --base-url)\n", pv.Provider.Model, generator.EnvAPIKey, generator.EnvBaseURL)
	}
	if pv.Requested == 0 {
		fmt.Fprintln(w, "\nNothing to generate: the dataset already has the planned number of examples (use --count to add more).")
		return
	}
	fmt.Fprintf(w, "Batches:  %d of up to %d examples\n", pv.Requests, pv.BatchSize)
	printTargets(w, pv.Targets, false)
	req := pv.Request
	fmt.Fprintf(w, "\nFirst request: batch %d, %d examples of %q, model %s, temperature %g\n",
		pv.Batch.Seq, pv.Batch.Count, pv.Batch.Category, req.Model, req.Temperature)
	for _, m := range req.Messages {
		fmt.Fprintf(w, "\n----- %s message -----\n%s\n", m.Role, m.Content)
	}
	if req.ResponseFormat != nil {
		rf, _ := json.Marshal(req.ResponseFormat)
		fmt.Fprintf(w, "\n----- response_format -----\n%s\n", rf)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "Estimate: %d requests, about %s prompt and %s completion tokens",
		pv.Requests, thousands(pv.PromptTokens), thousands(pv.CompletionTokens))
	if pv.CostKnown {
		fmt.Fprintf(w, ", about $%.2f with %s.\n", pv.Cost, pv.Provider.Model)
	} else {
		fmt.Fprintf(w, "; cost unknown: %s has no price (add one with --price %s=INPUT/OUTPUT).\n", pv.Provider.Model, pv.Provider.Model)
	}
}

func printTargets(w io.Writer, ts []generator.CategoryTarget, after bool) {
	if len(ts) == 0 || (len(ts) == 1 && ts[0].Name == "") {
		return
	}
	width := 8
	for _, t := range ts {
		width = max(width, len(t.Name))
	}
	fmt.Fprintln(w, "Categories:")
	for _, t := range ts {
		if after {
			fmt.Fprintf(w, "  %-*s  %4d + %-4d = %4d  (target %d)\n", width, t.Name, t.Before, t.Added, t.Before+t.Added, t.Target)
		} else {
			fmt.Fprintf(w, "  %-*s  %4d present, target %d\n", width, t.Name, t.Before, t.Target)
		}
	}
}

func printReport(w io.Writer, r *generator.Report) {
	if r.Requested == 0 {
		fmt.Fprintf(w, "Nothing to generate: %s already has what the plan asks for (%d rows); use --count N to add more.\n", relPath(r.Dataset), r.Existing)
		return
	}
	fmt.Fprintf(w, "Added %d of %d examples to %s (%d rows before).\n", r.Accepted, r.Requested, relPath(r.Dataset), r.Existing)
	printTargets(w, r.Targets, true)
	fmt.Fprintf(w, "Dropped:  %d (%s)\n", r.DroppedTotal(), r.DroppedSummary())
	retries := ""
	if r.Retries > 0 {
		retries = fmt.Sprintf(", %d retr%s", r.Retries, map[bool]string{true: "y", false: "ies"}[r.Retries == 1])
	}
	fmt.Fprintf(w, "Requests: %d%s; response format %s\n", r.Requests, retries, r.Format)
	printUsage(w, r.PromptTokens, r.CompletionTokens, r.Cost, r.CostKnown, r.Model, r.Stopped)
}

// printUsage prints the closing lines of a run that called a model: its
// tokens, its cost and why it stopped early.
func printUsage(w io.Writer, prompt, completion int64, cost float64, costKnown bool, model, stopped string) {
	fmt.Fprintf(w, "Tokens:   %s prompt + %s completion\n", thousands(prompt), thousands(completion))
	if costKnown {
		fmt.Fprintf(w, "Cost:     about $%.4f (%s)\n", cost, model)
	} else {
		fmt.Fprintf(w, "Cost:     unknown (no price for %s; add one with --price)\n", model)
	}
	if stopped != "" {
		fmt.Fprintf(w, "Stopped:  %s\n", stopped)
	}
}

func relPath(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
			return rel
		}
	}
	return p
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// generateProgress shows a run's progress: a bar redrawn in place on a
// terminal, one line per batch otherwise.
type generateProgress struct {
	w       io.Writer
	tty     bool
	start   time.Time
	total   int
	done    int
	dropped int
	last    string
	drawn   bool
}

func newGenerateProgress(w io.Writer, tty bool) *generateProgress {
	return &generateProgress{w: w, tty: tty, start: time.Now()}
}

func (g *generateProgress) event(e generator.Event) {
	switch e.Kind {
	case generator.EventStart:
		g.total = e.Requested
		if !g.tty {
			fmt.Fprintf(g.w, "generating %d examples\n", e.Requested)
		}
	case generator.EventRequest:
		g.last = fmt.Sprintf("batch %d: %d × %s", e.Batch, e.Count, catName(e.Category))
	case generator.EventBatch:
		g.done = e.Total
		for _, n := range e.Dropped {
			g.dropped += n
		}
		if !g.tty {
			fmt.Fprintf(g.w, "batch %d (%s): %d of %d accepted%s; %d/%d\n", e.Batch, catName(e.Category), e.Accepted, e.Count, droppedNote(e.Dropped), e.Total, e.Requested)
		}
	case generator.EventRetry:
		g.message(fmt.Sprintf("retry %d in %s: %s", e.Attempt, e.Wait.Round(time.Millisecond), e.Message))
	case generator.EventFallback:
		g.message(e.Message)
	case generator.EventSubmitted:
		g.message(fmt.Sprintf("submitted batch %s (resume with --batch-id %s)", e.Message, e.Message))
	case generator.EventPoll:
		g.last = fmt.Sprintf("batch status %s, %d/%d requests", e.Message, e.Count, e.Requested)
		if !g.tty {
			fmt.Fprintln(g.w, g.last)
		}
	case generator.EventDone:
		g.done = e.Total
	}
	if g.tty {
		g.draw()
	}
}

// message prints a line above the bar.
func (g *generateProgress) message(s string) {
	if g.tty {
		fmt.Fprint(g.w, "\r\033[K")
	}
	fmt.Fprintln(g.w, s)
}

func (g *generateProgress) draw() {
	width := 30
	if f, ok := g.w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 60 {
			width = min(50, cols-50)
		}
	}
	frac := 0.0
	if g.total > 0 {
		frac = min(1, float64(g.done)/float64(g.total))
	}
	filled := int(frac * float64(width))
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	eta := ""
	if g.done > 0 && g.done < g.total {
		left := time.Duration(float64(time.Since(g.start)) / float64(g.done) * float64(g.total-g.done))
		eta = " ETA " + left.Round(time.Second).String()
	}
	fmt.Fprintf(g.w, "\r\033[K%s %d/%d %3.0f%% dropped %d%s  %s", bar, g.done, g.total, 100*frac, g.dropped, eta, g.last)
	g.drawn = true
}

func (g *generateProgress) close() {
	if g.tty && g.drawn {
		fmt.Fprintln(g.w)
	}
}

func catName(c string) string {
	if c == "" {
		return "all"
	}
	return c
}

func droppedNote(d map[string]int) string {
	if len(d) == 0 {
		return ""
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, d[k]))
	}
	return " (dropped: " + strings.Join(parts, ", ") + ")"
}
