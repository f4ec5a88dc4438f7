package jsonpos

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// randomObject writes an object of a few members whose keys come from
// names, some written with a \u escape, some repeated.
func randomObject(rng *rand.Rand, names []string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range rng.IntN(6) {
		if i > 0 {
			b.WriteByte(',')
		}
		name := names[rng.IntN(len(names))]
		if name != "" && rng.IntN(4) == 0 {
			k := rng.IntN(len(name))
			name = name[:k] + `\u00` + hex2(name[k]) + name[k+1:]
		}
		b.WriteString(`"` + name + `":` + []string{`1`, `"x"`, `[]`, `{"a":2}`, `null`}[rng.IntN(5)])
	}
	b.WriteByte('}')
	return b.String()
}

func hex2(c byte) string {
	const digits = "0123456789ABCDEF"
	return string([]byte{digits[c>>4], digits[c&15]})
}

// TestGet2MatchesGet holds Get2's single walk to two calls of Get: on
// random objects whose keys repeat and are sometimes escaped, with equal
// and different names, and on every object of the public datasets.
func TestGet2MatchesGet(t *testing.T) {
	names := []string{"role", "content", "from", "value", "rol", "contents", "", "r", "roles"}
	check := func(where string, v Value, a, b string) {
		t.Helper()
		ga, gb := v.Get2(a, b)
		if ga != v.Get(a) || gb != v.Get(b) {
			t.Fatalf("%s: Get2(%q, %q) = %s, %s; Get gives %s, %s", where, a, b, ga.Raw(), gb.Raw(), v.Get(a).Raw(), v.Get(b).Raw())
		}
	}
	rng := rand.New(rand.NewPCG(21, 7))
	var p Parser
	for range 20000 {
		src := randomObject(rng, names)
		v, err := p.Parse([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		check(src, v, names[rng.IntN(len(names))], names[rng.IntN(len(names))])
	}
	objects := 0
	files := eachDatasetLine(t, func(where string, line []byte) {
		v, err := p.Parse(line)
		if err != nil {
			return
		}
		walkObjects(v, func(o Value) {
			objects++
			check(where, o, "role", "content")
			check(where, o, "from", "value")
			for k := range o.Members() {
				check(where, o, k.Name(), "content")
				check(where, o, "role", k.Name())
			}
		})
	})
	if files == 0 {
		t.Log("no ../shared/datasets: random objects only")
	} else if objects == 0 {
		t.Error("no objects in the public datasets")
	}
}

// walkObjects calls f on v and every object inside it.
func walkObjects(v Value, f func(Value)) {
	switch v.Kind() {
	case Object:
		f(v)
		for _, m := range v.Members() {
			walkObjects(m, f)
		}
	case Array:
		for _, e := range v.Elems() {
			walkObjects(e, f)
		}
	}
}
