package dataset

import (
	"testing"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// TestRowRangeCRLF: in a row that spans lines ended by "\r\n" (a value
// pretty-printed over several lines), a byte of the terminator is placed
// at the end of its line's content, never a column past it; a lone "\r"
// is text, and takes a column.
func TestRowRangeCRLF(t *testing.T) {
	pos := func(line, char int) textpos.Position { return textpos.Position{Line: line, Character: char} }
	row := Row{Line: 4, Text: []byte("{ \"\r\n}\ra\r\n")}
	for _, tt := range []struct {
		start, end int
		want       textpos.Range
	}{
		{3, 4, textpos.Range{Start: pos(4, 3), End: pos(4, 3)}}, // the "\r" of "\r\n"
		{4, 5, textpos.Range{Start: pos(4, 3), End: pos(5, 0)}}, // its "\n"
		{2, 5, textpos.Range{Start: pos(4, 2), End: pos(5, 0)}},
		{3, 6, textpos.Range{Start: pos(4, 3), End: pos(5, 1)}},
		{6, 8, textpos.Range{Start: pos(5, 1), End: pos(5, 3)}}, // a lone "\r" and "a"
		{9, 10, textpos.Range{Start: pos(5, 3), End: pos(6, 0)}},
		{-1, 99, textpos.Range{Start: pos(4, 0), End: pos(6, 0)}},
	} {
		if got := row.Range(tt.start, tt.end); got != tt.want {
			t.Errorf("Range(%d, %d) = %v, want %v", tt.start, tt.end, got, tt.want)
		}
	}
	if got := row.Position(4); got != pos(4, 3) {
		t.Errorf("Position(4) = %v, want %v", got, pos(4, 3))
	}
}
