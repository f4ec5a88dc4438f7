package split_test

import (
	"io"
	"testing"

	"github.com/ftls-dev/ftls/internal/split"
)

// BenchmarkSplit measures the split itself (Assign: clusters, stratified
// assignment and the leakage check; then Write: copying the rows) on
// 100,000 generated rows that were checked once beforehand. `ftls split`
// adds the check of the file, which bench/check.sh times against
// `ftls check`.
func BenchmarkSplit(b *testing.B) {
	data := gen(99, 100_000)
	in := check(b, "train.jsonl", data)
	term := split.Terminator(in.Rows)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		res, err := split.Assign(in.Rows, split.Options{Ratio: 0.1, Seed: 42})
		if err != nil {
			b.Fatal(err)
		}
		if err := split.Write(bytesReader(data), in.Rows, res.Validation, term, io.Discard, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
