package diagnostics

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// allEscapes claims every escape: findDamage then walks every backslash.
const allEscapes = ^jsonpos.Escapes(0)

// eachRealString calls f with every string value of every row of the
// public datasets, and of the first rows of FTLS_BENCH_FILE when set.
func eachRealString(t *testing.T, f func(v jsonpos.Value)) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "datasets", "*.json*"))
	if b := os.Getenv("FTLS_BENCH_FILE"); b != "" {
		files = append(files, b)
	}
	var walk func(v jsonpos.Value)
	walk = func(v jsonpos.Value) {
		switch v.Kind() {
		case jsonpos.String:
			f(v)
		case jsonpos.Array:
			for _, e := range v.Elems() {
				walk(e)
			}
		case jsonpos.Object:
			for _, m := range v.Members() {
				walk(m)
			}
		}
	}
	var p jsonpos.Parser
	n := 0
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		// A .json file is one value; split into lines it mostly fails to
		// parse, so it is parsed whole too.
		lines := append(bytes.Split(data[:min(len(data), 64<<20)], []byte("\n")), data)
		for _, line := range lines {
			if root, err := p.Parse(line); err == nil {
				walk(root)
				n++
			}
		}
	}
	if n < 1000 {
		t.Skipf("%d rows of real data", n)
	}
}

// damageStrings are random JSON string sources of the pieces findDamage
// looks for: escapes of every kind (escaped backslashes before n and t
// among them), mojibake written as itself and as escapes, invisible
// characters, entities and plain text.
func damageStrings(rng *rand.Rand) []byte {
	pieces := []string{`\n`, `\\n`, `\\t`, `\t`, `\"`, `\/`, `\\`, `\b`, `\f`, `\u200b`, `\u00a0`, `\u00e2\u20ac\u2122`, `\u00c3\u00a9`,
		`\u0007`, `\u00e9`, `\ud83d\ude00`, "Ã©", "â€™", "Â ", "\u00a0", "\ufeff", "\u200b", "\u00ad", "\ufffd", "é", "中", "😀",
		"&amp;", "&#39;", "&", ";", " ", "Word", ".", "x", "</b>", "```", "`"}
	b := []byte{'"'}
	for range rng.IntN(10) {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return append(b, '"')
}

// TestFindDamageShortcutsAreExact holds findDamage with the parser's notes
// (the string is ASCII, the escapes it holds) to findDamage without them,
// which walks every backslash and searches every lead byte: on random
// strings and on every string of the real datasets.
func TestFindDamageShortcutsAreExact(t *testing.T) {
	check := func(v jsonpos.Value) {
		raw, text := v.Raw(), v.StrBytes()
		got, gotOK := findDamage(raw, text, v.ASCII(), v.Escapes())
		want, wantOK := findDamage(raw, text, false, allEscapes)
		if got != want || gotOK != wantOK {
			t.Fatalf("%s: findDamage with the parser's notes %v %v, without %v %v", raw, got, gotOK, want, wantOK)
		}
	}
	rng := rand.New(rand.NewPCG(3, 12))
	var p jsonpos.Parser
	found := 0
	for range 50000 {
		raw := damageStrings(rng)
		v, err := p.Parse(raw)
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		check(v)
		if _, ok := findDamage(v.Raw(), v.StrBytes(), false, allEscapes); ok {
			found++
		}
	}
	if found < 5000 || found > 45000 {
		t.Fatalf("damage in %d of 50000 strings: the test tests little", found)
	}
	eachRealString(t, check)
}
