package engine

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
)

// checkAssembled checks d's lines in batches of random sizes, as the
// language server's streaming open does, and hands them in order to an
// Assembler.
func checkAssembled(rnd *rand.Rand, d *Doc, s *diagnostics.Settings) *Assembler {
	var c LineChecker
	a := new(Assembler)
	for from := 0; from < d.Len(); {
		to := min(d.Len(), from+1+rnd.IntN(70))
		var batch []*Line
		for i, l := range d.Range(from, to) {
			if len(l.Text()) > 0 {
				c.Check(l, i == 0, s)
			}
			batch = append(batch, l)
		}
		a.Add(batch, rnd.IntN(2*d.Len()+1))
		from = to
	}
	return a
}

// A FileState that adopts the rows an Assembler gathered must check the
// document, and every version after it, as a state that assembled them
// itself: on every rule fixture, then after random edits; and with other
// settings, which check every line again, over the adopted rows in place.
func TestAdoptedRowsMatchFreshCheck(t *testing.T) {
	s := diagnostics.DefaultSettings()
	other := diagnostics.DefaultSettings()
	other.Severities["Q005"], other.Severities["C018"] = diagnostics.Off, diagnostics.Off
	rnd := rand.New(rand.NewPCG(13, 14))
	fresh := func(d *Doc, s *diagnostics.Settings) *Result {
		return checkDoc(t, new(FileState), NewDoc(SplitLines(d.Text())), s)
	}
	same := func(name string, got, want *Result) bool {
		t.Helper()
		return sameResult(t, name, "adopted", got, want)
	}
	adopted := 0
	for name, text := range ruleInputs(t) {
		for _, settings := range []*diagnostics.Settings{s, other} {
			d := NewDoc(SplitLines(text))
			if NeedsWholeCheck(d) {
				continue
			}
			a := checkAssembled(rnd, d, s)
			for i, l := range d.All() {
				if r := l.res.Load(); d.IsRow(i) && r.info != nil {
					t.Fatalf("%s: line %d keeps its summary once assembled", name, i)
				}
			}
			var st FileState
			st.Own()
			if !st.Adopt(d, a) {
				t.Fatalf("%s: the rows assembled were not adopted", name)
			}
			adopted++
			if !same(name, checkDoc(t, &st, d, settings), fresh(d, settings)) {
				continue
			}
			for step := range 6 {
				d = randomEdit(rnd, d)
				if !same(fmt.Sprintf("%s after edit %d", name, step), checkDoc(t, &st, d, settings), fresh(d, settings)) {
					break
				}
			}
		}
	}
	if adopted < 20 {
		t.Fatalf("only %d documents adopted: the test tests little", adopted)
	}
}

// The first check after Adopt may be of a later version (the document was
// edited while its first file check waited): the adopted rows are then
// the version checked last, as after any CheckDoc.
func TestAdoptThenEdit(t *testing.T) {
	s := diagnostics.DefaultSettings()
	rnd := rand.New(rand.NewPCG(15, 16))
	text := []byte(`{"messages":[{"role":"user","content":"a b c d"},{"role":"assistant","content":"e f g h"}]}` + "\n")
	var doc []byte
	for range 300 {
		doc = append(doc, text...)
	}
	d := NewDoc(SplitLines(doc))
	a := checkAssembled(rnd, d, s)
	var st FileState
	st.Own()
	if !st.Adopt(d, a) {
		t.Fatal("not adopted")
	}
	e := randomEdit(rnd, randomEdit(rnd, d))
	before := checkedAgain.Load()
	got := checkDoc(t, &st, e, s)
	if n := checkedAgain.Load() - before; n > 0 {
		t.Errorf("%d lines checked again: the adopted summaries were not used", n)
	}
	want := checkDoc(t, new(FileState), NewDoc(SplitLines(e.Text())), s)
	if describe(got) != describe(want) || !reflect.DeepEqual(got.Rows, want.Rows) {
		t.Fatal("the version after the adopted one checks otherwise than afresh")
	}
}

// Rows that an Assembler did not see whole are not adopted: a line it got
// unchecked, or a document of other lines.
func TestAdoptRefused(t *testing.T) {
	s := diagnostics.DefaultSettings()
	rnd := rand.New(rand.NewPCG(17, 18))
	text := []byte("{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n")
	tests := []struct {
		name string
		make func() (*Doc, *Assembler)
		own  bool
	}{
		{"a line unchecked", func() (*Doc, *Assembler) {
			d := NewDoc(SplitLines(text))
			a := new(Assembler)
			var lines []*Line
			for _, l := range d.All() {
				lines = append(lines, l)
			}
			a.Add(lines, 0)
			return d, a
		}, true},
		{"another document", func() (*Doc, *Assembler) {
			d := NewDoc(SplitLines(text))
			a := checkAssembled(rnd, d, s)
			return NewDoc(SplitLines(append(text, text...))), a
		}, true},
		{"a state that owns nothing", func() (*Doc, *Assembler) {
			d := NewDoc(SplitLines(text))
			return d, checkAssembled(rnd, d, s)
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, a := tt.make()
			var st FileState
			if tt.own {
				st.Own()
			}
			if st.Adopt(d, a) {
				t.Fatal("adopted")
			}
			if st.rows != nil || st.doc != nil {
				t.Fatal("a refused Adopt changed the state")
			}
		})
	}
}
