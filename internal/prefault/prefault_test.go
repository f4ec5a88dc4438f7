package prefault

import (
	"slices"
	"testing"
)

// TestSpare: the spare capacity reads as zeros and the elements in use
// are untouched, for an element size that is not a power of two.
func TestSpare(t *testing.T) {
	type elem struct {
		a, b, c int64
		p       *int
	}
	s := make([]elem, 5, 40)
	for i := range s[:cap(s)] {
		s[:cap(s)][i] = elem{a: int64(i) + 1, b: -1, c: 7}
	}
	Spare(s)
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
	Spare(slices.Clip(s)) // no spare capacity: nothing to do
	Spare([]elem(nil))
}

func TestMake(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 1 << 20} {
		s := Make[uint32](n)
		if len(s) != n {
			t.Fatalf("Make(%d) has %d elements", n, len(s))
		}
		for i, v := range s {
			if v != 0 {
				t.Fatalf("Make(%d)[%d] = %d", n, i, v)
			}
		}
	}
}
