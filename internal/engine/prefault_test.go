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

// TestRowsFor: room for the whole file's rows, a tenth over, once 4 MB
// tell the rows' length; nothing before, nor when the size is unknown.
func TestRowsFor(t *testing.T) {
	for _, tt := range []struct {
		size, read int64
		rows, want int
	}{
		{2_324_389_271, 3492, 1, 0},               // one (long) row read: too few to tell
		{2_324_389_271, 4 << 20, 1805, 1_100_400}, // 1M rows of 2.3 KB
		{45_209_520, 4 << 20, 9270, 109_911},      // short rows
		{1 << 20, 1 << 20, 500, 0},                // all read
		{0, 8 << 20, 500, 0},                      // size unknown (standard input)
	} {
		if got := rowsFor(tt.size, tt.read, tt.rows); got < tt.want*999/1000 || got > tt.want*1001/1000 {
			t.Errorf("rowsFor(%d, %d, %d) = %d, want about %d", tt.size, tt.read, tt.rows, got, tt.want)
		}
	}
}
