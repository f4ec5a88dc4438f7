package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/atomicfile"
	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/export"
	"github.com/ftls-dev/ftls/safefile"
)

func runExport(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("export", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	var lf lintFlags
	lf.register(fs)
	out := fs.StringP("output", "o", "", "file to write (required)")
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
	if _, err := os.Stat(*out); err == nil && !*force {
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
	ex := export.Options{
		Convert:     s.Target == diagnostics.TargetOpenAI,
		StripKey:    s.MetadataKey,
		SkipInvalid: *skipInvalid,
	}
	if *keepMeta || s.Target != diagnostics.TargetOpenAI {
		ex.StripKey = ""
	}
	var stats export.Stats
	err = atomicfile.Write(*out, func(w io.Writer) error {
		var err error
		stats, err = export.Write(context.Background(), w, data, ex)
		return err
	})
	if err != nil {
		return fail(stderr, fmt.Errorf("export %s: %w", in, err))
	}
	fmt.Fprintf(stderr, "wrote %d rows to %s (%d converted to chat, %d stripped of %q, %d skipped)\n",
		stats.Rows, *out, stats.Converted, stats.Stripped, s.MetadataKey, stats.Skipped)
	return exitOK
}
