package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/internal/stats"
)

func runStats(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("stats", "Usage: ftls stats [flags] PATH...\n\nPrints each dataset's size, formats, categories, exact token counts,\nsystem prompt variety, multi-turn share and duplicates. - reads standard\ninput.", stderr)
	var lf lintFlags
	lf.register(fs)
	asJSON := fs.Bool("json", false, "print JSON")
	paths, code, ok := parsePaths(fs, args, stderr)
	if !ok {
		return code
	}
	cache := newSettingsCache(&lf)
	var all []*stats.Stats
	for _, p := range paths {
		opts, err := cache.options(p)
		if err != nil {
			return fail(stderr, err)
		}
		opts.Settings.CountTokens = true
		res, err := checkInput(context.Background(), p, opts, stderr)
		if err != nil {
			return fail(stderr, err)
		}
		all = append(all, stats.FromResult(res, opts.Settings.Tokens().Encoding()))
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return fail(stderr, err)
		}
		return exitOK
	}
	for i, s := range all {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		s.WriteText(stdout)
	}
	return exitOK
}
