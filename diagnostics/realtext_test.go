package diagnostics

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// realText is the text of a turn (as Q003 and Q004 read it) or of a span
// (as Q010 does), with its role.
type realText struct {
	role string
	text []byte
	span bool // a span's text rather than a turn's
}

// realTexts returns the turns and spans of real rows: those of the file
// FTLS_BENCH_FILE names (its first 32 MB), else every file of the public
// datasets in ../shared/datasets. The fast paths' tests and benchmarks
// read them, so that they see the byte mix of real text.
func realTexts(tb testing.TB) []realText {
	var files []string
	limit := int64(1) << 62
	if f := os.Getenv("FTLS_BENCH_FILE"); f != "" {
		files, limit = []string{f}, 32<<20
	} else {
		files, _ = filepath.Glob(filepath.Join("..", "..", "shared", "datasets", "*.json*"))
	}
	var out []realText
	var p jsonpos.Parser
	s := DefaultSettings()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var rows []dataset.Row
		if strings.HasSuffix(f, ".json") {
			if rows, _, err = dataset.ReadArray(data); err != nil {
				tb.Fatalf("%s: %v", f, err)
			}
		} else {
			for line := range bytes.Lines(data[:min(int64(len(data)), limit)]) {
				rows = append(rows, dataset.Row{Text: bytes.TrimRight(line, "\r\n")})
			}
		}
		for i := range rows {
			c := NewRowContext(&rows[i], &p, s)
			for _, t := range c.Turns() {
				out = append(out, realText{role: t.Role, text: bytes.Clone(t.Text)})
			}
			for _, sp := range c.spans() {
				out = append(out, realText{role: sp.role, text: bytes.Clone(sp.text), span: true})
			}
		}
	}
	if len(out) == 0 {
		tb.Skip("no real text: neither FTLS_BENCH_FILE nor ../shared/datasets")
	}
	return out
}

// The benchmarks of the three rules' searches run them as the rules do,
// over real text: FTLS_BENCH_FILE=bench/out/prose-100k.jsonl go test
// -bench 'Find(Boilerplate|Placeholder|TemplateMarker)$' ./diagnostics/.

func BenchmarkFindBoilerplate(b *testing.B) {
	texts := realTexts(b)
	for b.Loop() {
		for _, t := range texts {
			if !t.span && t.role == "assistant" {
				findBoilerplate(t.text[:min(len(t.text), boilerplateSpan)])
			}
		}
	}
}

func BenchmarkFindPlaceholder(b *testing.B) {
	texts := realTexts(b)
	for b.Loop() {
		for _, t := range texts {
			if !t.span && t.role != "system" {
				findPlaceholder(t.text, t.role == "assistant", func(int, []byte) bool { return false })
			}
		}
	}
}

func BenchmarkFindTemplateMarker(b *testing.B) {
	texts := realTexts(b)
	for b.Loop() {
		for _, t := range texts {
			if t.span && (t.role == "user" || t.role == "assistant") {
				findTemplateMarker(t.text, t.role == "assistant")
			}
		}
	}
}
