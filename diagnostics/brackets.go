package diagnostics

import "bytes"

// Three content rules walk a text from bracket to bracket: Q004 from each
// '{', '[' and '<', Q010 and Q011 from each '[' and '<'. Most texts hold
// none, and a search that finds none reads the whole text, so each text is
// searched once for its first '[' and '<' (brackets, kept with its span)
// and every rule starts from there.
//
// One pass over each text noting every byte the content rules start from
// ("{[<#/:DX") was measured too, and cost 1.4 to 2.2 times the eight
// vectorised searches it would spare (BenchmarkTriggerPrefilter): only
// sharing the searches themselves pays.

// brackets holds where a text's first '[' and first '<' stand once they
// have been searched for: len(text) for none.
type brackets struct {
	done          bool
	square, angle int
}

// start returns the walks from '[' and from '<' over text, the text whose
// brackets b holds, set at the first of each; b == nil searches afresh.
func (b *brackets) start(text []byte) (square, angle nextByte) {
	if b == nil {
		return walkFrom('['), walkFrom('<')
	}
	if !b.done {
		b.done = true
		b.square, b.angle = indexOr(text, '['), indexOr(text, '<')
	}
	return nextByte{c: '[', at: b.square}, nextByte{c: '<', at: b.angle}
}

// walkFrom returns a walk over the bytes c of a text from its start.
func walkFrom(c byte) nextByte { return nextByte{c: c, at: -1} }

// indexOr returns the offset of the first c in text, or len(text).
func indexOr(text []byte, c byte) int {
	if i := bytes.IndexByte(text, c); i >= 0 {
		return i
	}
	return len(text)
}

// slice returns the walk n, made for a text at its start, for text[lo:hi]:
// its first c is known unless the text's first c comes before lo.
func (n nextByte) slice(lo, hi int) nextByte {
	if n.at < lo {
		return nextByte{c: n.c, at: -1}
	}
	return nextByte{c: n.c, at: min(n.at, hi) - lo}
}

// turnBrackets returns the brackets of the span whose text is text, a
// turn's, or nil when no span holds it (an Alpaca prompt joined from its
// instruction and input). Turns come in the order of their spans: next is
// where the search for the next turn's starts.
func (c *RowContext) turnBrackets(text []byte, next *int) *brackets {
	if len(text) == 0 {
		return nil
	}
	spans := c.spans()
	for k := *next; k < len(spans); k++ {
		if s := &spans[k]; len(s.text) == len(text) && &s.text[0] == &text[0] {
			*next = k + 1
			return &s.open
		}
	}
	return nil
}
