package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/gctune"
	"github.com/ftls-dev/ftls/internal/pairing"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/report"
	"github.com/ftls-dev/ftls/internal/safefile"
)

func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("check", "Usage: ftls check [flags] PATH...\n\nReports problems in datasets (.jsonl, .json arrays, or folders of them);\n- reads standard input.\nExit status: 0 no errors, 1 errors found, 2 usage or I/O error.", stderr)
	var lf lintFlags
	lf.register(fs)
	format := fs.String("format", "text", "output format: "+strings.Join(report.Formats, ", "))
	quiet := fs.BoolP("quiet", "q", false, "do not print the summary line")
	colorMode := fs.String("color", "auto", "colour the text format: auto (on a terminal, unless NO_COLOR is set), always or never")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file (for performance work)")
	_ = fs.MarkHidden("cpuprofile")
	paths, code, ok := parsePaths(fs, args, stderr)
	if !ok {
		return code
	}
	if !slices.Contains(report.Formats, *format) {
		return fail(stderr, fmt.Errorf("unknown --format %q (want %s)", *format, strings.Join(report.Formats, ", ")))
	}
	color, err := useColor(*colorMode, stdout)
	if err != nil {
		return fail(stderr, err)
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return fail(stderr, err)
		}
		defer stop()
	}
	// A check keeps a summary of every row (about 500 bytes with its
	// near-duplicate sketch), so its heap grows with the file: nothing is
	// collected below 256 MiB, where collecting cost a quarter of the CPU
	// time of a 100k-row check, and from there on at 40 % growth, which
	// keeps a 1M-row file's peak memory under 1 GB (docs/performance.md).
	defer gctune.Start(256<<20, 40).Stop()
	cache := newSettingsCache(&lf)
	results := make([]*engine.Result, len(paths))
	status := exitOK
	var reviewed []*reviewedFile
	for i, p := range paths {
		opts, err := cache.options(p)
		if err != nil {
			return fail(stderr, err)
		}
		if rf := withReview(p, i, &opts, cache, stderr); rf != nil {
			reviewed = append(reviewed, rf)
		}
		var res *engine.Result
		if plan.IsPath(p) {
			res, err = checkPlan(p, opts)
		} else {
			res, err = checkInput(context.Background(), p, opts, stderr)
		}
		if safefile.IsNotRegular(err) {
			// /dev/zero or a FIFO under a dataset's name: never read.
			fmt.Fprintln(stderr, "ftls: note:", err)
			continue
		}
		if err != nil {
			fmt.Fprintln(stderr, "ftls:", err)
			status = exitUsage
			continue
		}
		results[i] = res
	}
	if err := addLeakage(paths, results, cache, stderr); err != nil {
		fmt.Fprintln(stderr, "ftls:", err)
		status = exitUsage
	}
	checked := slices.Clone(results)
	results = slices.DeleteFunc(results, func(r *engine.Result) bool { return r == nil })
	if *format == "text" {
		err = report.WriteText(stdout, results, color)
	} else {
		err = report.Write(stdout, *format, results, version)
	}
	if err != nil {
		return fail(stderr, err)
	}
	sum := report.Summarize(results)
	if !*quiet {
		printReviewStatus(stderr, reviewed, checked)
		fmt.Fprintln(stderr, sum)
	}
	if status == exitOK && sum.Errors > 0 {
		status = exitFindings
	}
	return status
}

// checkPlan reports the findings of a plan file.
func checkPlan(path string, opts engine.Options) (*engine.Result, error) {
	data, err := safefile.ReadFile(path, safefile.ConfigMax)
	if err != nil {
		return nil, err
	}
	p, _ := plan.Parse(path, data)
	s, err := p.LintSettings(opts.Settings)
	if err != nil {
		s = opts.Settings
	}
	return &engine.Result{Path: path, Diagnostics: p.Diagnostics(s)}, nil
}

// addLeakage checks each validation file against its training file
// (package pairing): the plan's training output when a plan names the
// file as its validation output, else the training file given alongside
// it or found in its folder with the same name stem. A training file not
// given on the command line is read to compare with, and its own findings
// are not reported. Reading a large one shows progress on progress.
func addLeakage(paths []string, results []*engine.Result, cache *settingsCache, progress io.Writer) error {
	pairs := pairing.Pairs(paths)
	read := map[string]*engine.Result{}
	for v, p := range paths {
		if results[v] == nil || results[v].Rows == nil || plan.IsPath(p) || p == stdinPath {
			continue
		}
		train := ""
		pl, _ := cache.plan(p)
		if t, _ := governs(pl, p); t {
			continue // the plan's training file, whatever its name
		}
		if t := pairing.Plan(pl, p); t != "" {
			train = relToCwd(t)
		} else if i, ok := pairs[v]; ok {
			train = paths[i]
		} else {
			train = pairing.Folder(p)
		}
		if train == "" {
			continue
		}
		var res *engine.Result
		if i := indexOfPath(paths, absPath(train)); i >= 0 {
			res = results[i]
		} else if res = read[absPath(train)]; res == nil {
			if _, err := os.Stat(train); err != nil {
				continue
			}
			opts, err := cache.options(train)
			if err != nil {
				return err
			}
			if res, err = checkFile(context.Background(), train, opts, progress); err != nil {
				return err
			}
			read[absPath(train)] = res
		}
		if res == nil {
			continue
		}
		opts, err := cache.options(p)
		if err != nil {
			return err
		}
		engine.AddLeakage(res, results[v], opts.Settings)
	}
	return nil
}

func governs(p *plan.Plan, path string) (train, valid bool) {
	if p == nil {
		return false, false
	}
	return p.Governs(path)
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

func indexOfPath(paths []string, abs string) int {
	for i, p := range paths {
		if a, err := filepath.Abs(p); err == nil && a == abs {
			return i
		}
	}
	return -1
}

// flagError turns a flag parsing error into an exit code, printing it:
// pflag's ContinueOnError mode leaves that to the caller.
func flagError(stderr io.Writer, err error) int {
	if errors.Is(err, pflag.ErrHelp) {
		return exitOK
	}
	fmt.Fprintf(stderr, "ftls: %v (see --help)\n", err)
	return exitUsage
}

// stdinPath on the command line means standard input, named stdinName in
// the output.
const (
	stdinPath = "-"
	stdinName = "<stdin>"
)

// displayName is how a path is named in the output.
func displayName(p string) string {
	if p == stdinPath {
		return stdinName
	}
	return p
}

// expandPaths turns files and folders into the dataset files to read. A
// folder contributes its .jsonl and .ndjson files, and .json files that
// hold an array; hidden folders and node_modules are skipped.
func expandPaths(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if a == stdinPath {
			out = append(out, a)
			continue
		}
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != a && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
					return filepath.SkipDir
				}
				return nil
			}
			if isDataset(p) {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func isDataset(p string) bool {
	if strings.HasSuffix(p, plan.Suffix) {
		return true
	}
	switch strings.ToLower(filepath.Ext(p)) {
	case ".jsonl", ".ndjson":
		return true
	case ".json":
		return startsWithArray(p)
	}
	return false
}

func startsWithArray(p string) bool {
	ok, _ := dataset.FileIsArray(p)
	return ok
}
