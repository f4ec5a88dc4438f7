package engine

import "bytes"

// Turning the row edits of a fix into the byte spans an editor applies:
// the server sends "fix all" as these spans.

// Span is the replacement of data[start:end] by text.
type Span struct {
	Start, End int64
	Text       []byte
}

// RowSpans turns row edits into byte spans of d, in
// order and merged where they touch, after bom (the byte order mark's
// removal) when there is one. A deleted row takes its line end with it.
func (d *Doc) RowSpans(rows []RowEdit, bom *Span) []Span {
	size := d.Size()
	var spans []Span
	add := func(sp Span) {
		if n := len(spans); n > 0 && spans[n-1].End >= sp.Start {
			last := &spans[n-1]
			last.Text = append(last.Text, d.Slice(last.End, sp.Start)...)
			last.Text = append(last.Text, sp.Text...)
			last.End = sp.End
			return
		}
		spans = append(spans, sp)
	}
	if bom != nil {
		add(*bom)
	}
	hasBOM := bytes.HasPrefix(d.Line(0).Text(), bomBytes)
	for _, e := range rows {
		if e.Line < 0 || e.Line >= d.Len() {
			continue
		}
		start := d.Start(e.Line)
		if e.Line == 0 && hasBOM {
			start += int64(len(bomBytes))
		}
		end := min(start+int64(len(e.Old)), size)
		if e.New == nil { // the row and its line end are removed
			rest := d.Slice(end, min(end+2, size))
			switch {
			case bytes.HasPrefix(rest, []byte("\r\n")):
				end += 2
			case bytes.HasPrefix(rest, []byte("\n")):
				end++
			}
		}
		add(Span{Start: start, End: end, Text: bytes.Clone(e.New)})
	}
	return spans
}

// SpansMake reports whether applying spans to data gives out, without
// building the result.
func SpansMake(data, out []byte, spans []Span) bool {
	var at, o int64
	eat := func(b []byte) bool {
		if int64(len(out))-o < int64(len(b)) || !bytes.Equal(out[o:o+int64(len(b))], b) {
			return false
		}
		o += int64(len(b))
		return true
	}
	for _, sp := range spans {
		if sp.Start < at || sp.End < sp.Start || sp.End > int64(len(data)) {
			return false
		}
		if !eat(data[at:sp.Start]) || !eat(sp.Text) {
			return false
		}
		at = sp.End
	}
	return eat(data[at:]) && o == int64(len(out))
}

// ChangedSpan is the one span that turns data into out: everything
// between their common prefix and common suffix, widened to whole lines so
// that it never starts or ends inside a character.
func ChangedSpan(data, out []byte) Span {
	p := 0
	for p < len(data) && p < len(out) && data[p] == out[p] {
		p++
	}
	for p > 0 && data[p-1] != '\n' {
		p--
	}
	s := 0
	for s < len(data)-p && s < len(out)-p && data[len(data)-1-s] == out[len(out)-1-s] {
		s++
	}
	for s > 0 && data[len(data)-s-1] != '\n' {
		s--
	}
	return Span{Start: int64(p), End: int64(len(data) - s), Text: bytes.Clone(out[p : len(out)-s])}
}
