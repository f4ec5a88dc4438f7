package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/sergi/go-diff/diffmatchpatch"

	"github.com/ftls-dev/ftls/engine"
)

func runFix(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("fix", "Usage: ftls fix [flags] PATH...\n\nApplies every safe fix and rewrites each file atomically (a temporary file\nrenamed over the original). Prints what it changed.", stderr)
	var lf lintFlags
	lf.register(fs)
	diff := fs.Bool("diff", false, "print the changes as a unified diff instead of writing them")
	dryRun := fs.BoolP("dry-run", "n", false, "list the fixes without writing them")
	paths, code, ok := parsePaths(fs, args, stderr)
	if !ok {
		return code
	}
	write := !*diff && !*dryRun
	cache := newSettingsCache(&lf)
	status, fixes, files := exitOK, 0, 0
	for _, p := range paths {
		opts, err := cache.options(p)
		if err != nil {
			return fail(stderr, err)
		}
		res, err := engine.FixFile(context.Background(), p, opts, write)
		if err != nil {
			fmt.Fprintln(stderr, "ftls:", err)
			status = exitUsage
			continue
		}
		if len(res.Changes) > 0 {
			files++
		}
		fixes += len(res.Changes)
		if *diff {
			writeDiff(stdout, p, res.Edits)
			continue
		}
		for _, c := range res.Changes {
			fmt.Fprintf(stdout, "%s:%d: %s %s\n", p, c.Line+1, c.Code, c.Title)
		}
	}
	verb := "fixed"
	if !write {
		verb = "would fix"
	}
	fmt.Fprintf(stderr, "%s %d problems in %d of %d files\n", verb, fixes, files, len(paths))
	return status
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
