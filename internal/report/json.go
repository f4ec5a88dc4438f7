package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/engine"
)

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

// writeJSON writes the report as one indented JSON document. The
// diagnostics are encoded and written one at a time: a file with a million
// findings made a single document of hundreds of megabytes, then an
// indented copy of it.
func writeJSON(w io.Writer, results []*engine.Result) error {
	files := []jsonFile{}
	for _, r := range results {
		f := jsonFile{Path: r.Path, Rows: r.Tally.Rows, Dominant: r.Dominant.String(), Formats: map[string]int{}}
		for format, n := range r.Formats {
			if n > 0 {
				f.Formats[dataset.Format(format).String()] = n
			}
		}
		files = append(files, f)
	}
	s := Summarize(results)
	summary := jsonSummary{Files: s.Files, Rows: s.Rows, Errors: s.Errors, Warnings: s.Warnings, Notes: s.Infos, Fixable: s.Fix}

	bw := bufio.NewWriterSize(w, 64<<10)
	e := &jsonWriter{w: bw}
	e.raw("{\n  \"files\": ")
	e.value(files, "  ")
	e.raw(",\n  \"diagnostics\": [")
	n := 0
	for _, r := range results {
		for _, d := range r.Diagnostics {
			if n > 0 {
				e.raw(",")
			}
			e.raw("\n    ")
			e.value(jsonDiagnosticOf(r.Path, d), "    ")
			n++
		}
	}
	if n > 0 {
		e.raw("\n  ")
	}
	e.raw("],\n  \"summary\": ")
	e.value(summary, "  ")
	e.raw("\n}\n")
	if e.err != nil {
		return e.err
	}
	return bw.Flush()
}

func jsonDiagnosticOf(path string, d diagnostics.Diagnostic) jsonDiagnostic {
	jd := jsonDiagnostic{
		Path: path, Code: d.Code, Severity: d.Severity.String(), Message: d.Message,
		Line: d.Range.Start.Line + 1, Column: d.Range.Start.Character + 1,
		EndLine: d.Range.End.Line + 1, EndColumn: d.Range.End.Character + 1,
	}
	if d.Fix != nil {
		jd.Fix = d.Fix.Title
	}
	for _, rel := range d.Related {
		p := rel.Path
		if p == "" {
			p = path
		}
		jd.Related = append(jd.Related, jsonRelated{Path: p, Line: rel.Range.Start.Line + 1, Column: rel.Range.Start.Character + 1, Message: rel.Message})
	}
	return jd
}

// jsonWriter writes pieces of one JSON document, keeping the first error.
type jsonWriter struct {
	w    *bufio.Writer
	buf  bytes.Buffer
	encs map[string]*json.Encoder // by indentation prefix, all writing to buf
	err  error
}

func (e *jsonWriter) raw(s string) {
	if e.err == nil {
		_, e.err = e.w.WriteString(s)
	}
}

// value writes v indented as a member of a document indented by two
// spaces, at the depth that prefix gives.
func (e *jsonWriter) value(v any, prefix string) {
	if e.err != nil {
		return
	}
	enc := e.encs[prefix]
	if enc == nil {
		enc = json.NewEncoder(&e.buf)
		enc.SetIndent(prefix, "  ")
		enc.SetEscapeHTML(false)
		if e.encs == nil {
			e.encs = map[string]*json.Encoder{}
		}
		e.encs[prefix] = enc
	}
	e.buf.Reset()
	if e.err = enc.Encode(v); e.err == nil {
		_, e.err = e.w.Write(bytes.TrimSuffix(e.buf.Bytes(), []byte("\n")))
	}
}
