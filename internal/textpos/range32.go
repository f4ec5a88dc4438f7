package textpos

import "math"

// Range32 is a Range in 16 bytes rather than 32, for the ranges kept by
// the million: the summary the file rules keep of every row holds one,
// and at a million rows the 16 bytes saved are 16 MB in each of the
// summaries' copies. A line or column beyond the int32 range is held as
// math.MaxInt32; the rows' numbers are int32s already (near-duplicate
// pairs, groups), and no row's columns exceed its length, an int32 too.
type Range32 struct {
	StartLine, StartChar, EndLine, EndChar int32
}

// Compact returns r as a Range32.
func Compact(r Range) Range32 {
	return Range32{to32(r.Start.Line), to32(r.Start.Character), to32(r.End.Line), to32(r.End.Character)}
}

func to32(n int) int32 { return int32(min(n, math.MaxInt32)) }

// Range returns r as a Range.
func (r Range32) Range() Range {
	return Range{
		Start: Position{Line: int(r.StartLine), Character: int(r.StartChar)},
		End:   Position{Line: int(r.EndLine), Character: int(r.EndChar)},
	}
}

// MoveLines moves r down by n lines (up for a negative n).
func (r *Range32) MoveLines(n int) {
	r.StartLine = to32(int(r.StartLine) + n)
	r.EndLine = to32(int(r.EndLine) + n)
}
