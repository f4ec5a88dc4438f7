package diagnostics

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// groupRows are 100,000 row summaries keyed as a generated file's are:
// nearly all fingerprints, prompts and answers distinct, openings from a
// few thousand, ten categories.
func groupRows() []RowInfo {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := make([]RowInfo, 100000)
	for i := range rows {
		r := &rows[i]
		r.Object = true
		r.Fingerprint, r.Prompt, r.Answer, r.AnswerKey = rng.Uint64()%90000+1, rng.Uint64(), rng.Uint64(), rng.Uint64()
		r.Opening = openings[rng.IntN(len(openings))]
		r.Category = [...]string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}[i%10]
	}
	return rows
}

func BenchmarkNewGroups(b *testing.B) {
	rows := groupRows()
	for b.Loop() {
		NewGroups(rows)
	}
}

// TestNewGroupsMatchesSet holds NewGroups, which fills one kind of key at
// a time, to groups built row by row through Set, as the server's edits
// do: the same groups, counts and categories.
func TestNewGroupsMatchesSet(t *testing.T) {
	rows := groupRows()[:20000]
	rng := rand.New(rand.NewPCG(3, 3))
	for i := range rows {
		// Keys left out (0, or no answer, opening or category) too.
		switch rng.IntN(8) {
		case 0:
			rows[i].Fingerprint, rows[i].AnswerKey = 0, 0
		case 1:
			rows[i].Answer, rows[i].Opening = 0, ""
		case 2:
			rows[i].Category, rows[i].Object = "", rng.IntN(2) == 0
		}
	}
	got := NewGroups(rows)
	want := NewGroups(make([]RowInfo, len(rows)))
	for i := range rows {
		want.Set(i, &RowInfo{}, &rows[i])
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("NewGroups differs from the same rows set one at a time")
	}
	if got.Openings.shared < 100 || got.Prints.rows == len(rows) {
		t.Fatal("too few shared keys or left-out rows: the test tests little")
	}
}

// BenchmarkNewGroups1M groups 1M rows whose keys are mostly distinct, one in
// ten shared with another row, as in the server's first full check of a
// large document.
func BenchmarkNewGroups1M(b *testing.B) {
	rnd := rand.New(rand.NewPCG(5, 6))
	rows := make([]RowInfo, 1_000_000)
	for i := range rows {
		r := &rows[i]
		k := rnd.Uint64() | 1
		if i > 0 && i%10 == 0 {
			k = rows[rnd.IntN(i)].Fingerprint
		}
		r.Object, r.Fingerprint, r.Prompt, r.Answer, r.AnswerKey = true, k, k^2, k^4, k^8
		r.Opening = openings[k%uint64(len(openings))]
		r.Category = "c"
	}
	b.ResetTimer()
	for b.Loop() {
		NewGroups(rows)
	}
}

// openings are the answers' openings the grouping tests and benchmarks
// draw from: a few thousand, as real files have.
var openings = func() []string {
	out := make([]string, 5000)
	for i := range out {
		out[i] = fmt.Sprintf("opening %d of answers", i)
	}
	return out
}()
