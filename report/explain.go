package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
)

// RuleMarkdown renders a rule's documentation as Markdown, the text of
// `ftls explain`, SARIF help and docs/rules.md.
func RuleMarkdown(r *diagnostics.Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s\n\n", r.Code, r.Name)
	fmt.Fprintf(&b, "Default severity: %s. Automatic fix: %s.\n\n", r.Severity, yesNo(r.Fixable))
	fmt.Fprintf(&b, "### What it finds\n\n%s\n\n", r.Doc.What)
	fmt.Fprintf(&b, "### Why it matters\n\n%s\n\n", r.Doc.Why)
	lang := "json"
	if strings.HasPrefix(r.Code, "P") || strings.HasPrefix(r.Code, "B") {
		lang = "yaml" // plan rules show plan snippets
	}
	fmt.Fprintf(&b, "### Example\n\n```%s\n%s\n```\n\n", lang, r.Doc.Bad)
	fmt.Fprintf(&b, "### Instead\n\n```%s\n%s\n```\n\n", lang, r.Doc.Good)
	fmt.Fprintf(&b, "### Fix\n\n%s\n", r.Doc.Fix)
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// WriteRules prints the catalog as a table, one rule a line.
func WriteRules(w io.Writer, rules []*diagnostics.Rule) error {
	for _, r := range rules {
		fix := ""
		if r.Fixable {
			fix = "fix"
		}
		if _, err := fmt.Fprintf(w, "%-5s %-8s %-4s %-24s %s\n", r.Code, r.Severity, fix, r.Name, r.Summary); err != nil {
			return err
		}
	}
	return nil
}
