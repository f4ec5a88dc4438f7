package plan

// Positions: yaml.v3 gives every node a 1-based line and a 1-based column
// counted in characters (runes), with lines broken not only at "\n" but also
// at a lone "\r", NEL (U+0085), LS (U+2028) and PS (U+2029), and with a
// leading byte order mark skipped. It gives no end position. This file maps
// yaml.v3's marks to byte offsets and works out where each node ends by
// reading the source; textpos then turns byte offsets into LSP positions
// (UTF-16 columns).

import (
	"bytes"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

type span struct{ start, end int }

type positions struct {
	data   []byte
	ylines []int // byte offset where each yaml.v3 line starts
	spans  map[*yaml.Node]span
}

func newPositions(data []byte) *positions {
	ps := &positions{data: data, spans: map[*yaml.Node]span{}}
	first := 0
	if bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		first = 3
	}
	ps.ylines = append(ps.ylines, first)
	for i := first; i < len(data); {
		if w := breakWidth(data, i); w > 0 {
			i += w
			ps.ylines = append(ps.ylines, i)
			continue
		}
		i++
	}
	return ps
}

// breakWidth returns the length of the line break at i, or 0.
func breakWidth(b []byte, i int) int {
	switch b[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(b) && b[i+1] == '\n' {
			return 2
		}
		return 1
	case 0xC2:
		if i+1 < len(b) && b[i+1] == 0x85 {
			return 2
		}
	case 0xE2:
		if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
			return 3
		}
	}
	return 0
}

// offset converts a yaml.v3 mark to a byte offset, clamped to the text.
func (ps *positions) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(ps.ylines) {
		return len(ps.data)
	}
	off := ps.ylines[line-1]
	for i := 1; i < col && off < len(ps.data); i++ {
		if breakWidth(ps.data, off) > 0 {
			break
		}
		_, size := utf8.DecodeRune(ps.data[off:])
		off += size
	}
	return off
}

// lineEnd returns the offset of the line break that ends the yaml line
// holding off (or the end of the text).
func (ps *positions) lineEnd(off int) int {
	for i := off; i < len(ps.data); i++ {
		if breakWidth(ps.data, i) > 0 {
			return i
		}
	}
	return len(ps.data)
}

// start returns the offset where a node's content begins, after any anchor
// (&a) or tag (!!str) written before it.
func (ps *positions) start(n *yaml.Node) int {
	off := ps.offset(n.Line, n.Column)
	d := ps.data
	for off < len(d) && (d[off] == '&' || d[off] == '!') && n.Kind != yaml.AliasNode {
		for off < len(d) && !isSpace(d[off]) && breakWidth(d, off) == 0 && !isFlowIndicator(d[off]) {
			off++
		}
		off = ps.skipBlank(off)
	}
	return off
}

// skipBlank skips spaces, tabs, line breaks and comments.
func (ps *positions) skipBlank(off int) int {
	d := ps.data
	for off < len(d) {
		switch {
		case isSpace(d[off]):
			off++
		case breakWidth(d, off) > 0:
			off += breakWidth(d, off)
		case d[off] == '#':
			off = ps.lineEnd(off)
		default:
			return off
		}
	}
	return off
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

// span returns the byte span of a node. indent is the indentation of the
// node's parent (the column of its key or list dash, from 0), which bounds
// a block scalar; -1 at the top level.
func (ps *positions) span(n *yaml.Node, indent int) span {
	if n == nil {
		return span{}
	}
	if s, ok := ps.spans[n]; ok {
		return s
	}
	s := ps.compute(n, indent)
	s.start = min(max(s.start, 0), len(ps.data))
	s.end = min(max(s.end, s.start), len(ps.data))
	ps.spans[n] = s
	return s
}

func (ps *positions) compute(n *yaml.Node, indent int) span {
	d := ps.data
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) > 0 {
			return ps.span(n.Content[0], indent)
		}
		return span{}
	case yaml.AliasNode:
		off := ps.offset(n.Line, n.Column)
		end := off + 1
		for end < len(d) && !isSpace(d[end]) && breakWidth(d, end) == 0 && !isFlowIndicator(d[end]) {
			end++
		}
		return span{off, end}
	case yaml.ScalarNode:
		off := ps.start(n)
		switch {
		case n.Style&yaml.DoubleQuotedStyle != 0:
			return span{off, ps.quoteEnd(off, '"')}
		case n.Style&yaml.SingleQuotedStyle != 0:
			return span{off, ps.quoteEnd(off, '\'')}
		case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
			return span{off, ps.blockEnd(off, indent)}
		}
		if n.Value == "" {
			return span{off, off}
		}
		if bytes.HasPrefix(d[off:], []byte(n.Value)) {
			return span{off, off + len(n.Value)}
		}
		// A plain scalar folded over several lines: take its first line.
		return span{off, ps.plainLineEnd(off)}
	case yaml.MappingNode, yaml.SequenceNode:
		off := ps.start(n)
		if n.Style&yaml.FlowStyle != 0 || (off < len(d) && (d[off] == '{' || d[off] == '[')) {
			return span{off, ps.flowEnd(off)}
		}
		end := off
		childIndent := n.Column - 1
		for _, c := range n.Content {
			end = max(end, ps.span(c, childIndent).end)
		}
		return span{off, end}
	}
	return span{}
}

// quoteEnd returns the offset after the quote closing the scalar opened at
// off.
func (ps *positions) quoteEnd(off int, q byte) int {
	d := ps.data
	for i := off + 1; i < len(d); i++ {
		switch {
		case q == '"' && d[i] == '\\':
			i++
		case d[i] == q:
			if q == '\'' && i+1 < len(d) && d[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(d)
}

// blockEnd returns the end of a literal or folded block scalar whose
// header is at off: its last content line indented deeper than indent.
func (ps *positions) blockEnd(off, indent int) int {
	d := ps.data
	end := ps.lineEnd(off)
	i := end
	for i < len(d) {
		i += breakWidth(d, i)
		lineStart := i
		for i < len(d) && d[i] == ' ' {
			i++
		}
		le := ps.lineEnd(i)
		blank := len(bytes.TrimSpace(d[i:le])) == 0
		if !blank && i-lineStart <= indent {
			break
		}
		if !blank {
			end = le
		}
		i = le
	}
	return end
}

// plainLineEnd returns the end of the part of a plain scalar on the line
// starting at off: before a comment, ": ", a flow indicator in a flow
// collection, and trailing spaces.
func (ps *positions) plainLineEnd(off int) int {
	d := ps.data
	le := ps.lineEnd(off)
	end := le
	for i := off; i < le; i++ {
		if d[i] == '#' && i > off && isSpace(d[i-1]) {
			end = i
			break
		}
	}
	for end > off && isSpace(d[end-1]) {
		end--
	}
	return end
}

// flowEnd returns the offset after the bracket closing the flow collection
// opened at off, skipping quoted text and comments.
func (ps *positions) flowEnd(off int) int {
	d := ps.data
	depth := 0
	for i := off; i < len(d); i++ {
		switch c := d[i]; {
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth <= 0 {
				return i + 1
			}
		case c == '"' || c == '\'':
			// A quote starts a quoted scalar only at the start of a token.
			if i > off && !isSpace(d[i-1]) && !isFlowIndicator(d[i-1]) && d[i-1] != ':' && breakWidth(d, i-1) == 0 {
				continue
			}
			i = ps.quoteEnd(i, c) - 1
		case c == '#' && i > off && (isSpace(d[i-1]) || breakWidth(d, i-1) > 0):
			i = ps.lineEnd(i) - 1
		}
	}
	return len(d)
}
