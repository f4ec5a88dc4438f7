package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/report"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules", "Usage: ftls rules [--markdown]\n\nLists the rule catalog, one line per rule.", stderr)
	markdown := fs.Bool("markdown", false, "print every rule's full documentation as Markdown (docs/rules.md)")
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	if *markdown {
		fmt.Fprint(stdout, report.RulesMarkdown(diagnostics.All()))
		return exitOK
	}
	if err := report.WriteRules(stdout, diagnostics.All()); err != nil {
		return fail(stderr, err)
	}
	return exitOK
}

func runExplain(args []string, stdout, stderr io.Writer) int {
	if wantsHelp(args) {
		fmt.Fprintln(stdout, "Usage: ftls explain CODE...\n\nShows each rule's documentation: what it finds, why it matters, an example,\nthe corrected example, the fix.")
		return exitOK
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "Usage: ftls explain CODE...")
		return exitUsage
	}
	status := exitOK
	for _, code := range args {
		r := diagnostics.Lookup(strings.ToUpper(code))
		if r == nil {
			fmt.Fprintf(stderr, "ftls: no rule %q; `ftls rules` lists them\n", code)
			status = exitUsage
			continue
		}
		fmt.Fprintln(stdout, report.RuleMarkdown(r))
	}
	return status
}
