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

// BenchmarkRowRules runs each content rule alone over the same rows. In a
// check the rules run on a row just parsed, in the cache: the rows are
// taken 64 at a time, each group three times over.
func BenchmarkRowRules(b *testing.B) {
	rows := benchRows(b)
	for _, r := range []struct {
		name  string
		check func(*RowContext)
	}{
		{"J006", checkLoneSurrogates},
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
							c.diags = c.diags[:0]
							r.check(c)
						}
					}
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
