package diagnostics

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"
)

// searched returns the brackets of text as a rule that searched it first
// leaves them.
func searched(text []byte) *brackets {
	b := &brackets{}
	b.start(text)
	return b
}

// plainWalk lists the offsets a walk from c visits in text, from the
// first, each found by its own search.
func plainWalk(text []byte, c byte) []int {
	var at []int
	for i := 0; ; i++ {
		j := bytes.IndexByte(text[i:], c)
		if j < 0 {
			return at
		}
		i += j
		at = append(at, i)
	}
}

// walk lists the offsets n visits in text.
func walk(text []byte, n nextByte) []int {
	var at []int
	for i := 0; ; i++ {
		if i = n.from(text, i); i == len(text) {
			return at
		}
		at = append(at, i)
	}
}

// TestBracketWalksMatchPlain holds the walks that start at the brackets a
// text's span holds, and the same walks cut to a head or tail of the text
// (slice, as Q011 reads long prompts), to a search for each bracket.
func TestBracketWalksMatchPlain(t *testing.T) {
	pieces := []string{"[", "<", "[<", "x", "hello world ", "é", "\n"}
	rng := rand.New(rand.NewPCG(4, 4))
	check := func(text []byte, lo, hi int) {
		square, angle := searched(text).start(text)
		for _, w := range []nextByte{square, angle} {
			if got, want := walk(text[lo:hi], w.slice(lo, hi)), plainWalk(text[lo:hi], w.c); !slices.Equal(got, want) {
				t.Fatalf("%q[%d:%d]: walk from %q visits %v, want %v", text, lo, hi, w.c, got, want)
			}
		}
	}
	for range 20000 {
		text := randomText(rng, pieces, 40)
		lo := rng.IntN(len(text) + 1)
		check(text, 0, len(text))
		check(text, lo, lo+rng.IntN(len(text)-lo+1))
	}
	for _, r := range realTexts(t) {
		n := len(r.text)
		check(r.text, 0, n)
		if n > unseenHead+unseenTail {
			check(r.text, 0, unseenHead)
			check(r.text, n-unseenTail, n)
		}
	}
}

// TestSharedBracketsMatchAlone runs Q004's, Q010's and Q011's searches on
// each text in the order of the rules, sharing one brackets as a span
// does, and holds each result to the search alone; Q011's on the head and
// tail of long texts, as checkUnseenContent reads them.
func TestSharedBracketsMatchAlone(t *testing.T) {
	accept := func(int, []byte) bool { return true }
	unseen := func(text []byte, open *brackets) (string, string) {
		square, angle := open.start(text)
		n := len(text)
		if n <= unseenHead+unseenTail {
			return findUnseen(text, text, true, square, angle), ""
		}
		return findUnseen(text[:unseenHead], text, true, square.slice(0, unseenHead), angle.slice(0, unseenHead)),
			findUnseen(text[n-unseenTail:], text, true, square.slice(n-unseenTail, n), angle.slice(n-unseenTail, n))
	}
	check := func(text []byte) {
		var open brackets
		gotP, gotAt := findPlaceholder(text, true, &open, accept)
		gotM, gotU := findTemplateMarker(text, true, &open)
		gotH, gotT := unseen(text, &open)
		wantP, wantAt := findPlaceholder(text, true, nil, accept)
		wantM, wantU := findTemplateMarker(text, true, nil)
		wantH, wantT := unseen(text, nil)
		if !bytes.Equal(gotP, wantP) || gotAt != wantAt || gotM != wantM || gotU != wantU || gotH != wantH || gotT != wantT {
			t.Fatalf("%.300q: shared %q %d %q %v %q %q; alone %q %d %q %v %q %q", text,
				gotP, gotAt, gotM, gotU, gotH, gotT, wantP, wantAt, wantM, wantU, wantH, wantT)
		}
	}
	pieces := []string{"[", "<", "{", "[Your Name]", "<image>", "[INST]", "<<SYS>>", "</s>", "{{name}}", "[photo of a cat]",
		"<placeholder>", "the photo", " ", "x", "\n", "```", "`", "é", "hello world, this is text. "}
	rng := rand.New(rand.NewPCG(8, 2))
	for range 20000 {
		check(randomText(rng, pieces, 80))
	}
	for _, r := range realTexts(t) {
		check(r.text)
	}
}
