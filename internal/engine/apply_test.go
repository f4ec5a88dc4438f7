package engine

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// TestApplyKeepsOffsets applies random edits (inserts, deletions across
// lines, newlines typed and removed, positions past the end) and checks
// that the offsets Apply derives from the previous version are those
// summed afresh, and its lines Edit's.
func TestApplyKeepsOffsets(t *testing.T) {
	rnd := rand.New(rand.NewPCG(3, 4))
	texts := []string{"", "a", "\n", "x\ny", "{\"k\": 1}\n", "\r\n", "é€"}
	d := NewDoc(SplitLines([]byte("{\"a\": 1}\n{\"b\": 2}\r\n\n{\"c\": 3}")))
	pos := func() textpos.Position {
		return textpos.Position{Line: rnd.IntN(len(d.Lines) + 1), Character: rnd.IntN(12)}
	}
	for i := range 2000 {
		r := textpos.Range{Start: pos(), End: pos()}
		text := texts[rnd.IntN(len(texts))]
		wantLines, _ := d.Edit(r, text)
		next, _ := d.Apply(r, text)
		if !slices.Equal(next.Lines, wantLines) && !sameText(next.Lines, wantLines) {
			t.Fatalf("edit %d: Apply's lines differ from Edit's", i)
		}
		want := NewDoc(next.Lines).Starts()
		if got := next.Starts(); !slices.Equal(got, want) {
			t.Fatalf("edit %d (%v %q): offsets %v, want %v", i, r, text, got, want)
		}
		d = next
		if len(d.Lines) > 200 {
			d = NewDoc(SplitLines([]byte(strings.Repeat("{}\n", 3))))
		}
	}
}

func sameText(a, b []*Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i].Text()) != string(b[i].Text()) {
			return false
		}
	}
	return true
}

// TestNumberChangeMatchesNumber numbers versions after random edits with
// NumberChange and holds the numbering to what PlaceCarried relies on:
// every line of the version at its index and of the generation, every
// line the edits took away (all the lines ever seen) of another one, as
// Number would leave them.
func TestNumberChangeMatchesNumber(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 8))
	texts := []string{"", "a", "\n", "x\ny", "{\"k\": 1}\n", "\n\n\n", "é€"}
	d := NewDoc(SplitLines([]byte(strings.Repeat("{\"a\": 1}\n", 20))))
	const gen = 5
	Number(d, gen)
	seen := map[*Line]bool{}
	for _, l := range d.Lines {
		seen[l] = true
	}
	pos := func() textpos.Position {
		return textpos.Position{Line: rnd.IntN(len(d.Lines) + 1), Character: rnd.IntN(12)}
	}
	for i := range 3000 {
		r := textpos.Range{Start: pos(), End: pos()}
		if rnd.IntN(2) == 0 {
			r.End = r.Start // typing within a line, as most edits are
		}
		next, _ := d.Apply(r, texts[rnd.IntN(len(texts))])
		NumberChange(d, next, DiffLines(d.Lines, next.Lines), gen)
		in := map[*Line]int{}
		for j, l := range next.Lines {
			in[l] = j
			seen[l] = true
		}
		for l := range seen {
			j, ok := in[l]
			switch {
			case ok && (l.gen != gen || l.idx != j):
				t.Fatalf("edit %d: line %d numbered %d (generation %d)", i, j, l.idx, l.gen)
			case !ok && l.gen == gen:
				t.Fatalf("edit %d: a line taken away still counts as line %d", i, l.idx)
			}
		}
		d = next
		if len(d.Lines) > 200 {
			d = NewDoc(SplitLines([]byte(strings.Repeat("{}\n", 30))))
			Number(d, gen)
			for l := range seen {
				l.gen = 0 // the old document's lines are gone with it
			}
		}
	}
}
