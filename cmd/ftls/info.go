package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/info"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
)

const infoHelp = `Usage: ftls info [flags] [FILE...]

Writes the dataset's statistics document: its files, example counts,
average user and assistant lengths in tokens, system prompt variants,
multi-turn share, categories, duplicates, findings by rule, the plan's
targets beside the actual numbers, the estimated training tokens and cost,
and next steps. The figures are those of ` + "`ftls stats --json`" + `.

Without FILE, the files are the training and validation outputs of the
plan given with --plan, or of the one *.plan.yaml in the current folder.
FILEs whose name says validation (validation_data.jsonl, valid.jsonl,
eval.jsonl...) count as validation files, the others as training files,
unless a plan says otherwise.

The document goes to -o, else the plan's output.info, else
dataset_info.txt next to the first file. --html also writes the figures as
a self-contained HTML page with charts, next to the document (.html) or to
--html=FILE.

Flags:`

// haveGenerate tells whether `ftls generate` exists, for next steps. It
// is set in init: runInfo cannot read commands while it is initialised.
var haveGenerate bool

func init() { _, haveGenerate = commands["generate"] }

// htmlSibling is the --html value meaning "next to the text document".
const htmlSibling = "auto"

func runInfo(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("info", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf lintFlags
	lf.register(fs)
	out := fs.StringP("output", "o", "", "document to write (default: the plan's output.info, else dataset_info.txt next to the first file)")
	htmlOut := fs.String("html", "", "also write an HTML page with charts: --html (next to the document) or --html=FILE")
	fs.Lookup("html").NoOptDefVal = htmlSibling
	prices := fs.StringArray("price-per-mtok", nil, "training price in USD per million tokens: MODEL=USD, or USD for the dataset's model (repeatable; defaults: "+defaultPriceList()+")")
	fs.Usage = func() {
		fmt.Fprintln(stderr, infoHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
	}
	args = fs.Args()
	// `--html page.html` (with a space) leaves the name among the files.
	if *htmlOut == htmlSibling {
		for i, a := range args {
			if ext := strings.ToLower(filepath.Ext(a)); ext == ".html" || ext == ".htm" {
				*htmlOut = a
				args = append(args[:i:i], args[i+1:]...)
				break
			}
		}
	}

	var p *plan.Plan
	if lf.planPath == "" && len(args) == 0 {
		found, err := planInFolder(".")
		if err != nil {
			return fail(stderr, err)
		}
		if found == "" {
			fmt.Fprintln(stderr, "ftls: no FILE given and no *.plan.yaml in the current folder; name the files or the plan (--plan)")
			fs.Usage()
			return exitUsage
		}
		lf.planPath = found
	}
	if lf.planPath != "" {
		var err error
		if p, err = plan.Load(lf.planPath); err != nil {
			if errors.Is(err, iofs.ErrNotExist) {
				return fail(stderr, fmt.Errorf("plan %s does not exist", lf.planPath))
			}
			return fail(stderr, err)
		}
	}

	type input struct {
		path    string
		role    info.Role
		missing bool
	}
	var inputs []input
	if len(args) == 0 {
		train := p.OutputPath(p.Output.Train)
		if _, err := os.Stat(train); err != nil {
			return fail(stderr, fmt.Errorf("%s, the training file of %s, does not exist: %w", relToCwd(train), lf.planPath, err))
		}
		inputs = append(inputs, input{path: relToCwd(train), role: info.Training})
		if p.Output.Validation != "" {
			valid := p.OutputPath(p.Output.Validation)
			_, err := os.Stat(valid)
			inputs = append(inputs, input{path: relToCwd(valid), role: info.Validation, missing: err != nil})
		}
	} else {
		paths, err := expandPaths(args)
		if err != nil {
			return fail(stderr, err)
		}
		probe := newSettingsCache(&lf)
		for _, path := range paths {
			gp, _ := probe.plan(path)
			inputs = append(inputs, input{path: path, role: workspace.Role(path, gp)})
		}
		// A training file goes with the validation file its plan names,
		// as in the editor's "Write dataset_info.txt".
		if len(inputs) == 1 {
			gp, _ := probe.plan(inputs[0].path)
			if valid := workspace.Companion(inputs[0].path, gp); valid != "" {
				_, err := os.Stat(valid)
				inputs = append(inputs, input{path: relToCwd(valid), role: info.Validation, missing: err != nil})
			}
		}
	}

	docPath := *out
	if docPath == "" {
		if p != nil && p.Output.Info != "" {
			ip, err := p.WritePath("info", p.Output.Info)
			if err != nil {
				return fail(stderr, err)
			}
			docPath = relToCwd(ip)
		} else {
			docPath = filepath.Join(filepath.Dir(inputs[0].path), plan.DefaultInfo)
		}
	}
	htmlPath := *htmlOut
	if htmlPath == htmlSibling {
		htmlPath = strings.TrimSuffix(docPath, filepath.Ext(docPath)) + ".html"
	}

	cache := newSettingsCache(&lf)
	var paths []string
	var results []*engine.Result
	for _, in := range inputs {
		if in.missing {
			continue
		}
		opts, err := cache.options(in.path)
		if err != nil {
			return fail(stderr, err)
		}
		opts.Settings.CountTokens = true
		res, err := checkFile(context.Background(), in.path, opts, stderr)
		if err != nil {
			return fail(stderr, err)
		}
		paths, results = append(paths, in.path), append(results, res)
	}
	if err := addLeakage(paths, results, cache, stderr); err != nil {
		return fail(stderr, err)
	}

	// The settings of the first training file (else the first file) name
	// the model, tokenizer and thresholds of the document.
	settingsOf := paths[0]
	for _, in := range inputs {
		if !in.missing && in.role == info.Training {
			settingsOf = in.path
			break
		}
	}
	opts, err := cache.options(settingsOf)
	if err != nil {
		return fail(stderr, err)
	}
	job := workspace.InfoJob{Plan: p, DocPath: docPath, Settings: opts.Settings, Generate: haveGenerate, Prices: info.DefaultPrices()}
	if p == nil {
		// Files given without --plan may still be governed by one.
		if gp, err := cache.plan(settingsOf); err == nil && gp != nil {
			job.Plan = gp
		}
	}
	k := 0
	for _, in := range inputs {
		f := workspace.InfoFile{Path: in.path, Role: in.role}
		if !in.missing {
			f.Result = results[k]
			k++
		}
		job.Files = append(job.Files, f)
	}
	for _, spec := range *prices {
		if job.Prices, err = info.SetPrice(job.Prices, opts.Settings.Model, spec); err != nil {
			return fail(stderr, err)
		}
	}
	rep := job.Build()

	if dir := filepath.Dir(docPath); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fail(stderr, err)
		}
	}
	if err := atomicfile.Write(docPath, rep.WriteText); err != nil {
		return fail(stderr, fmt.Errorf("writing %s: %w", docPath, err))
	}
	fmt.Fprintf(stdout, "wrote %s (%d training, %d validation examples)\n", docPath, rep.TrainExamples, rep.ValidExamples)
	if htmlPath != "" {
		if err := atomicfile.Write(htmlPath, rep.WriteHTML); err != nil {
			return fail(stderr, fmt.Errorf("writing %s: %w", htmlPath, err))
		}
		fmt.Fprintf(stdout, "wrote %s\n", htmlPath)
	}
	return exitOK
}

// planInFolder returns the one plan file in dir, "" when there is none,
// and an error when there are several.
func planInFolder(dir string) (string, error) {
	plans := plan.Files(dir)
	switch len(plans) {
	case 0:
		return "", nil
	case 1:
		return plans[0], nil
	}
	return "", fmt.Errorf("several plans in this folder (%s); choose one with --plan", strings.Join(plans, ", "))
}

// relToCwd shortens an absolute path inside the current folder.
func relToCwd(path string) string { return workspace.RelTo(".", path) }

func defaultPriceList() string {
	var parts []string
	for _, p := range info.DefaultPrices() {
		parts = append(parts, fmt.Sprintf("%s=%g", p.Model, p.PerMTok))
	}
	return strings.Join(parts, ", ")
}
