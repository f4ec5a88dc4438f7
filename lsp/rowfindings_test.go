package lsp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
)

func describeRows(f *rowFindings) string {
	var b strings.Builder
	for _, d := range f.diags {
		fmt.Fprintf(&b, "%s %v %d %s", d.Code, d.Range, d.Offset, d.Message)
		for _, r := range d.Related {
			fmt.Fprintf(&b, " [%s %v]", r.Path, r.Range)
		}
		if d.Fix != nil {
			fmt.Fprintf(&b, " fix{%s %d-%d %q}", d.Fix.Title, d.Fix.Start, d.Fix.End, d.Fix.NewText)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "tally %+v\n", f.tally)
	return b.String()
}

// randomChange is an edit an editor could send: lines inserted, removed or
// replaced, the first line included, text with and without newlines.
func randomChange(rnd *rand.Rand, snap *snapshot) contentChange {
	n := snap.Lines()
	ln := rnd.IntN(n)
	line := string(snap.lines[rnd.IntN(n)].text)
	switch rnd.IntN(6) {
	case 0: // a copy of a line, inserted
		if !strings.HasSuffix(line, "\n") {
			line += "\n"
		}
		return contentChange{Range: &Range{Start: Position{Line: ln}, End: Position{Line: ln}}, Text: line}
	case 1: // a line removed
		return contentChange{Range: &Range{Start: Position{Line: ln}, End: Position{Line: ln + 1}}}
	case 2: // a character replaced
		return contentChange{Range: &Range{Start: Position{Line: ln, Character: 3}, End: Position{Line: ln, Character: 4}}, Text: "é"}
	case 3: // the first line removed, or a line put before it
		if rnd.IntN(2) == 0 {
			return contentChange{Range: &Range{End: Position{Line: 1}}}
		}
		return contentChange{Range: &Range{}, Text: "\ufeff{\"messages\":[]}\n"}
	case 4: // several lines replaced by text that splits and joins them
		end := min(ln+rnd.IntN(4), n)
		return contentChange{Range: &Range{Start: Position{Line: ln, Character: 2}, End: Position{Line: end, Character: 5}}, Text: "x\"}\n{\"a\":"}
	default: // text at the very end
		return contentChange{Range: &Range{Start: Position{Line: n}, End: Position{Line: n}}, Text: line}
	}
}

// TestRowFindingsMatchFullPass holds the first phase's incremental row
// findings to a pass over every row, after random edits of every rule
// fixture: the lines it checks are all that need it, and its findings,
// tally and need of the engine are the full pass's.
func TestRowFindingsMatchFullPass(t *testing.T) {
	s := diagnostics.DefaultSettings()
	rnd := rand.New(rand.NewPCG(5, 6))
	ctx := context.Background()
	for name, text := range fixtureInputs(t) {
		snap := open("file:///d/x.jsonl", "jsonl", 1, string(text))
		if err := checkRows(ctx, snap, s); err != nil {
			t.Fatal(err)
		}
		var prev *rowFindings
		if !needsEngine(snap) {
			prev = allRowFindings(snap, s)
		}
		for step := range 12 {
			next, _ := snap.change(int32(step+2), []contentChange{randomChange(rnd, snap)})
			if prev == nil {
				if err := checkRows(ctx, next, s); err != nil {
					t.Fatal(err)
				}
			} else {
				c := diffLines(snap.lines, next.lines)
				if err := checkRowsIn(ctx, next, s, c.from, c.newTo); err != nil {
					t.Fatal(err)
				}
				for i, l := range next.lines {
					if r := l.res.Load(); isRow(next.lines, i) && (r == nil || r.settings != s || r.first != (i == 0)) {
						t.Fatalf("%s, edit %d: line %d of %d was not checked (change %+v)", name, step, i, next.Lines(), c)
					}
				}
				if got, want := needsEngineAfter(next, c), needsEngine(next); got != want {
					t.Fatalf("%s, edit %d: needsEngineAfter %v, needsEngine %v", name, step, got, want)
				}
				inc := prev.next(next, c)
				if got, want := describeRows(inc), describeRows(allRowFindings(next, s)); got != want {
					t.Fatalf("%s, edit %d (change %+v): incremental and full differ\nincremental:\n%s\nfull:\n%s", name, step, c, got, want)
				}
				prev = inc // the next edit builds on the incremental findings
			}
			snap = next
			switch {
			case needsEngine(snap): // the engine checks it whole: start again after
				prev = nil
			case prev == nil:
				prev = allRowFindings(snap, s)
			}
		}
	}
}
