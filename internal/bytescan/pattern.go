package bytescan

import "fmt"

// A Pattern is up to eight short byte sequences looked for at once, each
// position of each a set of byte values: "aA" then "sS" for "as" in
// either case. Find marks where one may start, many positions an
// instruction (VPSHUFB looks up each byte's two nibbles in 16-byte
// tables), and the caller checks the marks it gets: each set is widened
// to the bytes whose low nibble is that of one of its bytes and whose
// high nibble is that of one (the product of its nibbles), so a mark may
// be false, but no start is missed.
type Pattern struct {
	// tables[p] holds position p's two tables, by low nibble then by high
	// nibble: bit a set when alternative a's set at p has a byte with that
	// nibble. Positions past the longest alternative accept every byte.
	tables [maxPatternLen][2][16]byte
	len    int
	// ended[p] has bit a set when alternative a is shorter than p+1
	// positions: past the text's end, it still matches.
	ended [maxPatternLen]byte
}

const maxPatternLen = 4

// NewPattern returns the pattern of the alternatives, each given as the
// sets of bytes its positions may hold. It panics unless there are 1 to 8
// alternatives of 1 to 4 non-empty sets: patterns are built once, from
// constants.
func NewPattern(alternatives ...[]string) *Pattern {
	if len(alternatives) == 0 || len(alternatives) > 8 {
		panic(fmt.Sprintf("bytescan: %d alternatives, want 1 to 8", len(alternatives)))
	}
	var p Pattern
	for pos := range p.tables {
		for half := range p.tables[pos] {
			for i := range p.tables[pos][half] {
				p.tables[pos][half][i] = 0xFF
			}
		}
	}
	for _, alt := range alternatives {
		p.len = max(p.len, len(alt))
	}
	if p.len > maxPatternLen {
		panic(fmt.Sprintf("bytescan: an alternative of %d positions, want at most %d", p.len, maxPatternLen))
	}
	for pos := range p.len {
		p.tables[pos] = [2][16]byte{}
	}
	for a, alt := range alternatives {
		bit := byte(1) << a
		for pos := range p.len {
			if pos >= len(alt) {
				// A shorter alternative accepts any byte where it has ended.
				p.ended[pos] |= bit
				for i := range 16 {
					p.tables[pos][0][i] |= bit
					p.tables[pos][1][i] |= bit
				}
				continue
			}
			if alt[pos] == "" {
				panic("bytescan: an empty set in a pattern")
			}
			for _, c := range []byte(alt[pos]) {
				p.tables[pos][0][c&15] |= bit
				p.tables[pos][1][c>>4] |= bit
			}
		}
	}
	return &p
}

// Find sets in masks[w] bit i when the bytes of text from from+64w+i may
// start one of the pattern's alternatives (see Pattern), for every window
// w of masks; positions where an alternative would run past the text's
// end are not marked. It reads no byte outside text.
func (p *Pattern) Find(text []byte, from int, masks []uint64) {
	w := 0
	if Fast {
		// The assembly reads four bytes from each position: it takes the
		// windows whose positions all have four bytes left, then the one
		// that reaches the end, copied and padded with zeros.
		w = min(len(masks), max(0, len(text)-from-(maxPatternLen-1))/64)
		if w > 0 {
			patternAVX2(&p.tables, text[from:], masks[:w])
		}
		if at := from + 64*w; w < len(masks) && at < len(text) {
			var pad [64 + maxPatternLen]byte
			n := copy(pad[:], text[at:])
			patternAVX2(&p.tables, pad[:], masks[w:w+1])
			// The positions whose alternatives may read the padding are
			// looked at one by one; those past the end are not marked.
			m := masks[w] & (1<<min(n, 64) - 1)
			for i := max(0, n-(p.len-1)); i < min(n, 64); i++ {
				m &^= 1 << i
				if p.at(text, at+i) {
					m |= 1 << i
				}
			}
			masks[w] = m
			w++
		}
	}
	for ; w < len(masks); w++ {
		masks[w] = p.plainWindow(text, from+64*w)
	}
}

// plainWindow returns Find's mask for the 64 positions from at, one
// position at a time.
func (p *Pattern) plainWindow(text []byte, at int) uint64 {
	var m uint64
	for i := range max(0, min(64, len(text)-at)) {
		if p.at(text, at+i) {
			m |= 1 << i
		}
	}
	return m
}

// at reports whether the bytes from i may start an alternative.
func (p *Pattern) at(text []byte, i int) bool {
	if i >= len(text) {
		return false
	}
	acc := byte(0xFF)
	for pos := range p.len {
		if i+pos >= len(text) {
			acc &= p.ended[pos]
			break
		}
		c := text[i+pos]
		acc &= p.tables[pos][0][c&15] & p.tables[pos][1][c>>4]
	}
	return acc != 0
}
