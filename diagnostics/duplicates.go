package diagnostics

// The D family: examples that repeat other examples. Each rule is a file
// of its own (d001_exact_duplicate.go …); this file holds what they share.

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/ftls-dev/ftls/internal/dedup"
)

// pairedRows returns the rows that appear in pairs, in file order.
func pairedRows(pairs []dedup.Pair) []int32 {
	rows := make([]int32, 0, 2*len(pairs))
	for _, p := range pairs {
		rows = append(rows, p.A, p.B)
	}
	slices.Sort(rows)
	return slices.Compact(rows)
}

// Leakage returns the D004 diagnostics of a validation file whose rows are
// valid against a training file at trainPath with rows train.
func Leakage(s *Settings, trainPath string, train, valid []RowInfo) []Diagnostic {
	sev := s.Severity("D004")
	if sev == Off {
		return nil
	}
	byPrint := map[uint64]int{}
	for i, r := range train {
		if r.Fingerprint != 0 {
			if _, ok := byPrint[r.Fingerprint]; !ok {
				byPrint[r.Fingerprint] = i
			}
		}
	}
	name := "the training file"
	if trainPath != "" {
		name += " " + filepath.Base(trainPath)
	}
	var out []Diagnostic
	report := func(v, t int, msg string) {
		out = append(out, Diagnostic{
			Code: "D004", Severity: sev, Message: msg,
			Range: valid[v].Range(), Offset: valid[v].Offset,
			Related: []Related{{Path: trainPath, Range: train[t].Range(), Message: "the training example"}},
		})
	}
	leaked := map[int]bool{}
	for i, r := range valid {
		if t, ok := byPrint[r.Fingerprint]; ok && r.Fingerprint != 0 {
			leaked[i] = true
			report(i, t, fmt.Sprintf("also in %s at line %d", name, train[t].Range().Start.Line+1))
		}
	}
	// Near duplicates: one LSH pass over both files, keeping only pairs
	// that cross from validation to training.
	sigs := make([]*dedup.Signature, 0, len(train)+len(valid))
	for _, r := range train {
		sigs = append(sigs, r.Sig)
	}
	for _, r := range valid {
		sigs = append(sigs, r.Sig)
	}
	n := int32(len(train))
	cross := func(a, b int32) bool { return (a < n) == (b < n) || leaked[int(max(a, b)-n)] }
	best := map[int32]dedup.Pair{}
	for _, p := range dedup.Near(sigs, s.NearDuplicate, cross) {
		v := max(p.A, p.B) - n
		if b, ok := best[v]; !ok || p.Similarity > b.Similarity {
			best[v] = p
		}
	}
	for i := range valid {
		if p, ok := best[int32(i)]; ok {
			t := int(min(p.A, p.B))
			report(i, t, fmt.Sprintf("near-duplicate of %s at line %d (similarity %.2f)", name, train[t].Range().Start.Line+1, p.Similarity))
		}
	}
	return out
}
