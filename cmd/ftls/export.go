package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/export"
	"github.com/ftls-dev/ftls/internal/safefile"
)

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("export", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf lintFlags
	lf.register(fs)
	out := fs.StringP("output", "o", "", "file to write, - for standard output (required)")
	force := fs.Bool("force", false, "overwrite the output file if it exists")
	keepMeta := fs.Bool("keep-metadata", false, "keep the metadata key (stripped by default with --target openai)")
	skipInvalid := fs.Bool("skip-invalid", false, "leave out rows that are not valid JSON objects instead of refusing to export")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ftls export [flags] FILE -o OUT\n\nWrites FILE as JSON Lines: a .json array becomes one row per line, and with\n--target openai (the default) rows in other formats are converted to chat\nmessages and the metadata key is removed, ready for upload.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
	}
	if fs.NArg() != 1 || *out == "" {
		fs.Usage()
		return exitUsage
	}
	in := fs.Arg(0)
	if _, err := os.Stat(*out); err == nil && !*force && *out != "-" {
		return fail(stderr, fmt.Errorf("%s exists; pass --force to overwrite it", *out))
	}
	opts, err := newSettingsCache(&lf).options(in)
	if err != nil {
		return fail(stderr, err)
	}
	data, err := safefile.ReadFile(in, 0)
	if err != nil {
		return fail(stderr, err)
	}
	s := opts.Settings
	openai := s.Target == diagnostics.TargetOpenAI
	ex := export.Options{
		Convert:     openai,
		StripKey:    s.MetadataKey,
		SkipInvalid: *skipInvalid,
	}
	if openai {
		// The metadata key is exempt from C008 (C019 reports it).
		ex.Keep = append(slices.Clone(export.OpenAIKeys), s.MetadataKey)
	}
	if *keepMeta || !openai {
		ex.StripKey = ""
	}
	// With --skip-invalid, a row is left out only if the safe fixes
	// (a misspelt role, a row in another format) cannot save it.
	fixes := 0
	if *skipInvalid {
		fixed, res, err := engine.FixEdits(context.Background(), data, opts)
		if err != nil {
			return fail(stderr, fmt.Errorf("export %s: %w", in, err))
		}
		data, fixes = fixed, len(res.Changes)
	}
	var buf bytes.Buffer
	stats, err := export.Write(context.Background(), &buf, data, ex)
	if err != nil {
		return fail(stderr, fmt.Errorf("export %s: %w", in, err))
	}
	// What is written must pass the target's row rules: rows that still
	// have errors are left out with --skip-invalid, else nothing is
	// written and the command says which rules the rows break.
	res, err := engine.Check(context.Background(), in, bytes.NewReader(buf.Bytes()), opts)
	if err != nil {
		return fail(stderr, fmt.Errorf("export %s: %w", in, err))
	}
	bad, byCode := rowErrors(res)
	if len(bad) > 0 && !*skipInvalid {
		fmt.Fprintf(stderr, "ftls: not exported: %s would still have errors the target rejects: %s (first: %s); run `ftls fix %s`, or pass --skip-invalid to leave them out\n",
			plural(len(bad), "row"), byCode, firstError(res), in)
		return exitFindings
	}
	outData := buf.Bytes()
	if len(bad) > 0 {
		outData = withoutLines(outData, bad)
		stats.Rows -= len(bad)
		stats.Skipped += len(bad)
	}
	if *out == "-" {
		if _, err := stdout.Write(outData); err != nil {
			return fail(stderr, err)
		}
	} else if err := atomicfile.Write(*out, func(w io.Writer) error {
		_, err := w.Write(outData)
		return err
	}); err != nil {
		return fail(stderr, fmt.Errorf("export %s: %w", in, err))
	}
	dest := *out
	if dest == "-" {
		dest = "standard output"
	}
	if fixes > 0 {
		fmt.Fprintf(stderr, "applied %s before export\n", plural(fixes, "safe fix"))
	}
	fmt.Fprintf(stderr, "wrote %s to %s (%d converted to chat, %d stripped of %q, %d skipped)\n",
		plural(stats.Rows, "row"), dest, stats.Converted, stats.Stripped, s.MetadataKey, stats.Skipped)
	if len(stats.Dropped) > 0 {
		fmt.Fprintf(stderr, "removed top-level keys the target does not accept: %s\n", stats.DroppedKeys())
	}
	return exitOK
}

// rowErrors returns the zero-based lines of the rows with findings at
// error severity from row rules (file rules, such as the example count,
// judge the file, not a row), and those findings counted by rule.
func rowErrors(res *engine.Result) (map[int]bool, string) {
	lines := map[int]bool{}
	count := map[string]int{}
	for _, d := range res.Diagnostics {
		if d.Severity != diagnostics.Error {
			continue
		}
		if r := diagnostics.Lookup(d.Code); r == nil || r.File != nil {
			continue
		}
		lines[d.Range.Start.Line] = true
		count[d.Code]++
	}
	codes := make([]string, 0, len(count))
	for c := range count {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%s ×%d", c, count[c]))
	}
	return lines, strings.Join(parts, ", ")
}

func firstError(res *engine.Result) string {
	for _, d := range res.Diagnostics {
		if r := diagnostics.Lookup(d.Code); d.Severity == diagnostics.Error && r != nil && r.File == nil {
			return fmt.Sprintf("output row %d: %s %s", d.Range.Start.Line+1, d.Code, d.Message)
		}
	}
	return ""
}

// withoutLines returns data without the lines (zero-based) in drop.
func withoutLines(data []byte, drop map[int]bool) []byte {
	var out []byte
	for i, line := range bytes.SplitAfter(data, []byte("\n")) {
		if !drop[i] {
			out = append(out, line...)
		}
	}
	return out
}

// plural returns "1 row", "2 rows"; for "safe fix", "2 safe fixes".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	if strings.HasSuffix(noun, "x") || strings.HasSuffix(noun, "s") {
		return fmt.Sprintf("%d %ses", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
