package engine

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/fixture"
	"github.com/ftls-dev/ftls/internal/textpos"
)

func ruleInputs(t *testing.T) map[string][]byte {
	t.Helper()
	in, err := fixture.RuleInputs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// checkDoc runs the incremental check of d to the end, as the language
// server's worker does, with state kept between versions.
func checkDoc(t testing.TB, state *FileState, d *Doc, s *diagnostics.Settings) *Result {
	t.Helper()
	if err := CheckLines(context.Background(), d, s, 0, d.Len()); err != nil {
		t.Fatal(err)
	}
	if NeedsWholeCheck(d) {
		res, err := Check(context.Background(), "/d/x.jsonl", d.Reader(), Options{Settings: s})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	return state.CheckDoc("/d/x.jsonl", d, s)
}

func checkText(t testing.TB, text []byte, s *diagnostics.Settings) *Result {
	t.Helper()
	res, err := Check(context.Background(), "/d/x.jsonl", bytes.NewReader(text), Options{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// describe renders what a client sees of a result.
func describe(res *Result) string {
	var b strings.Builder
	for _, d := range res.Diagnostics {
		fmt.Fprintf(&b, "%s %v %d %s %d", d.Code, d.Range, d.Offset, d.Message, d.Severity)
		for _, r := range d.Related {
			fmt.Fprintf(&b, " [%s %v %s]", r.Path, r.Range, r.Message)
		}
		if d.Fix != nil {
			fmt.Fprintf(&b, " fix{%s %d-%d}", d.Fix.Title, d.Fix.Start, d.Fix.End)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "tally %+v formats %v dominant %v\n", res.Tally, res.Formats, res.Dominant)
	for _, r := range res.Rows {
		fmt.Fprintf(&b, "%d %v %d %v %s %d\n", r.Offset, r.Range(), r.Len, r.Format, r.Category, r.Fingerprint)
	}
	return b.String()
}

// edit replaces the bytes from (sl, sb) to (el, eb), line and byte in the
// line's content, by text, as an editor's change does: the lines it does
// not touch are shared with d.
func edit(d *Doc, sl, sb, el, eb int, text string) *Doc {
	clamp := func(l, b int) (int, int) {
		l = min(max(l, 0), d.Len()-1)
		return l, min(max(b, 0), len(d.Line(l).Content()))
	}
	sl, sb = clamp(sl, sb)
	el, eb = clamp(el, eb)
	if el < sl || el == sl && eb < sb {
		el, eb = sl, sb
	}
	// Through Apply, which shares chunks of lines, when the byte offsets are
	// positions an editor could send.
	pos := func(l, b int) (textpos.Position, bool) {
		c := d.Line(l).Content()
		p := textpos.Position{Line: l, Character: textpos.UTF16Len(c[:b])}
		return p, textpos.ByteOffset(c, p.Character) == b
	}
	start, ok1 := pos(sl, sb)
	end, ok2 := pos(el, eb)
	if ok1 && ok2 {
		next, _ := d.Apply(textpos.Range{Start: start, End: end}, text)
		return next
	}
	joined := append(append(append([]byte{}, d.Line(sl).Text()[:sb]...), text...), d.Line(el).Text()[eb:]...)
	repl := SplitLines(joined)
	if el < d.Len()-1 && len(repl) > 1 && len(repl[len(repl)-1].Text()) == 0 {
		repl = repl[:len(repl)-1]
	}
	lines := append(append(append([]*Line{}, flat(d)[:sl]...), repl...), flat(d)[el+1:]...)
	return NewDoc(lines)
}

// randomEdit is an edit an editor could send: lines inserted, removed or
// replaced, the first line included, text with and without newlines.
func randomEdit(rnd *rand.Rand, d *Doc) *Doc {
	n := d.Len()
	ln := rnd.IntN(n)
	line := string(d.Line(rnd.IntN(n)).Text())
	if !strings.HasSuffix(line, "\n") {
		line += "\n"
	}
	switch rnd.IntN(6) {
	case 0: // a copy of a line, inserted
		return edit(d, ln, 0, ln, 0, line)
	case 1: // a line removed
		if ln+1 < n {
			return edit(d, ln, 0, ln+1, 0, "")
		}
		return edit(d, ln, 0, ln, len(d.Line(ln).Content()), "")
	case 2: // a character replaced
		return edit(d, ln, 3, ln, 4, "é")
	case 3: // the first line removed, or a line put before it
		if rnd.IntN(2) == 0 && n > 1 {
			return edit(d, 0, 0, 1, 0, "")
		}
		return edit(d, 0, 0, 0, 0, "\ufeff{\"messages\":[]}\n")
	case 4: // several lines replaced by text that splits and joins them
		end := min(ln+rnd.IntN(4), n-1)
		return edit(d, ln, 2, end, 5, "x\"}\n{\"a\":")
	default: // text at the very end
		last := n - 1
		return edit(d, last, len(d.Line(last).Content()), last, len(d.Line(last).Content()), line)
	}
}

// TestIncrementalMatchesCheck holds the row-by-row check of a document to
// Check's: on every rule fixture, and after random edits that reuse the
// cached rows.
func TestIncrementalMatchesCheck(t *testing.T) {
	defer func(n int) { chunkLines = n }(chunkLines)
	chunkLines = 4 // documents of many chunks, which edits share
	s := diagnostics.DefaultSettings()
	rnd := rand.New(rand.NewPCG(3, 4))
	for name, text := range ruleInputs(t) {
		d := NewDoc(SplitLines(text))
		var state FileState
		if got, want := describe(checkDoc(t, &state, d, s)), describe(checkText(t, text, s)); got != want {
			t.Errorf("%s: incremental and whole differ\nincremental:\n%s\nwhole:\n%s", name, got, want)
			continue
		}
		for step := range 5 {
			d = randomEdit(rnd, d)
			if got, want := describe(checkDoc(t, &state, d, s)), describe(checkText(t, d.Text(), s)); got != want {
				t.Errorf("%s after edit %d: incremental and whole differ\nincremental:\n%s\nwhole:\n%s", name, step, got, want)
				break
			}
		}
	}
}

func describeRows(f *RowFindings) string {
	var b strings.Builder
	for _, d := range f.Diags {
		fmt.Fprintf(&b, "%s %v %d %s", d.Code, d.Range, d.Offset, d.Message)
		for _, r := range d.Related {
			fmt.Fprintf(&b, " [%s %v]", r.Path, r.Range)
		}
		if d.Fix != nil {
			fmt.Fprintf(&b, " fix{%s %d-%d %q}", d.Fix.Title, d.Fix.Start, d.Fix.End, d.Fix.NewText)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "tally %+v\n", f.Tally)
	return b.String()
}

// TestRowFindingsMatchFullPass holds the first phase's incremental row
// findings to a pass over every row, after random edits of every rule
// fixture: the lines it checks are all that need it, and its findings,
// tally and need of a whole check are the full pass's.
func TestRowFindingsMatchFullPass(t *testing.T) {
	defer func(n int) { chunkLines = n }(chunkLines)
	chunkLines = 4 // documents of many chunks, which edits share
	s := diagnostics.DefaultSettings()
	rnd := rand.New(rand.NewPCG(5, 6))
	ctx := context.Background()
	for name, text := range ruleInputs(t) {
		d := NewDoc(SplitLines(text))
		if err := CheckLines(ctx, d, s, 0, d.Len()); err != nil {
			t.Fatal(err)
		}
		var prev *RowFindings
		if !NeedsWholeCheck(d) {
			prev = AllRowFindings(d, s)
		}
		for step := range 12 {
			next := randomEdit(rnd, d)
			if prev == nil {
				if err := CheckLines(ctx, next, s, 0, next.Len()); err != nil {
					t.Fatal(err)
				}
			} else {
				c := DiffLines(d, next)
				if err := CheckLines(ctx, next, s, c.From, c.NewTo); err != nil {
					t.Fatal(err)
				}
				for i, l := range next.All() {
					if r := l.res.Load(); next.IsRow(i) && (r == nil || r.settings != s || r.first != (i == 0)) {
						t.Fatalf("%s, edit %d: line %d of %d was not checked (change %+v)", name, step, i, next.Len(), c)
					}
				}
				if got, want := NeedsWholeCheckAfter(next, c), NeedsWholeCheck(next); got != want {
					t.Fatalf("%s, edit %d: NeedsWholeCheckAfter %v, NeedsWholeCheck %v", name, step, got, want)
				}
				inc := prev.Next(next, c)
				if got, want := describeRows(inc), describeRows(AllRowFindings(next, s)); got != want {
					t.Fatalf("%s, edit %d (change %+v): incremental and full differ\nincremental:\n%s\nfull:\n%s", name, step, c, got, want)
				}
				prev = inc // the next edit builds on the incremental findings
			}
			d = next
			switch {
			case NeedsWholeCheck(d): // checked whole: start again after
				prev = nil
			case prev == nil:
				prev = AllRowFindings(d, s)
			}
		}
	}
}

// TestNeedsWholeCheck checks when a document is handed to Check whole: a
// JSON array, or a row that a later line may close; a truncated row among
// ordinary rows is checked row by row, and both ways give Check's
// findings.
func TestNeedsWholeCheck(t *testing.T) {
	row := `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}`
	tests := []struct {
		name, text string
		want       bool
	}{
		{"rows", row + "\n" + row + "\n", false},
		{"array", "[\n" + row + "\n]\n", true},
		{"truncated row among rows", row + "\n" + `{"messages":[{"role":"user"` + "\n" + row + "\n", false},
		{"pretty-printed row", "{\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"hi\"}\n  ]\n}\n" + row + "\n", true},
	}
	s := diagnostics.DefaultSettings()
	for _, tt := range tests {
		d := NewDoc(SplitLines([]byte(tt.text)))
		if err := CheckLines(context.Background(), d, s, 0, d.Len()); err != nil {
			t.Fatal(err)
		}
		if got := NeedsWholeCheck(d); got != tt.want {
			t.Errorf("%s: NeedsWholeCheck = %v, want %v", tt.name, got, tt.want)
		}
		var state FileState
		if got, want := describe(checkDoc(t, &state, d, s)), describe(checkText(t, []byte(tt.text), s)); got != want {
			t.Errorf("%s: incremental and whole differ\nincremental:\n%s\nwhole:\n%s", tt.name, got, want)
		}
	}
}
