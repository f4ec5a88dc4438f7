package jsonpos

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestLoneSurrogates(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
		out  string
	}{
		{`"a\ud800b"`, []int{2}, `"ab"`},
		{`"\uDC00"`, []int{1}, `""`},
		{`"\ud83d\ude00"`, nil, `"\ud83d\ude00"`},                              // a pair
		{`"\ude00\ud83d"`, []int{1, 7}, `""`},                                  // reversed: two lone halves
		{`"\ud83d\ud83d\ude00"`, []int{1}, `"\ud83d\ude00"`},                   // a high one before a pair
		{`"\\ud800"`, nil, `"\\ud800"`},                                        // an escaped backslash, then text
		{`"\\\ud800"`, []int{3}, `"\\"`},                                       //
		{`{"\ud800": "\u00e9\n\"\ud800"}`, []int{2, 22}, `{"": "\u00e9\n\""}`}, // keys too
		{`"\ud800\u0041"`, []int{1}, `"\u0041"`},
		{`"plain"`, nil, `"plain"`},
	} {
		got := LoneSurrogates([]byte(c.in), 0)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("LoneSurrogates(%s) = %v, want %v", c.in, got, c.want)
		}
		if out := string(WithoutLoneSurrogates([]byte(c.in))); out != c.out {
			t.Errorf("WithoutLoneSurrogates(%s) = %s, want %s", c.in, out, c.out)
		}
	}
	if got := LoneSurrogates([]byte(`"\ud800\ud800\ud800"`), 2); len(got) != 2 {
		t.Errorf("limit 2: %v", got)
	}
	if n := testing.AllocsPerRun(100, func() { LoneSurrogates([]byte(`"\u00e9\ud83d\ude00\n"`), 0) }); n != 0 {
		t.Errorf("%v allocations without a lone surrogate", n)
	}
}

// plainLoneSurrogates is LoneSurrogates as it was first written: a walk
// over every escape from the start of text.
func plainLoneSurrogates(text []byte, limit int) []int {
	var out []int
	for i := 0; i < len(text); {
		j := bytes.IndexByte(text[i:], '\\')
		if j < 0 {
			break
		}
		i += j
		if i+1 >= len(text) || text[i+1] != 'u' {
			i += 2 // \n, \\, \" ...
			continue
		}
		v, ok := hex4(text, i+2)
		if !ok {
			i += 2
			continue
		}
		switch {
		case v >= 0xD800 && v <= 0xDBFF:
			if i+7 < len(text) && text[i+6] == '\\' && text[i+7] == 'u' {
				if w, ok := hex4(text, i+8); ok && w >= 0xDC00 && w <= 0xDFFF {
					i += 12
					continue
				}
			}
			out = append(out, i)
		case v >= 0xDC00 && v <= 0xDFFF:
			out = append(out, i)
		}
		if limit > 0 && len(out) >= limit {
			break
		}
		i += 6
	}
	return out
}

// TestLoneSurrogatesMatchesWalk holds the jump from "\u" to "\u" to the
// walk over every escape, on texts made of escapes, backslash runs and
// surrogate halves (valid JSON or not), and on every line of the public
// datasets.
func TestLoneSurrogatesMatchesWalk(t *testing.T) {
	pieces := []string{`\`, `\\`, `\u`, `u`, `D800`, `dbff`, `DC00`, `dfff`, `0041`, `12`, `\n`, `"`, `x`, `\ud83d`, `\ude00`}
	rng := rand.New(rand.NewPCG(4, 1))
	for n := range 50000 {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		limit := n % 3
		if got, want := LoneSurrogates(b, limit), plainLoneSurrogates(b, limit); !slices.Equal(got, want) {
			t.Fatalf("LoneSurrogates(%s, %d) = %v, want %v", b, limit, got, want)
		}
	}
	eachDatasetLine(t, func(where string, line []byte) {
		if got, want := LoneSurrogates(line, 0), plainLoneSurrogates(line, 0); !slices.Equal(got, want) {
			t.Fatalf("%s: LoneSurrogates = %v, want %v", where, got, want)
		}
	})
}

// eachDatasetLine calls f with every line of the public datasets and its
// place (file:line), and returns how many files it read.
func eachDatasetLine(t *testing.T, f func(where string, line []byte)) (files int) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "datasets", "*.json*"))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range bytes.Split(data, []byte("\n")) {
			f(fmt.Sprintf("%s:%d", filepath.Base(name), n+1), line)
		}
	}
	return len(names)
}

// TestHasLoneSurrogateMatchesLoneSurrogates holds the parser's note of lone
// surrogates, which spares rows without one the search, to LoneSurrogates:
// on random strings (keys and values) of surrogate halves in either case,
// pairs, other escapes and backslashes, and on every line of the public
// datasets. (checkDoc, and so FuzzParse, checks it on every input too.)
func TestHasLoneSurrogateMatchesLoneSurrogates(t *testing.T) {
	pieces := []string{`\ud83d`, `\ude00`, `\uD800`, `\uDBFF`, `\uDC00`, `\udfff`, `\uDc0F`, `\u0041`, `\ud7ff`, `\ue000`,
		`\\`, `\\u`, `\n`, `\"`, `x`, `é`, `d800`}
	rng := rand.New(rand.NewPCG(9, 2))
	var p Parser
	lone := 0
	for range 50000 {
		str := func() string {
			var b []byte
			for range rng.IntN(6) {
				b = append(b, pieces[rng.IntN(len(pieces))]...)
			}
			// Long strings take the scanner's 32-byte blocks.
			b = append(b, bytes.Repeat([]byte("a"), rng.IntN(40))...)
			if rng.IntN(2) == 0 {
				b = append(b, pieces[rng.IntN(len(pieces))]...)
			}
			return `"` + string(b) + `"`
		}
		doc := []byte(fmt.Sprintf(`{%s:[%s,%s]}`, str(), str(), str()))
		if _, err := p.Parse(doc); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		want := LoneSurrogates(doc, 0) != nil
		if got := p.HasLoneSurrogate(); got != want {
			t.Fatalf("%s: HasLoneSurrogate %v, LoneSurrogates %v", doc, got, LoneSurrogates(doc, 0))
		}
		if want {
			lone++
		}
	}
	if lone < 1000 || lone > 49000 {
		t.Fatalf("%d of 50000 documents with a lone surrogate: the test tests little", lone)
	}
	eachDatasetLine(t, func(where string, line []byte) {
		if _, err := p.Parse(line); err != nil {
			return
		}
		if got, want := p.HasLoneSurrogate(), LoneSurrogates(line, 0) != nil; got != want {
			t.Fatalf("%s: HasLoneSurrogate %v, want %v", where, got, want)
		}
	})
}
