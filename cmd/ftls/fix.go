package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/safefile"
)

func runFix(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("fix", "Usage: ftls fix [flags] PATH...\n\nApplies every safe fix and rewrites each file atomically (a temporary file\nrenamed over the original). Prints what it changed. `-` reads standard\ninput, with --diff or --dry-run.\nExit status: 0 no errors left, 1 errors remain that need a person (with\n--diff or --dry-run: 1 when there are fixes to make), 2 usage or I/O error.", stderr)
	var lf lintFlags
	lf.register(fs)
	diff := fs.Bool("diff", false, "print the changes as a unified diff instead of writing them (exit 1 when there are any)")
	dryRun := fs.BoolP("dry-run", "n", false, "list the fixes without writing them (exit 1 when there are any)")
	paths, code, ok := parsePaths(fs, args, stderr)
	if !ok {
		return code
	}
	write := !*diff && !*dryRun
	if write && slices.Contains(paths, stdinPath) {
		fmt.Fprintln(stderr, "ftls fix: - (standard input) cannot be rewritten; use --diff or --dry-run")
		return exitUsage
	}
	cache := newSettingsCache(&lf)
	fixNotes = stderr
	status, fixes, files, remaining := exitOK, 0, 0, 0
	for _, p := range paths {
		opts, err := cache.options(p)
		if err != nil {
			return fail(stderr, err)
		}
		res, left, err := fixFile(p, opts, write)
		if err != nil {
			fmt.Fprintln(stderr, "ftls:", err)
			status = exitUsage
			continue
		}
		remaining += left
		if len(res.Changes) > 0 {
			files++
		}
		fixes += len(res.Changes)
		name := displayName(p)
		if *diff {
			writeDiff(stdout, name, res.Edits)
			continue
		}
		for _, c := range res.Changes {
			fmt.Fprintf(stdout, "%s:%d: %s %s\n", name, c.Line+1, c.Code, c.Title)
		}
	}
	verb := "fixed"
	if !write {
		verb = "would fix"
	}
	line := fmt.Sprintf("%s %s in %d of %s", verb, plural(fixes, "problem"), files, plural(len(paths), "file"))
	if write && remaining > 0 {
		line += fmt.Sprintf("; %s left to fix by hand (`ftls check`)", plural(remaining, "error"))
	}
	fmt.Fprintln(stderr, line)
	switch {
	case status != exitOK:
	case !write && fixes > 0:
		status = exitFindings // like `ruff check --diff`: there are changes to make
	case write && remaining > 0:
		status = exitFindings // like `ruff check --fix`: errors remain
	}
	return status
}

// fixNotes is where fixFile says why it skipped a file.
var fixNotes io.Writer = io.Discard

// fixFile fixes one dataset (standard input for -) and returns what it
// did and the number of errors left in the fixed text. With write false
// nothing is written.
func fixFile(p string, opts engine.Options, write bool) (*engine.FixResult, int, error) {
	var data []byte
	var err error
	if p == stdinPath {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = safefile.ReadFile(p, 0)
	}
	if err != nil {
		return nil, 0, err
	}
	if why := engine.NotText(data[:min(len(data), engine.SniffSize)]); why != "" {
		// Nothing to fix, and one error left (the J004 of ftls check).
		fmt.Fprintf(fixNotes, "ftls: %s: %s\n", displayName(p), why)
		return &engine.FixResult{Path: p}, 1, nil
	}
	ctx := context.Background()
	out, res, err := engine.FixEdits(ctx, data, opts)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", displayName(p), err)
	}
	res.Path = p
	if !write {
		return res, 0, nil
	}
	if len(res.Changes) > 0 {
		// A row another program appended meanwhile must not be lost.
		if err := atomicfile.WriteFileUnchanged(p, out, data); err != nil {
			return nil, 0, err
		}
	}
	if plan.IsPath(p) {
		return res, 0, nil
	}
	opts.SizeHint = int64(len(out))
	after, err := engine.Check(ctx, p, bytes.NewReader(out), opts)
	if err != nil {
		return nil, 0, err
	}
	return res, after.Count(diagnostics.Error), nil
}

// writeDiff prints a unified diff of the rows that changed. Rows are lines
// of the file (a pretty-printed object that was joined spans several), so
// each changed row is one hunk; go-diff lines the old and new text up.
func writeDiff(w io.Writer, path string, edits []engine.RowEdit) {
	if len(edits) == 0 {
		return
	}
	fmt.Fprintf(w, "--- %s\n+++ %s\n", path, path)
	dmp := diffmatchpatch.New()
	shift := 0 // lines added minus lines removed so far
	for _, e := range edits {
		old, neu := lines(e.Old), lines(e.New)
		if e.New == nil {
			neu = nil
		}
		a, b, arr := dmp.DiffLinesToChars(strings.Join(old, ""), strings.Join(neu, ""))
		diffs := dmp.DiffCharsToLines(dmp.DiffMain(a, b, false), arr)
		newStart := e.Line + 1 + shift
		if len(neu) == 0 {
			newStart-- // an empty range names the line before it
		}
		fmt.Fprintf(w, "@@ -%d,%d +%d,%d @@\n", e.Line+1, len(old), newStart, len(neu))
		for _, d := range diffs {
			prefix := " "
			switch d.Type {
			case diffmatchpatch.DiffDelete:
				prefix = "-"
			case diffmatchpatch.DiffInsert:
				prefix = "+"
			}
			for _, l := range lines([]byte(d.Text)) {
				fmt.Fprint(w, prefix+l)
			}
		}
		shift += len(neu) - len(old)
	}
}

// lines splits text into lines that each end in "\n". An empty row (a
// blank line) is one empty line; nil text has none.
func lines(b []byte) []string {
	if b == nil {
		return nil
	}
	s := string(b)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	out := strings.SplitAfter(s, "\n")
	return out[:len(out)-1] // SplitAfter leaves "" after the final newline
}
