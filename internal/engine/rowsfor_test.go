package engine

import (
	"testing"
)

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
