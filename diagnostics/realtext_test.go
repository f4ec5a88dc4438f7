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

// benchTexts returns one in n of realTexts, n chosen to keep about 1 MB of
// text: the rules read a row's text while the parser has just brought it
// into the cache, and a benchmark over 32 MB would mostly measure the
// first search's wait for memory.
func benchTexts(b *testing.B) []realText {
	texts := realTexts(b)
	total := 0
	for _, t := range texts {
		total += len(t.text)
	}
	n := max(1, total/(1<<20))
	var out []realText
	for k := 0; k < len(texts); k += n {
		out = append(out, texts[k])
	}
	return out
}

// The benchmarks of the three rules' searches run them as the rules do,
// over real text: FTLS_BENCH_FILE=bench/out/prose-100k.jsonl go test
// -bench 'Find(Boilerplate|Placeholder|TemplateMarker)$' ./diagnostics/.

func BenchmarkFindBoilerplate(b *testing.B) {
	benchSearch(b, func(t realText) []byte {
		if t.span || t.role != "assistant" {
			return nil
		}
		return t.text[:min(len(t.text), boilerplateSpan)]
	}, func(t realText) { findBoilerplate(t.text) })
}

func BenchmarkFindPlaceholder(b *testing.B) {
	benchSearch(b, func(t realText) []byte {
		if t.span || t.role == "system" {
			return nil
		}
		return t.text
	}, func(t realText) {
		findPlaceholder(t.text, t.role == "assistant", nil, func(int, []byte) bool { return false })
	})
}

func BenchmarkFindTemplateMarker(b *testing.B) {
	benchSearch(b, func(t realText) []byte {
		if !t.span || t.role != "user" && t.role != "assistant" {
			return nil
		}
		return t.text
	}, func(t realText) { findTemplateMarker(t.text, t.role == "assistant", nil) })
}

// benchSearch runs search over the part of each bench text that pick
// returns (nil to leave the text out), and reports the bytes searched and
// the CPU time per pass (cpu-ns/op), which unlike wall time does not grow
// when other processes take the cores.
func benchSearch(b *testing.B, pick func(realText) []byte, search func(realText)) {
	var texts []realText
	n := 0
	for _, t := range benchTexts(b) {
		if t.text = pick(t); t.text != nil {
			texts, n = append(texts, t), n+len(t.text)
		}
	}
	b.SetBytes(int64(n))
	cpu0 := cpuTime()
	for b.Loop() {
		for _, t := range texts {
			search(t)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}
