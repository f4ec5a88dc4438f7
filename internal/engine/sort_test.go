package engine

import (
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// TestSortDiagnosticsMatchesStableSort checks the fast paths of
// sortDiagnostics (already sorted, two sorted runs merged) against a plain
// stable sort, on random findings with many ties.
func TestSortDiagnosticsMatchesStableSort(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	codes := []string{"C001", "D001", "D002", "Q003"}
	random := func(n int) []diagnostics.Diagnostic {
		ds := make([]diagnostics.Diagnostic, n)
		for i := range ds {
			ds[i].Range.Start = textpos.Position{Line: rnd.IntN(20), Character: rnd.IntN(3)}
			ds[i].Code = codes[rnd.IntN(len(codes))]
			ds[i].Message = string(rune('a' + i%26)) // tells equal findings apart
			ds[i].Offset = int64(i)
		}
		return ds
	}
	plain := func(ds []diagnostics.Diagnostic) {
		sort.SliceStable(ds, func(i, j int) bool { return diagLess(&ds[i], &ds[j]) })
	}
	for round := range 500 {
		n := rnd.IntN(60)
		ds := random(n)
		switch round % 3 {
		case 0: // two sorted runs, as after an edit
			k := 0
			if n > 0 {
				k = rnd.IntN(n + 1)
			}
			plain(ds[:k])
			plain(ds[k:])
		case 1: // already sorted
			plain(ds)
		}
		want := make([]diagnostics.Diagnostic, len(ds))
		copy(want, ds)
		plain(want)
		sortDiagnostics(ds)
		if !reflect.DeepEqual(ds, want) {
			t.Fatalf("round %d (%d findings): sortDiagnostics differs from a stable sort", round, n)
		}
	}
}
