package embedding

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// An Index that follows edits row by row finds what a fresh search finds.
func TestIndexFollowsEdits(t *testing.T) {
	c, q := synthetic(600, 64, 3, 4)
	q.Threshold = 0.85
	entries := c.Len()
	var x Index
	rng := rand.New(rand.NewPCG(5, 6))
	for step := range 120 {
		// Point a few rows at other entries (an edit that makes a row say
		// what another says, or something new), or take a vector away.
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(q.Prompt))
			switch rng.IntN(4) {
			case 0:
				q.Prompt[i] = -1
			case 1:
				j := rng.IntN(len(q.Prompt))
				q.Prompt[i], q.Answer[i] = q.Prompt[j], q.Answer[j]
			default:
				q.Prompt[i], q.Answer[i] = int32(rng.IntN(entries)), int32(rng.IntN(entries))
			}
		}
		q.PromptOnly = step%40 >= 20 // a settings change rebuilds
		got := slices.Clone(x.Pairs(c, q))
		want := c.Pairs(q)
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: the index has %d pairs, a fresh search %d", step, len(got), len(want))
		}
		if step == 0 && len(want) < 50 {
			t.Fatalf("only %d pairs to follow", len(want))
		}
	}
}

func BenchmarkIndexEdit(b *testing.B) {
	c, q := synthetic(10000, 1536, 5, 9)
	var x Index
	x.Pairs(c, q)
	b.ResetTimer()
	for k := range b.N {
		i := k % len(q.Prompt)
		q.Prompt[i], q.Prompt[(i+1)%len(q.Prompt)] = q.Prompt[(i+1)%len(q.Prompt)], q.Prompt[i]
		x.Pairs(c, q)
	}
}
