package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"

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
			e.diagnostic(jsonDiagnosticOf(r.Path, d), "    ")
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
	// scratch is where diagnostic builds each finding.
	scratch []byte
	err     error
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

// diagnostic writes d as value does, with the fields written directly:
// encoding/json's reflection and re-indenting took most of the time of
// writing a report of thousands of findings.
func (e *jsonWriter) diagnostic(d jsonDiagnostic, prefix string) {
	if e.err != nil {
		return
	}
	e.scratch = appendDiagnostic(e.scratch[:0], &d, prefix)
	_, e.err = e.w.Write(e.scratch)
}

// appendDiagnostic appends d as a json.Encoder set to indent by prefix
// and two spaces, and not to escape HTML, encodes it, without the final
// newline.
func appendDiagnostic(b []byte, d *jsonDiagnostic, prefix string) []byte {
	in := prefix + "  "
	b = append(b, '{')
	b = appendMember(b, in, "path", d.Path, true)
	b = appendIntMember(b, in, "line", d.Line)
	b = appendIntMember(b, in, "column", d.Column)
	b = appendIntMember(b, in, "endLine", d.EndLine)
	b = appendIntMember(b, in, "endColumn", d.EndColumn)
	b = appendMember(b, in, "code", d.Code, false)
	b = appendMember(b, in, "severity", d.Severity, false)
	b = appendMember(b, in, "message", d.Message, false)
	if d.Fix != "" {
		b = appendMember(b, in, "fix", d.Fix, false)
	}
	if len(d.Related) > 0 {
		b = append(b, ",\n"...)
		b = append(b, in...)
		b = append(b, `"related": [`...)
		in2, in3 := in+"  ", in+"    "
		for i, r := range d.Related {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '\n')
			b = append(b, in2...)
			b = append(b, '{')
			b = appendMember(b, in3, "path", r.Path, true)
			b = appendIntMember(b, in3, "line", r.Line)
			b = appendIntMember(b, in3, "column", r.Column)
			b = appendMember(b, in3, "message", r.Message, false)
			b = append(b, '\n')
			b = append(b, in2...)
			b = append(b, '}')
		}
		b = append(b, '\n')
		b = append(b, in...)
		b = append(b, ']')
	}
	b = append(b, '\n')
	b = append(b, prefix...)
	return append(b, '}')
}

// appendMember appends a string member on a line of its own, after a
// comma unless it is the first.
func appendMember(b []byte, indent, name, value string, first bool) []byte {
	b = memberName(b, indent, name, first)
	return appendJSONString(b, value)
}

func appendIntMember(b []byte, indent, name string, value int) []byte {
	b = memberName(b, indent, name, false)
	return strconv.AppendInt(b, int64(value), 10)
}

func memberName(b []byte, indent, name string, first bool) []byte {
	if !first {
		b = append(b, ',')
	}
	b = append(b, '\n')
	b = append(b, indent...)
	b = append(b, '"')
	b = append(b, name...)
	return append(b, `": `...)
}

// appendJSONString appends s quoted as encoding/json quotes it without
// escaping HTML. Printable ASCII other than quotes and backslashes, most
// text, is copied; anything else goes through encoding/json, so that
// every escape is its own.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7E || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
