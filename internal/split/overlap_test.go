package split

import (
	"strings"
	"testing"
)

func TestOverlap(t *testing.T) {
	long := strings.Repeat("x", 600<<10)   // longer than the read buffer
	edge := strings.Repeat("y", 256<<10-1) // its "\r" ends the first buffer
	cases := []struct {
		train, valid  string
		inTrain, rows int
	}{
		{"a\nb\nc\n", "b\nc\n", 2, 2},
		{"\xEF\xBB\xBFa\r\nb\r\n", "a\n", 1, 1},   // BOM and CRLF aside
		{"a\nb", "b\r\n\n\n", 1, 1},               // no last terminator; blank lines
		{"a\nb\n", "b\nc\nd\n", 1, 3},             // partly
		{"a\n" + long + "\n", long + "\n", 1, 1},  // a long row
		{"a\n" + long + "y\n", long + "\n", 0, 1}, // differs at the end
		{"a\n", "", 0, 0},                         // empty validation file
		{"a\r\n", "a\r\r\n", 0, 1},                // a '\r' inside the row counts
		{"b\nb\n", "b\nb\n", 2, 2},
		{"a\n" + long + "\r\n", long + "\n", 1, 1},
		{edge + "\r\n", edge + "\n", 1, 1},
		{edge + "\rz\n", edge + "\n", 0, 1}, // exact duplicates stay together
	}
	for _, c := range cases {
		in, n, err := Overlap(strings.NewReader(c.train), strings.NewReader(c.valid))
		if err != nil || in != c.inTrain || n != c.rows {
			t.Errorf("Overlap(%.20q, %.20q) = %d, %d, %v; want %d, %d", c.train, c.valid, in, n, err, c.inTrain, c.rows)
		}
	}
}
