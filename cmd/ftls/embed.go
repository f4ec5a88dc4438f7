package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
)

// embedSaveEvery is how often a long `ftls embed` run writes the sidecar.
const embedSaveEvery = 30 * time.Second

// embedFlags are the options of `ftls embed`.
type embedFlags struct {
	lint        lintFlags
	model       string
	baseURL     string
	batchSize   int
	concurrency int
	timeout     time.Duration
	dryRun      bool
	asJSON      bool
	prices      []string
}

func runEmbed(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("embed", `Usage: ftls embed [flags] PATH...

Embeds the prompt side and the answer side of every row with the embedding
model of the governing plan's embeddings section, and keeps the vectors
next to each dataset in FILE.ftls-embeddings. ftls check and the editor
then report rows that mean the same in other words (D005) from that file,
without calling the model. Only texts without a vector are sent: a second
run on an unchanged file sends nothing, and an edited row is embedded
alone. An interrupted run keeps the vectors already received.

The endpoint and key are those of ftls generate: --base-url, the plan's
generation.base_url or `+generator.EnvBaseURL+`; the key from `+generator.EnvAPIKey+`.
See docs/embeddings.md.`, stderr)
	var f embedFlags
	fs.StringVar(&f.lint.configPath, "config", "", "configuration file (default: ftls.yaml in the dataset's folder or a parent)")
	fs.StringVar(&f.lint.planPath, "plan", "", "plan file (default: the *.plan.yaml whose output names the dataset)")
	fs.StringVar(&f.model, "model", "", "embedding model (default: the plan's embeddings.model)")
	fs.StringVar(&f.baseURL, "base-url", "", "OpenAI-compatible endpoint (default: the plan's generation.base_url, then "+generator.EnvBaseURL+", then OpenAI)")
	fs.IntVar(&f.batchSize, "batch-size", 0, "texts per request (default: the plan's embeddings.batch_size, 100)")
	fs.IntVar(&f.concurrency, "concurrency", 0, "requests in flight at once (default: the plan's generation.concurrency, 2)")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "time limit of one request")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print what would be sent and its estimated cost, and send nothing")
	fs.BoolVar(&f.asJSON, "json", false, "print the report of each file as JSON")
	fs.StringArrayVar(&f.prices, "price", nil, "price of a model in dollars per million tokens, MODEL=INPUT/OUTPUT (repeatable)")
	paths, code, ok := parsePaths(fs, args, stderr)
	if !ok {
		return code
	}
	table := generator.PriceTable{}
	for _, p := range f.prices {
		name, price, err := generator.ParsePrice(p)
		if err != nil {
			return fail(stderr, err)
		}
		table[name] = price
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cache := newSettingsCache(&f.lint)
	status := exitOK
	for _, path := range paths {
		if path == stdinPath || plan.IsPath(path) {
			return fail(stderr, fmt.Errorf("%s: ftls embed needs a dataset file, whose vectors it keeps next to it", path))
		}
		if err := embedFile(ctx, path, &f, cache, table, stdout, stderr); err != nil {
			if errors.Is(err, context.Canceled) {
				return exitFindings
			}
			fmt.Fprintf(stderr, "ftls: %v\n", err)
			status = exitUsage
		}
	}
	return status
}

// embedWork is what one dataset needs embedded.
type embedWork struct {
	sidecar string
	vecs    *embedding.Cache
	used    int      // texts of the dataset
	missing []uint64 // keys without a vector
	texts   []string // their texts
	pruned  int      // vectors dropped: texts no longer in the dataset
}

// pending reads the dataset at path and its sidecar, and works out what
// has no vector for model.
func pending(ctx context.Context, path, model string, p *plan.Plan, opts engine.Options, stderr io.Writer) (*embedWork, error) {
	sides, err := engine.SideTextsFile(ctx, path, opts.Settings)
	if err != nil {
		return nil, err
	}
	w := &embedWork{sidecar: embedding.SidecarPath(path)}
	if w.vecs, err = openSidecar(w.sidecar, model, p.Embeddings.Dimensions, stderr); err != nil {
		return nil, err
	}
	used := map[uint64]bool{}
	for _, k := range sides.Keys() {
		if k != 0 {
			used[k] = true
		}
	}
	w.used = len(used)
	w.pruned = w.vecs.Prune(func(k uint64) bool { return used[k] })
	w.missing = w.vecs.Missing(sides.Keys())
	for _, k := range w.missing {
		w.texts = append(w.texts, sides.Texts[k])
	}
	return w, nil
}

// embedFile embeds what the sidecar of path lacks.
func embedFile(ctx context.Context, path string, f *embedFlags, cache *settingsCache, prices generator.PriceTable, stdout, stderr io.Writer) error {
	p, err := cache.plan(path)
	if err != nil {
		return err
	}
	if p == nil || !p.Has("embeddings") {
		return fmt.Errorf("%s: no plan with an embeddings section governs it; add one to the plan (embeddings: {model: %s}) or pass --plan (see docs/embeddings.md)", path, plan.DefaultEmbeddingModel)
	}
	opts, err := cache.options(path)
	if err != nil {
		return err
	}
	model := firstNonEmpty(f.model, p.Embeddings.Model)
	w, err := pending(ctx, path, model, p, opts, stderr)
	if err != nil {
		return err
	}
	batch := cmp.Or(max(f.batchSize, 0), p.Embeddings.BatchSize)
	switch {
	case f.dryRun:
		printEmbedEstimate(stdout, path, model, w.used, w.texts, batch, prices)
		return nil
	case len(w.texts) == 0:
		if w.pruned > 0 {
			if err := w.vecs.Save(w.sidecar); err != nil {
				return err
			}
		}
		fmt.Fprintf(stdout, "%s: all %d texts already have a vector in %s; nothing sent\n", path, w.used, filepath.Base(w.sidecar))
		return nil
	}
	resolve := generator.ResolveOptions{
		Flags: generator.ProviderConfig{BaseURL: f.baseURL, Model: model},
		Plan:  p, Getenv: generateEnv, Probe: true, ProbeURL: generateProbeURL,
	}
	provider, err := generator.ResolveProvider(ctx, resolve)
	if err != nil {
		return err
	}
	provider = confirmPlanEndpoint(ctx, p, provider, resolve, stderr)
	provider.Model = model
	if provider.Note != "" {
		fmt.Fprintln(stderr, "ftls: "+provider.Note)
	}
	fmt.Fprintf(stderr, "ftls: embedding %d texts of %s with %s\n", len(w.texts), path, provider)
	job := generator.EmbedJob{
		Provider: provider, Dimensions: p.Embeddings.Dimensions, BatchSize: batch,
		Concurrency:    cmp.Or(f.concurrency, p.Generation.Concurrency),
		RequestTimeout: f.timeout, MaxRetries: p.Generation.MaxRetries, Prices: prices,
	}
	if job.MaxRetries == 0 {
		job.MaxRetries = -1 // the plan asks for none
	}
	rep, runErr := runEmbedJob(ctx, job, w, stderr)
	// What arrived is kept even when the run stopped half way.
	if err := w.vecs.Save(w.sidecar); err != nil {
		return fmt.Errorf("%s: %w", w.sidecar, err)
	}
	printEmbedReport(stdout, stderr, path, w.sidecar, rep, w.used-len(w.texts), f.asJSON)
	if runErr != nil {
		what := "stopped"
		if errors.Is(runErr, context.Canceled) {
			what = "interrupted"
		}
		fmt.Fprintf(stderr, "ftls: embedding %s: %v\nftls: %d vectors were kept; run the same command again to continue\n", what, runErr, rep.Embedded)
		return runErr
	}
	return nil
}

// runEmbedJob sends w's texts, adding the vectors to w.vecs, with progress
// on stderr and the sidecar saved now and then.
func runEmbedJob(ctx context.Context, job generator.EmbedJob, w *embedWork, stderr io.Writer) (generator.EmbedReport, error) {
	prog := newEmbedProgress(stderr)
	defer prog.close()
	saved := time.Now()
	return generator.Embed(ctx, job, w.texts, func(i int, v []float32) error {
		return w.vecs.Add(w.missing[i], v)
	}, func(e generator.EmbedProgress) {
		prog.update(e)
		// A long run is saved now and then, so that even a killed process
		// keeps most of what it received.
		if e.Retry == "" && time.Since(saved) > embedSaveEvery {
			if err := w.vecs.Save(w.sidecar); err != nil {
				fmt.Fprintf(stderr, "ftls: %s: %v\n", w.sidecar, err)
			}
			saved = time.Now()
		}
	})
}

// openSidecar reads the vectors kept for a dataset, starting afresh when
// they are from another model or of another length than the plan asks.
func openSidecar(path, model string, dims int, stderr io.Writer) (*embedding.Cache, error) {
	vecs, probs, err := embedding.Load(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for _, pr := range probs {
		fmt.Fprintf(stderr, "ftls: %s:%d: %s; the line is dropped and the file written again\n", path, pr.Line, pr.Msg)
	}
	switch {
	case vecs == nil || vecs.Model == "" && vecs.Len() == 0:
		return embedding.New(model, dims), nil
	case vecs.Model != model || dims > 0 && vecs.Dims != dims:
		fmt.Fprintf(stderr, "ftls: %s holds vectors of %s (%d dimensions); they are replaced by %s's\n", path, vecs.Model, vecs.Dims, model)
		return embedding.New(model, dims), nil
	}
	return vecs, nil
}

func printEmbedEstimate(w io.Writer, path, model string, total int, texts []string, batch int, prices generator.PriceTable) {
	tokens := generator.EstimateEmbedTokens(texts)
	requests := (len(texts) + batch - 1) / batch
	fmt.Fprintf(w, "%s: %d of %d texts have no vector; %s of up to %d texts to %s, about %d tokens",
		path, len(texts), total, plural(requests, "request"), batch, model, tokens)
	if cost, ok := generator.DefaultPrices.With(prices).Cost(model, tokens, 0); ok {
		fmt.Fprintf(w, ", about $%.4f", cost)
	} else {
		fmt.Fprintf(w, " (no price known for %s; pass --price %s=INPUT/0)", model, model)
	}
	fmt.Fprintln(w, "\nnothing was sent (--dry-run)")
}

func printEmbedReport(stdout, stderr io.Writer, path, sidecar string, rep generator.EmbedReport, had int, asJSON bool) {
	for _, n := range rep.Notes {
		fmt.Fprintf(stderr, "ftls: %s: %s\n", path, n)
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(struct {
			Path    string `json:"path"`
			Sidecar string `json:"sidecar"`
			Cached  int    `json:"already_embedded"`
			generator.EmbedReport
		}{path, sidecar, had, rep})
		return
	}
	fmt.Fprintf(stdout, "%s: embedded %d of %d texts (%d already had a vector) in %s, %d tokens",
		path, rep.Embedded, rep.Texts, had, plural(rep.Requests, "request"), rep.Tokens)
	if rep.CostKnown {
		fmt.Fprintf(stdout, ", $%.4f", rep.Cost)
	}
	if rep.Retries > 0 {
		fmt.Fprintf(stdout, ", %d retries", rep.Retries)
	}
	fmt.Fprintf(stdout, "; vectors in %s\n", sidecar)
}

// embedProgress shows the texts embedded so far on a terminal, and the
// retries everywhere.
type embedProgress struct {
	w    io.Writer
	tty  bool
	last time.Time
}

func newEmbedProgress(w io.Writer) *embedProgress {
	return &embedProgress{w: w, tty: progressTerminal(w) && progressEnv("TERM") != "dumb"}
}

func (p *embedProgress) update(e generator.EmbedProgress) {
	if e.Retry != "" {
		if p.tty {
			fmt.Fprint(p.w, "\r\033[K")
		}
		fmt.Fprintf(p.w, "ftls: %s\n", e.Retry)
		return
	}
	if p.tty && (time.Since(p.last) > 100*time.Millisecond || e.Done == e.Total) {
		p.last = time.Now()
		fmt.Fprintf(p.w, "\r\033[Kembedding %d/%d texts", e.Done, e.Total)
	}
}

func (p *embedProgress) close() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
