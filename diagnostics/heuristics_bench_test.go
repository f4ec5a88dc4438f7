package diagnostics

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// benchRows parses real rows for the rule benchmarks: the first 20,000 of
// the JSON Lines file FTLS_BENCH_FILE names (bench/out's datasets), else
// every row of the public datasets. Each row keeps its own parser, so that
// its values stay valid. Rows that do not parse are left out.
func benchRows(tb testing.TB) []*RowContext {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "datasets", "*.jsonl"))
	limit := 1 << 30
	if f := os.Getenv("FTLS_BENCH_FILE"); f != "" {
		files, limit = []string{f}, 20000
	}
	s := DefaultSettings()
	var rows []*RowContext
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 64<<20)
		for sc.Scan() && len(rows) < limit {
			line := bytes.Clone(bytes.TrimRight(sc.Bytes(), "\r"))
			c := NewRowContext(&dataset.Row{Text: line}, &jsonpos.Parser{}, s)
			if c.ParseErr == nil && !c.Blank {
				c.spans()
				rows = append(rows, c)
			}
		}
		f.Close()
	}
	if len(rows) == 0 {
		tb.Skip("no rows")
	}
	return rows
}

// BenchmarkRowRules runs each content rule alone over the same rows, and
// groups of them together as a check runs them, where they share what
// their spans remember (brackets). In a check the rules run on a row just
// parsed, in the cache: the rows are taken 64 at a time, each group three
// times over.
func BenchmarkRowRules(b *testing.B) {
	rows := benchRows(b)
	for _, r := range []struct {
		name  string
		check func(*RowContext)
	}{
		{"J006", checkLoneSurrogates},
		{"Q004+Q010+Q011", func(c *RowContext) { checkPlaceholders(c); checkTemplateLeakage(c); checkUnseenContent(c) }},
		{"Q003+Q004+Q007+Q010+Q011+Q012+Q013", func(c *RowContext) {
			checkBoilerplate(c)
			checkPlaceholders(c)
			checkSecrets(c)
			checkTemplateLeakage(c)
			checkUnseenContent(c)
			checkDamagedText(c)
			checkRepetition(c)
		}},
		{"Q003", checkBoilerplate},
		{"Q004", checkPlaceholders},
		{"Q010", checkTemplateLeakage},
		{"Q007", checkSecrets},
		{"Q011", checkUnseenContent},
		{"Q012", checkDamagedText},
		{"Q013", checkRepetition},
	} {
		b.Run(r.name, func(b *testing.B) {
			cpu0 := cpuTime()
			for b.Loop() {
				for group := range slices.Chunk(rows, 64) {
					for range 3 {
						for _, c := range group {
							// As for a row just read: no findings, and
							// no search its spans remember.
							c.diags = c.diags[:0]
							for k := range c.spanList {
								c.spanList[k].open = brackets{}
							}
							r.check(c)
						}
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}

// BenchmarkTriggerPrefilter weighs one pass over each span's text, shared
// by the content rules, that notes which of the bytes their searches start
// from ("{[<#/:DX", those of Q004, Q010 and Q011) the text holds, against
// a vectorised search for each byte. "searches" runs the eight searches;
// "pass" the pass, and then a search for each byte present only; "short"
// the pass on texts under 128 bytes and the searches on longer ones. The
// rows are taken as BenchmarkRowRules takes them.
func BenchmarkTriggerPrefilter(b *testing.B) {
	rows := benchRows(b)
	triggers := []byte("{[<#/:DX")
	var class [256]uint8
	for k, c := range triggers {
		class[c] = 1 << k
	}
	searches := func(text []byte) (n int) {
		for _, c := range triggers {
			n += bytes.IndexByte(text, c)
		}
		return n
	}
	pass := func(text []byte) (n int) {
		var m0, m1, m2, m3 uint8
		i := 0
		for ; i+4 <= len(text); i += 4 {
			m0 |= class[text[i]]
			m1 |= class[text[i+1]]
			m2 |= class[text[i+2]]
			m3 |= class[text[i+3]]
		}
		for ; i < len(text); i++ {
			m0 |= class[text[i]]
		}
		m := m0 | m1 | m2 | m3
		for k, c := range triggers {
			if m>>k&1 != 0 {
				n += bytes.IndexByte(text, c)
			}
		}
		return n
	}
	for _, r := range []struct {
		name string
		scan func([]byte) int
	}{
		{"searches", searches},
		{"pass", pass},
		{"short", func(text []byte) int {
			if len(text) < 128 {
				return pass(text)
			}
			return searches(text)
		}},
	} {
		b.Run(r.name, func(b *testing.B) {
			sum, cpu0 := 0, cpuTime()
			for b.Loop() {
				for group := range slices.Chunk(rows, 64) {
					for range 3 {
						for _, c := range group {
							for _, s := range c.spans() {
								sum += r.scan(s.text)
							}
						}
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
			if sum == 0 {
				b.Log("no text")
			}
		})
	}
}
