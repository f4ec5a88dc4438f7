package bytescan

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// exactStarts returns, for each position of text, whether an alternative
// matches there exactly (each byte in its set).
func exactStarts(text []byte, alternatives [][]string) []bool {
	out := make([]bool, len(text))
	for i := range text {
	alts:
		for _, alt := range alternatives {
			if i+len(alt) > len(text) {
				continue
			}
			for pos, set := range alt {
				if strings.IndexByte(set, text[i+pos]) < 0 {
					continue alts
				}
			}
			out[i] = true
			break
		}
	}
	return out
}

// findAll runs Find over all of text, from a given offset, with the
// assembly on or off.
func findAll(p *Pattern, text []byte, from int, fast bool) []uint64 {
	defer func(old bool) { Fast = old }(Fast)
	Fast = fast
	masks := make([]uint64, (len(text)-from+63)/64+1) // one window past the end
	p.Find(text, from, masks)
	return masks
}

// TestPatternFind holds Find to Pattern's contract on random patterns and
// texts: the assembly marks what the plain loop marks; every exact match
// is marked; nothing past the end is; and every mark is explained by the
// nibble products of the sets.
func TestPatternFind(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	alphabet := []byte("aAsSmMyYiI '\"\xe2\x80\x99lLeEnNcCoO.,\n\x00\xff")
	randomSet := func() string {
		var b []byte
		for range 1 + r.IntN(3) {
			b = append(b, alphabet[r.IntN(len(alphabet))])
		}
		return string(b)
	}
	for round := range 300 {
		alternatives := make([][]string, 1+r.IntN(8))
		for a := range alternatives {
			alternatives[a] = make([]string, 1+r.IntN(4))
			for pos := range alternatives[a] {
				alternatives[a][pos] = randomSet()
			}
		}
		p := NewPattern(alternatives...)
		text := make([]byte, r.IntN(400))
		for i := range text {
			text[i] = alphabet[r.IntN(len(alphabet))]
		}
		from := 0
		if len(text) > 0 && round%3 == 0 {
			from = r.IntN(len(text))
		}
		plain := findAll(p, text, from, false)
		if canFast() {
			if got := findAll(p, text, from, true); !slices.Equal(got, plain) {
				t.Fatalf("%q in %q from %d: assembly %#x, plain %#x", alternatives, text, from, got, plain)
			}
		}
		exact := exactStarts(text, alternatives)
		for i := from; i < from+64*len(plain); i++ {
			marked := plain[(i-from)/64]>>((i-from)%64)&1 != 0
			if i >= len(text) {
				if marked {
					t.Fatalf("%q: position %d past the end of %d bytes marked", alternatives, i, len(text))
				}
				continue
			}
			if exact[i] && !marked {
				t.Fatalf("%q in %q: match at %d not marked", alternatives, text, i)
			}
			if marked && !p.at(text, i) {
				t.Fatalf("%q in %q: %d marked, but its nibbles fit no alternative", alternatives, text, i)
			}
		}
	}
}

// TestPatternOnRealText runs the assembly and the plain loop on the
// files of ../shared/datasets with a pattern of the words "as" and "my".
func TestPatternOnRealText(t *testing.T) {
	if !canFast() {
		t.Skip("no AVX2: the plain loop is the scan")
	}
	p := NewPattern([]string{"aA", "sS"}, []string{"mM", "yY"}, []string{" ", "iI", " '"})
	files, _ := filepath.Glob("../../../shared/datasets/*.json*")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, from := range []int{0, 1, 2, 3, 63, 64, 65} {
			if from > len(data) {
				continue
			}
			if got, want := findAll(p, data, from, true), findAll(p, data, from, false); !slices.Equal(got, want) {
				t.Fatalf("%s from %d: the assembly and the plain loop differ", f, from)
			}
		}
	}
}

// TestNewPatternPanics: patterns are constants, and a bad one fails at
// once.
func TestNewPatternPanics(t *testing.T) {
	for name, alts := range map[string][][]string{
		"none":      nil,
		"nine":      {{"a"}, {"b"}, {"c"}, {"d"}, {"e"}, {"f"}, {"g"}, {"h"}, {"i"}},
		"too long":  {{"a", "b", "c", "d", "e"}},
		"empty set": {{"a", ""}},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: NewPattern did not panic", name)
				}
			}()
			NewPattern(alts...)
		}()
	}
}
