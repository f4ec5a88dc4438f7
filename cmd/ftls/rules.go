package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/report"
)

func runRules(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("rules", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	markdown := fs.Bool("markdown", false, "print every rule's full documentation as Markdown (docs/rules.md)")
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
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
