package engine

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/config"
)

var (
	benchOnce sync.Once
	benchData []byte
	benchErr  error
)

// benchDataset returns the synthetic dataset of bench/gen (20,000 rows by
// default, FTLS_BENCH_ROWS to change it), generated once per process, or
// the file named by FTLS_BENCH_FILE.
func benchDataset(b *testing.B) []byte {
	benchOnce.Do(func() {
		if path := os.Getenv("FTLS_BENCH_FILE"); path != "" {
			benchData, benchErr = os.ReadFile(path)
			return
		}
		rows := 20000
		if s := os.Getenv("FTLS_BENCH_ROWS"); s != "" {
			if rows, benchErr = strconv.Atoi(s); benchErr != nil {
				return
			}
		}
		out := filepath.Join(b.TempDir(), "data.jsonl")
		cmd := exec.Command("go", "run", "../../bench/gen", "-rows", strconv.Itoa(rows), "-seed", "1", "-o", out)
		cmd.Stderr = os.Stderr
		if benchErr = cmd.Run(); benchErr != nil {
			return
		}
		benchData, benchErr = os.ReadFile(out)
	})
	if benchErr != nil {
		b.Fatal(benchErr)
	}
	return benchData
}

// BenchmarkCheckRowRules measures the row rules of `ftls check` (J, C and
// Q001, as bench/check.sh's "ftls" row) over an in-memory dataset, so that
// reading the file is left out.
func BenchmarkCheckRowRules(b *testing.B) {
	s := diagnostics.DefaultSettings()
	for code, sev := range map[string]string{"Q": "off", "D": "off", "B": "off", "Q001": "warning"} {
		if err := config.SetSeverity(s, code, sev); err != nil {
			b.Fatal(err)
		}
	}
	benchCheck(b, s)
}

// BenchmarkCheckAll measures every rule, near-duplicates included.
func BenchmarkCheckAll(b *testing.B) { benchCheck(b, diagnostics.DefaultSettings()) }

func benchCheck(b *testing.B, s *diagnostics.Settings) {
	data := benchDataset(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := Check(context.Background(), "bench", bytes.NewReader(data), Options{Settings: s, SizeHint: int64(len(data))}); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time, unlike wall time, does not grow when other processes take
	// the cores: compare it between runs on a busy machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

// cpuTime returns the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFileRulesAfterEdit measures what the language server does after
// an edit of one row: the file rules (duplicates, near-duplicates, balance,
// quality) run again over the row summaries, with the near-duplicate index
// kept in a FileState. Each round swaps the summary of one row for another
// row's, as if the row had been retyped.
func BenchmarkFileRulesAfterEdit(b *testing.B) {
	data := benchDataset(b)
	s := diagnostics.DefaultSettings()
	res, err := Check(context.Background(), "bench", bytes.NewReader(data), Options{Settings: s})
	if err != nil {
		b.Fatal(err)
	}
	rows := res.Rows
	var st FileState
	st.Update(rows)
	st.Run("bench", nil, s)
	edited, other := len(rows)/2, len(rows)/3
	versions := [2]diagnostics.RowInfo{rows[edited], rows[other]}
	versions[1].Span, versions[1].Offset = rows[edited].Span, rows[edited].Offset
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		st.Set(edited, versions[n%2])
		n++
		st.Run("bench", nil, s)
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}

// BenchmarkFirstFullCheck measures the language server's first full check
// of a document whose rows are checked: the summaries gathered, the
// near-duplicate index and the groups built, the file rules run
// (FileState.CheckDoc with a fresh state). With FTLS_BENCH_FILE set to a
// million-row file, this is what follows the rows when such a document
// opens.
func BenchmarkFirstFullCheck(b *testing.B) {
	d := NewDoc(SplitLines(benchDataset(b)))
	s := diagnostics.DefaultSettings()
	if err := CheckLines(context.Background(), d, s, 0, d.Len()); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		new(FileState).CheckDoc("bench", d, s)
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
}
