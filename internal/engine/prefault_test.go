package engine

import (
	"slices"
	"testing"
)

// TestPrefault: the spare capacity reads as zeros and the elements in
// use are untouched, for an element size that is not a power of two.
func TestPrefault(t *testing.T) {
	type elem struct {
		a, b, c int64
		p       *int
	}
	s := make([]elem, 5, 40)
	for i := range s[:cap(s)] {
		s[:cap(s)][i] = elem{a: int64(i) + 1, b: -1, c: 7}
	}
	prefault(s)
	for i, e := range s {
		if e.a != int64(i)+1 {
			t.Fatalf("element %d changed: %+v", i, e)
		}
	}
	for i, e := range s[len(s):cap(s)] {
		if e != (elem{}) {
			t.Fatalf("spare element %d not cleared: %+v", i, e)
		}
	}
	prefault(slices.Clip(s)) // no spare capacity: nothing to do
	prefault([]elem(nil))
}
