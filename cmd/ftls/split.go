package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/gctune"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/safefile"
	"github.com/ftls-dev/ftls/internal/split"
	"github.com/ftls-dev/ftls/internal/workspace"
)

const splitHelp = `Usage: ftls split [flags] FILE

Moves a share of FILE's examples into a validation file and rewrites FILE
with the rest. Each category gives the same share (categories too small to
give one row stay in training); exact and near duplicates stay on one side,
so the two files share no example; rows that are not valid JSON objects
stay in training. The same seed and input always give the same split.

The ratio is --ratio, else the governing plan's validation.split, else 0.1.
The seed is --seed, else the plan's validation.seed, else 42. The
validation file is -o, else the plan's output.validation, else a name made
from FILE's: training_data.jsonl -> validation_data.jsonl,
train.jsonl -> validation.jsonl, data.jsonl -> data_validation.jsonl.

Flags:`

func runSplit(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("split", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf lintFlags
	lf.register(fs)
	ratio := fs.Float64("ratio", 0, "share of each category moved to validation, between 0 and 1 (default: the plan's validation.split, else 0.1)")
	seed := fs.Int64("seed", 0, "random seed (default: the plan's validation.seed, else 42)")
	out := fs.StringP("output", "o", "", "validation file to write (default: the plan's output.validation, else derived from FILE)")
	force := fs.Bool("force", false, "replace an existing validation file")
	dryRun := fs.Bool("dry-run", false, "print the counts without writing anything")
	// The split reports no findings: the rule and token flags change
	// nothing, so they are accepted but not listed.
	for _, name := range []string{"rule", "disable", "target", "model", "max-tokens"} {
		_ = fs.MarkHidden(name)
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, splitHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	in := fs.Arg(0)
	if err := refuseArray(in); err != nil {
		return fail(stderr, err)
	}
	// As for check: nothing collected below 256 MiB, where collecting at
	// the default 100 % growth cost a fifth of a 100k-row split's CPU
	// (docs/performance.md); above it, 100 % as before.
	defer gctune.Start(256<<20, 100).Stop()
	cache := newSettingsCache(&lf)
	opts, err := cache.options(in)
	if err != nil {
		return fail(stderr, err)
	}
	p, err := cache.plan(in)
	if err != nil {
		return fail(stderr, err)
	}

	var choices workspace.SplitChoices
	if fs.Changed("ratio") {
		choices.Ratio = ratio
	}
	if fs.Changed("seed") {
		choices.Seed = seed
	}
	choices.Validation = *out
	sp, err := workspace.NewSplit(in, p, choices)
	if err != nil {
		return fail(stderr, err)
	}
	r, sd, valid := sp.Ratio, sp.Seed, relToCwd(sp.Validation)
	if _, err := os.Stat(valid); err == nil && !*force && !*dryRun {
		return fail(stderr, workspace.ValidationExists(in, valid))
	}

	before, err := os.Stat(in)
	if err != nil {
		return fail(stderr, err)
	}
	f, err := safefile.Open(in)
	if err != nil {
		return fail(stderr, err)
	}
	fr, done := withProgress(f, before.Size(), stderr, "reading "+in)
	res, dec, err := sp.Decide(context.Background(), fr, before.Size(), opts.Settings)
	done()
	f.Close()
	if err != nil {
		return fail(stderr, fmt.Errorf("%s: %w", in, err))
	}

	printSplit(stdout, in, r, sd, dec)
	if dec.Valid == 0 {
		fmt.Fprintf(stderr, "ftls: nothing to move: at %s no category has enough rows to give one to validation; %s is unchanged\n", splitPct(r), in)
		return exitFindings
	}
	if *dryRun {
		fmt.Fprintf(stdout, "dry run: would write %s (%d rows) and rewrite %s (%d rows)\n", valid, dec.Valid, in, dec.Train)
		return exitOK
	}
	if err := writeSplit(in, valid, before, res.Rows, dec, stderr); err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%d rows) and rewrote %s (%d rows)\n", valid, dec.Valid, in, dec.Train)
	return exitOK
}

// refuseArray rejects JSON array files: their rows are not lines, so they
// cannot be moved byte for byte.
func refuseArray(path string) error {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		return errArray(path)
	}
	isArray, err := dataset.FileIsArray(path)
	if err != nil {
		return err
	}
	if isArray {
		return errArray(path)
	}
	return nil
}

func errArray(path string) error {
	return fmt.Errorf("%s is a JSON array; split works on JSON Lines. Convert it first: ftls export %s -o %s",
		path, path, strings.TrimSuffix(path, filepath.Ext(path))+".jsonl")
}

// commit moves a finished file into place; tests replace it to simulate a
// failure.
var commit = (*atomicfile.File).Commit

// writeSplit writes the validation file and the new training file, each to
// a temporary file first; it then renames the validation file into place,
// then the training file. A failure before the first rename leaves both
// files as they were. Rewriting a large file shows progress on progress.
func writeSplit(in, valid string, before os.FileInfo, rows []diagnostics.RowInfo, dec *split.Result, progress io.Writer) error {
	if dir := filepath.Dir(valid); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	src, err := safefile.Open(in)
	if err != nil {
		return err
	}
	defer src.Close()
	if now, err := src.Stat(); err != nil || now.Size() != before.Size() || !now.ModTime().Equal(before.ModTime()) {
		return fmt.Errorf("%s changed while it was being split; nothing was written, run the split again", in)
	}
	vf, err := atomicfile.Create(valid)
	if err != nil {
		return err
	}
	defer vf.Abort()
	tf, err := atomicfile.Create(in)
	if err != nil {
		return err
	}
	defer tf.Abort()
	r, done := withProgress(src, before.Size(), progress, "writing "+valid)
	err = split.Write(r, rows, dec.Validation, split.Terminator(rows), tf, vf)
	done()
	if err != nil {
		if errors.Is(err, split.ErrChanged) {
			return fmt.Errorf("%s changed while it was being split; nothing was written, run the split again", in)
		}
		return fmt.Errorf("split %s: %w; nothing was written", in, err)
	}
	// Sync the training file before the first rename, so that the window
	// between the two renames, where a crash leaves the moved rows in both
	// files, holds no slow fsync of a large file.
	if err := tf.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w; nothing was changed", in, err)
	}
	if err := commit(vf); err != nil {
		return fmt.Errorf("writing %s: %w; nothing was changed", valid, err)
	}
	if err := commit(tf); err != nil {
		return fmt.Errorf("wrote %s (%d rows) but could not replace %s: %w.\n"+
			"%s is unchanged and still holds those %d rows, so they are now in both files;\n"+
			"delete %s to undo, or fix the problem and run the split again with --force",
			valid, dec.Valid, in, err, in, dec.Valid, valid)
	}
	return nil
}

// printSplit prints the counts per category and what stayed in training.
func printSplit(w io.Writer, in string, ratio float64, seed int64, dec *split.Result) {
	fmt.Fprintf(w, "%s: %s of each category to validation, seed %d\n\n", in, splitPct(ratio), seed)
	width := len("(no category)")
	for _, c := range dec.Categories {
		width = max(width, len(c.Name))
	}
	fmt.Fprintf(w, "%-*s %8s %11s %8s\n", width, "category", "train", "validation", "share")
	var rows, train, validation int
	var small []string
	for _, c := range dec.Categories {
		name := c.Name
		if name == "" {
			name = "(no category)"
		}
		fmt.Fprintf(w, "%-*s %8d %11d %8s\n", width, name, c.Train, c.Validation, splitPct(c.Share()))
		rows, train, validation = rows+c.Rows, train+c.Train, validation+c.Validation
		if c.TooSmall {
			small = append(small, fmt.Sprintf("%s (%d %s)", name, c.Rows, splitPlural(c.Rows, "row", "rows")))
		}
	}
	share := 0.0
	if rows > 0 {
		share = float64(validation) / float64(rows)
	}
	fmt.Fprintf(w, "%-*s %8d %11d %8s\n\n", width, "total", train, validation, splitPct(share))
	if len(small) > 0 {
		fmt.Fprintf(w, "too small to split at %s, kept in training: %s\n", splitPct(ratio), strings.Join(small, ", "))
	}
	var kept []string
	if dec.Invalid > 0 {
		kept = append(kept, fmt.Sprintf("%d %s not a valid JSON object", dec.Invalid, splitPlural(dec.Invalid, "row that is", "rows that are")))
	}
	if dec.MultiLine > 0 {
		kept = append(kept, fmt.Sprintf("%d %s over several lines", dec.MultiLine, splitPlural(dec.MultiLine, "object", "objects")))
	}
	if dec.Blank > 0 {
		kept = append(kept, fmt.Sprintf("%d blank %s", dec.Blank, splitPlural(dec.Blank, "line", "lines")))
	}
	if len(kept) > 0 {
		fmt.Fprintf(w, "kept in training as they are: %s (see `ftls check %s`)\n", strings.Join(kept, ", "), in)
	}
	if dec.Clusters > 0 {
		fmt.Fprintf(w, "kept together on one side: %d %s of duplicates or near-duplicates (%d rows)\n",
			dec.Clusters, splitPlural(dec.Clusters, "group", "groups"), dec.ClusterRows)
	}
	if ratio < plan.RecommendedMinSplit || ratio > plan.RecommendedMaxSplit {
		fmt.Fprintf(w, "note: %s is outside the usual 10-20 %% held out for validation (B006)\n", splitPct(ratio))
	}
}

func splitPct(x float64) string {
	return fmt.Sprintf("%.1f %%", 100*x)
}

func splitPlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
