package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkDiscoverFolder discovers the plan of every file of a folder of
// n datasets, as a folder scan does; the time per file must not grow with
// n (it did: each discovery re-read the listing, so 10k files took 146 s).
func BenchmarkDiscoverFolder(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			os.WriteFile(filepath.Join(dir, "a.plan.yaml"), []byte("version: 1\noutput:\n  train: f0.jsonl\n"), 0o644)
			files := make([]string, n)
			for i := range files {
				files[i] = filepath.Join(dir, fmt.Sprintf("f%d.jsonl", i))
				os.WriteFile(files[i], []byte("{}\n"), 0o644)
			}
			// Old enough for the cache (see cacheSettle).
			old := time.Now().Add(-time.Minute)
			os.Chtimes(dir, old, old)
			os.Chtimes(filepath.Join(dir, "a.plan.yaml"), old, old)
			b.ResetTimer()
			for range b.N {
				for _, f := range files {
					if _, err := Discover(f); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/file")
		})
	}
}

// A plan added to a folder is seen at once, cache or not.
func TestDiscoverSeesNewPlan(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "x.jsonl")
	os.WriteFile(data, []byte("{}\n"), 0o644)
	old := time.Now().Add(-time.Minute)
	os.Chtimes(dir, old, old)
	if p, _ := Discover(data); p != "" {
		t.Fatalf("plan %s", p)
	}
	os.WriteFile(filepath.Join(dir, "x.plan.yaml"), []byte("version: 1\noutput:\n  train: x.jsonl\n"), 0o644)
	if p, _ := Discover(data); p == "" {
		t.Fatalf("the new plan was not found")
	}
}
