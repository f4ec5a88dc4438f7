// Package report renders check results for people and machines: plain
// text lines, JSON, SARIF 2.1.0 for code scanning, and GitHub Actions
// workflow commands.
//
// Lines and columns are printed one-based; columns count UTF-16 code units,
// exactly as the language server reports them, so the CLI and the editor
// agree on every position.
package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

// Formats lists the output formats, the default first.
var Formats = []string{"text", "json", "sarif", "github"}

// Write renders results in format.
func Write(w io.Writer, format string, results []*engine.Result, version string) error {
	switch format {
	case "text", "":
		return WriteText(w, results, false)
	case "json":
		return writeJSON(w, results)
	case "sarif":
		return writeSARIF(w, results, version)
	case "github":
		return writeGitHub(w, results)
	}
	return fmt.Errorf("unknown format %q (want text, json, sarif or github)", format)
}

// WriteText renders results one line per finding, as compilers and
// linters do: `file:line:column: severity CODE message`. With color the
// severity is coloured (red errors, yellow warnings, blue notes) and the
// location and code are bold, for a terminal.
func WriteText(w io.Writer, results []*engine.Result, color bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	for _, r := range results {
		for _, d := range r.Diagnostics {
			loc := fmt.Sprintf("%s:%d:%d:", r.Path, d.Range.Start.Line+1, d.Range.Start.Character+1)
			sev, code := d.Severity.String(), d.Code
			if color {
				loc, sev, code = bold+loc+reset, severityColor(d.Severity)+sev+reset, bold+code+reset
			}
			if _, err := fmt.Fprintf(bw, "%s %s %s %s\n", loc, sev, code, d.Message); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}

// ANSI escapes of the text format's colours.
const (
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
	red    = "\x1b[1;31m"
	yellow = "\x1b[1;33m"
	blue   = "\x1b[1;34m"
)

func severityColor(s diagnostics.Severity) string {
	switch s {
	case diagnostics.Error:
		return red
	case diagnostics.Warning:
		return yellow
	}
	return blue
}

// Summary counts diagnostics by severity over all results.
type Summary struct {
	Files, Rows                  int
	Errors, Warnings, Infos, Fix int
}

// Summarize counts results.
func Summarize(results []*engine.Result) Summary {
	var s Summary
	for _, r := range results {
		s.Files++
		s.Rows += r.Tally.Rows
		for _, d := range r.Diagnostics {
			switch d.Severity {
			case diagnostics.Error:
				s.Errors++
			case diagnostics.Warning:
				s.Warnings++
			default:
				s.Infos++
			}
			if d.Fix != nil && !d.Fix.Model {
				s.Fix++
			}
		}
	}
	return s
}

// String renders the summary as one line for a terminal.
func (s Summary) String() string {
	line := fmt.Sprintf("%s, %s, %s in %s (%s)",
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "note"),
		plural(s.Files, "file"), plural(s.Rows, "row"))
	if s.Fix > 0 {
		line += fmt.Sprintf("; %d fixable with `ftls fix`", s.Fix)
	}
	return line
}

func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// usedRules returns the rules that have diagnostics in results, by code.
func usedRules(results []*engine.Result) []*diagnostics.Rule {
	seen := map[string]bool{}
	for _, r := range results {
		for _, d := range r.Diagnostics {
			seen[d.Code] = true
		}
	}
	var out []*diagnostics.Rule
	for code := range seen {
		if r := diagnostics.Lookup(code); r != nil {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
