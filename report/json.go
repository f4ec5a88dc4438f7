package report

import (
	"encoding/json"
	"io"

	"github.com/ftls-dev/ftls/dataset"
	"github.com/ftls-dev/ftls/engine"
)

type jsonOutput struct {
	Files       []jsonFile       `json:"files"`
	Diagnostics []jsonDiagnostic `json:"diagnostics"`
	Summary     jsonSummary      `json:"summary"`
}

type jsonFile struct {
	Path     string         `json:"path"`
	Rows     int            `json:"rows"`
	Dominant string         `json:"dominantFormat"`
	Formats  map[string]int `json:"formats"`
}

type jsonDiagnostic struct {
	Path      string        `json:"path"`
	Line      int           `json:"line"`
	Column    int           `json:"column"`
	EndLine   int           `json:"endLine"`
	EndColumn int           `json:"endColumn"`
	Code      string        `json:"code"`
	Severity  string        `json:"severity"`
	Message   string        `json:"message"`
	Fix       string        `json:"fix,omitempty"`
	Related   []jsonRelated `json:"related,omitempty"`
}

type jsonRelated struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

type jsonSummary struct {
	Files    int `json:"files"`
	Rows     int `json:"rows"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
	Fixable  int `json:"fixable"`
}

func writeJSON(w io.Writer, results []*engine.Result) error {
	out := jsonOutput{Files: []jsonFile{}, Diagnostics: []jsonDiagnostic{}}
	for _, r := range results {
		f := jsonFile{Path: r.Path, Rows: r.Tally.Rows, Dominant: r.Dominant.String(), Formats: map[string]int{}}
		for format, n := range r.Formats {
			if n > 0 {
				f.Formats[dataset.Format(format).String()] = n
			}
		}
		out.Files = append(out.Files, f)
		for _, d := range r.Diagnostics {
			jd := jsonDiagnostic{
				Path: r.Path, Code: d.Code, Severity: d.Severity.String(), Message: d.Message,
				Line: d.Range.Start.Line + 1, Column: d.Range.Start.Character + 1,
				EndLine: d.Range.End.Line + 1, EndColumn: d.Range.End.Character + 1,
			}
			if d.Fix != nil {
				jd.Fix = d.Fix.Title
			}
			for _, rel := range d.Related {
				p := rel.Path
				if p == "" {
					p = r.Path
				}
				jd.Related = append(jd.Related, jsonRelated{Path: p, Line: rel.Range.Start.Line + 1, Column: rel.Range.Start.Character + 1, Message: rel.Message})
			}
			out.Diagnostics = append(out.Diagnostics, jd)
		}
	}
	s := Summarize(results)
	out.Summary = jsonSummary{Files: s.Files, Rows: s.Rows, Errors: s.Errors, Warnings: s.Warnings, Notes: s.Infos, Fixable: s.Fix}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
