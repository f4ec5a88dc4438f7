package engine

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/ftls-dev/ftls/diagnostics"
)

// An owning FileState (the language server's) takes the row summaries off
// the lines and finds them again in the version it checked last. Its
// results, summaries included, must be those of a state that owns
// nothing over a copy of the document whose lines were never checked: on
// every rule fixture, after random edits checked one by one and several
// at a time, and when a second state meets lines whose summaries the
// first one holds.
func TestOwnedStateMatchesFreshCheck(t *testing.T) { ownedMatchesFresh(t) }

// The same with the rows of every document assembled by four goroutines
// (parallelAssembly), as those of a large one are: their summaries and
// findings must come out in the same order as one goroutine's.
func TestParallelAssemblyMatchesFreshCheck(t *testing.T) {
	defer func(n, procs int) { parallelAssembly = n; runtime.GOMAXPROCS(procs) }(parallelAssembly, runtime.GOMAXPROCS(4))
	parallelAssembly = 1
	ownedMatchesFresh(t)
}

// sameResult reports whether got, the result of a state checked as
// label says, has the findings and row summaries of want, a fresh
// check's, and says how they differ if not.
func sameResult(t *testing.T, name, label string, got, want *Result) bool {
	t.Helper()
	if g, w := describe(got), describe(want); g != w {
		t.Errorf("%s: findings differ\n%s:\n%s\nfresh:\n%s", name, label, g, w)
		return false
	}
	if !reflect.DeepEqual(got.Rows, want.Rows) {
		t.Errorf("%s: row summaries differ", name)
		return false
	}
	return true
}

func ownedMatchesFresh(t *testing.T) {
	s := diagnostics.DefaultSettings()
	rnd := rand.New(rand.NewPCG(11, 12))
	fresh := func(d *Doc) *Result {
		c := NewDoc(SplitLines(d.Text()))
		return checkDoc(t, new(FileState), c, s)
	}
	same := func(name string, got, want *Result) bool {
		t.Helper()
		return sameResult(t, name, "owned", got, want)
	}
	for name, text := range ruleInputs(t) {
		d := NewDoc(SplitLines(text))
		var st FileState
		st.Own()
		if !same(name, checkDoc(t, &st, d, s), fresh(d)) {
			continue
		}
		if !NeedsWholeCheck(d) {
			for i, l := range d.All() {
				if r := l.res.Load(); d.IsRow(i) && r.info != nil {
					t.Errorf("%s: line %d keeps its summary after an owning check", name, i)
					break
				}
			}
			// Another state must check the lines again rather than lose them.
			if !same(name+", second state", checkDoc(t, new(FileState), d, s), fresh(d)) {
				continue
			}
		}
		for step := range 12 {
			d = randomEdit(rnd, d)
			if step%3 == 1 {
				continue // two edits between checks
			}
			if !same(fmt.Sprintf("%s after edit %d", name, step), checkDoc(t, &st, d, s), fresh(d)) {
				break
			}
		}
	}
}

// Lines whose rows have no findings share their adopted results
// (adoptedLike) rather than keeping a copy each: on a million rows the
// copies held 40 MB.
func TestAdoptedResultsShared(t *testing.T) {
	var text []byte
	for i := range 50 {
		text = fmt.Appendf(text, `{"messages":[{"role":"user","content":"Where is parcel %d?"},{"role":"assistant","content":"Parcel %d left the depot this morning and arrives tomorrow."}]}`+"\n", i, i)
	}
	d := NewDoc(SplitLines(text))
	var st FileState
	st.Own()
	checkDoc(t, &st, d, diagnostics.DefaultSettings())
	results := map[*rowResult]bool{}
	clean := 0
	for i, l := range d.All() {
		if r := l.res.Load(); d.IsRow(i) && len(r.diags) == 0 {
			clean++
			results[r] = true
		}
	}
	if clean < 45 || len(results) > 2 {
		t.Errorf("%d rows without findings hold %d results, want at most 2 (the first line's and the rest's)", clean, len(results))
	}
}

// The language server keeps a Line for every line of an open document, a
// million of them for a large dataset: a field added in the wrong place
// moves it to the next size class.
func TestLineSize(t *testing.T) {
	if n := unsafe.Sizeof(Line{}); n > 32 {
		t.Errorf("Line is %d bytes, want at most 32", n)
	}
}

// TestNewLine: a line gives back its text, whole, and knows whether it
// may close a value, whatever its length (the flag shares a word with it).
func TestNewLine(t *testing.T) {
	for _, tt := range []struct {
		text   string
		closes bool
	}{
		{"", false},
		{"\n", false},
		{"{\"a\": 1}\n", false},
		{"  }\r\n", true},
		{"\t]", true},
		{"x}", false},
		{strings.Repeat("y", 1<<20) + "\n", false},
	} {
		l := NewLine([]byte(tt.text))
		if string(l.Text()) != tt.text || l.size() != len(tt.text) || l.closes() != tt.closes {
			t.Errorf("NewLine(%.20q): text %.20q, size %d, closes %v; want size %d, closes %v",
				tt.text, l.Text(), l.size(), l.closes(), len(tt.text), tt.closes)
		}
	}
}
