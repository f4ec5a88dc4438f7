// Package dataset reads fine-tuning datasets into rows that remember where
// they came from.
//
// A row is one training example: one line of a JSON Lines file, or one
// element of a JSON array file. Every row keeps its byte offset and its LSP
// position so that diagnostics, fixes and editor features can point at the
// exact place in the file. JSON Lines files are read in chunks, so a file of
// any size is streamed with bounded memory; see LineReader.
package dataset

import "github.com/ftls-dev/ftls/internal/textpos"

// Row is one example of a dataset, with its location in the file.
type Row struct {
	Line   int    // zero-based line of the row's first byte
	Col    int    // UTF-16 column of the first byte; 0 except in JSON array files
	Offset int64  // byte offset of Text in the file
	Text   []byte // the row, without its line terminator
	// Term is the length of the line terminator that follows Text in a JSON
	// Lines file: 0 at the end of the file, 1 for "\n", 2 for "\r\n".
	Term int
}

// Start returns the position of the row's first byte.
func (r *Row) Start() textpos.Position {
	return textpos.Position{Line: r.Line, Character: r.Col}
}

// Position returns the position of byte off of Text. A byte of a "\r\n"
// inside Text (a value pretty-printed over several lines) is placed at the
// end of its line: the terminator has no column.
func (r *Row) Position(off int) textpos.Position {
	off = r.clamp(off)
	return textpos.Advance(r.Start(), r.Text[:off])
}

// Range returns the range of Text[start:end].
func (r *Row) Range(start, end int) textpos.Range {
	start = r.clamp(start)
	s := textpos.Advance(r.Start(), r.Text[:start])
	end = max(r.clamp(end), start)
	return textpos.Range{Start: s, End: textpos.Advance(s, r.Text[start:end])}
}

// clamp returns off within Text, moved off the "\n" of a "\r\n" onto its
// "\r", the end of the line's content.
func (r *Row) clamp(off int) int {
	off = min(max(off, 0), len(r.Text))
	if off > 0 && off < len(r.Text) && r.Text[off] == '\n' && r.Text[off-1] == '\r' {
		off--
	}
	return off
}

// FullRange returns the range of the whole row.
func (r *Row) FullRange() textpos.Range { return r.Range(0, len(r.Text)) }

// End returns the byte offset just past Text in the file.
func (r *Row) End() int64 { return r.Offset + int64(len(r.Text)) }

// Blank reports whether the row holds only whitespace.
func (r *Row) Blank() bool {
	for _, c := range r.Text {
		switch c {
		case ' ', '\t', '\r', '\n':
		default:
			return false
		}
	}
	return true
}
