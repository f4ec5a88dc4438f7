package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

// writeGitHub prints GitHub Actions workflow commands, which the runner
// turns into annotations on the pull request's changed lines.
func writeGitHub(w io.Writer, results []*engine.Result) error {
	for _, r := range results {
		for _, d := range r.Diagnostics {
			level := "notice"
			switch d.Severity {
			case diagnostics.Error:
				level = "error"
			case diagnostics.Warning:
				level = "warning"
			}
			_, err := fmt.Fprintf(w, "::%s file=%s,line=%d,col=%d,endLine=%d,endColumn=%d,title=%s::%s\n",
				level, escapeProperty(r.Path), d.Range.Start.Line+1, d.Range.Start.Character+1,
				d.Range.End.Line+1, d.Range.End.Character+1, escapeProperty(d.Code), escapeData(d.Message))
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// escapeData and escapeProperty follow the escaping of the Actions toolkit
// (@actions/core's command.ts).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
