package plan

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// FuzzParse feeds arbitrary bytes to the parser: it must not panic, and
// every range it reports or indexes must lie inside the document.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.plan.yaml")
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add(Starter(DefaultAnswers()))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte("version: 1\ncategories: [{<<: [*a, *b]}]\n"))
	f.Add([]byte("\xEF\xBB\xBFversion: 1\rtask: {type: \"x\u2028y\"}\u0085size: {examples: 1}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, diags := Parse("", data)
		lines := textpos.NewLineIndex(data)
		inside := func(what string, r textpos.Range) {
			for _, pos := range []textpos.Position{r.Start, r.End} {
				if pos.Line < 0 || pos.Line >= lines.Lines() || pos.Character < 0 || pos.Character > lineLen(data, lines, pos.Line) {
					t.Fatalf("%s: position %+v outside the document", what, pos)
				}
			}
			if r.End.Before(r.Start) {
				t.Fatalf("%s: range %+v ends before it starts", what, r)
			}
		}
		for _, d := range diags {
			inside(d.Code+" "+d.Message, d.Range)
			for _, r := range d.Related {
				inside(d.Code+" related", r.Range)
			}
			if d.Offset < 0 || d.Offset > int64(len(data)) {
				t.Fatalf("%s: offset %d outside the document", d.Code, d.Offset)
			}
			if fx := d.Fix; fx != nil && (fx.Start < 0 || fx.Start > fx.End || fx.End > int64(len(data))) {
				t.Fatalf("%s: fix span %d-%d outside the document", d.Code, fx.Start, fx.End)
			}
		}
		for _, k := range p.order {
			e := p.index[k]
			if e.keyStart < 0 || e.keyStart > e.keyEnd || e.keyEnd > len(data) || e.valStart < 0 || e.valStart > e.valEnd || e.valEnd > len(data) {
				t.Fatalf("index entry %q %+v outside the document", k, e)
			}
		}
		_ = MissingSections(p)
		_ = p.Targets()
		// Completion context and hover lookups at a few places.
		for _, off := range []int{0, len(data) / 2, len(data)} {
			pos := lines.Position(off)
			c := CursorAt(data, pos)
			_, _ = KeyDoc(c.Path...)
			_ = Keys(c.Path...)
			_ = EnumValues(c.Path...)
			_, _ = p.PathAt(pos)
		}
	})
}

// lineLen is the length of a line in UTF-16 units, as textpos.Position
// counts it: a "\r" belongs to the line terminator only before a "\n".
func lineLen(data []byte, lines *textpos.LineIndex, line int) int {
	start := lines.LineStart(line)
	end := lines.LineStart(line + 1)
	if line+1 < lines.Lines() {
		end-- // the \n
		if end > start && data[end-1] == '\r' {
			end--
		}
	}
	return textpos.UTF16Len(data[start:end])
}
