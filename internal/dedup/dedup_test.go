package dedup

import (
	"bytes"
	"cmp"
	"fmt"
	"hash/maphash"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/ftls-dev/ftls/internal/bytescan/bytescantest"
)

// corpus builds n texts of 100 words from a large vocabulary, so that
// any two are far apart.
func corpus(n int, r *rand.Rand) []string {
	out := make([]string, n)
	for i := range out {
		words := make([]string, 100)
		for j := range words {
			words[j] = fmt.Sprintf("w%d", r.IntN(50000))
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

// perturb replaces k of the words of s.
func perturb(s string, k int, r *rand.Rand) string {
	words := strings.Fields(s)
	for i := 0; i < k; i++ {
		words[r.IntN(len(words))] = fmt.Sprintf("x%d", r.IntN(1000))
	}
	return strings.Join(words, " ")
}

func sketch(t testing.TB, texts ...string) *Signature {
	var k Sketcher
	for _, s := range texts {
		k.Add([]byte(s))
	}
	sig, ok := k.Sum()
	if !ok {
		t.Fatalf("no signature for %q", texts)
	}
	return &sig
}

func TestSimilarityEstimate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	base := corpus(1, r)[0]
	tests := []struct {
		name     string
		other    string
		min, max float64
	}{
		{"identical", base, 1, 1},
		{"case and punctuation", strings.ToUpper(base) + "!!", 1, 1},
		{"one word changed", perturb(base, 1, rand.New(rand.NewPCG(2, 2))), 0.75, 1},
		{"unrelated", corpus(1, rand.New(rand.NewPCG(3, 3)))[0], 0, 0.1},
	}
	for _, tt := range tests {
		got := sketch(t, base).Similarity(sketch(t, tt.other))
		if got < tt.min || got > tt.max {
			t.Errorf("%s: similarity %.3f, want in [%.2f, %.2f]", tt.name, got, tt.min, tt.max)
		}
	}
}

// TestNearFindsPlanted plants near-duplicates among unrelated rows and
// checks that every one is found and nothing else is.
func TestNearFindsPlanted(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	texts := corpus(5000, r)
	planted := map[[2]int32]bool{}
	origin := map[int32]int32{}
	for i := 0; i < 200; i++ {
		src := int32(r.IntN(5000))
		texts = append(texts, perturb(texts[src], 2, r)) // 2 of 100 words: Jaccard about 0.88
		planted[[2]int32{src, int32(len(texts) - 1)}] = true
		origin[int32(len(texts)-1)] = src
	}
	sigs := make([]*Signature, len(texts))
	for i, s := range texts {
		sigs[i] = sketch(t, s)
	}
	pairs := Near(sigs, 0.7, nil)
	found := map[[2]int32]bool{}
	for _, p := range pairs {
		// Two copies of one source resemble each other too.
		sameSource := origin[p.B] == p.A || (origin[p.A] != 0 && origin[p.A] == origin[p.B])
		if !sameSource {
			t.Errorf("false positive: rows %d and %d (%.2f)", p.A, p.B, p.Similarity)
		}
		found[[2]int32{p.A, p.B}] = true
	}
	missed := 0
	for p := range planted {
		if !found[p] {
			t.Logf("missed rows %d and %d: similarity %.2f", p[0], p[1], sigs[p[0]].Similarity(sigs[p[1]]))
			missed++
		}
	}
	if missed > 0 {
		t.Errorf("missed %d of %d planted near-duplicates", missed, len(planted))
	}
}

func TestClusters(t *testing.T) {
	got := Clusters(6, []Pair{{A: 1, B: 3}, {A: 3, B: 5}, {A: 0, B: 2}})
	want := []int32{0, 1, 0, 1, 4, 1}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Clusters = %v, want %v", got, want)
		}
	}
}

func TestFingerprintNormalisesWhitespace(t *testing.T) {
	fp := func(fields ...string) uint64 {
		f := NewFingerprint()
		for _, s := range fields {
			f.Add([]byte(s))
		}
		return f.Sum()
	}
	if fp("user", "hello   world\n") != fp("user", " hello world") {
		t.Error("whitespace runs should not change the fingerprint")
	}
	if fp("user", "hello world") == fp("user", "helloworld") {
		t.Error("removing a space between words must change the fingerprint")
	}
	if fp("user", "ab") == fp("user", "a", "b") {
		t.Error("field boundaries must matter")
	}
	if fp() != 0 {
		t.Error("empty fingerprint should be 0")
	}
}

func BenchmarkSketch(b *testing.B) {
	text := []byte(strings.Repeat("The quick brown fox jumps over the lazy dog, again and again. ", 35))
	var k Sketcher
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		k.Reset()
		k.Add(text)
		k.Sum()
	}
}

func BenchmarkNear(b *testing.B) {
	sigs := corpusSignatures(b, 100000)
	for b.Loop() {
		Near(sigs, 0.85, nil)
	}
}

// BenchmarkNear1M finds the pairs of a million random signatures, the
// size at which the pass's tables stop fitting in the cache.
func BenchmarkNear1M(b *testing.B) {
	sigs := randomSignatures(rand.New(rand.NewPCG(9, 10)), 1_000_000, 10, 1<<16)
	for b.Loop() {
		Near(sigs, 0.85, nil)
	}
}

// BenchmarkIndexPairs measures the first Pairs of an index of 100,000
// signatures, what the server's first full check of a document does.
func BenchmarkIndexPairs(b *testing.B) {
	sigs := corpusSignatures(b, 100000)
	for b.Loop() {
		NewIndex(sigs).Pairs(0.85, nil)
	}
}

// BenchmarkIndexRefresh1M measures Pairs after one row of a million
// changed, what the server's check after an edit does: the changed
// buckets' rows found by a pass over every signature.
func BenchmarkIndexRefresh1M(b *testing.B) {
	sigs := randomSignatures(rand.New(rand.NewPCG(9, 10)), 1_000_000, 10, 1<<16)
	x := NewIndex(sigs)
	x.Pairs(0.85, nil)
	r := rand.New(rand.NewPCG(1, 2))
	versions := [2]*Signature{sigs[7], sigs[8]}
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		x.Set(r.IntN(len(sigs)), versions[n%2])
		x.Pairs(0.85, nil)
	}
}

// corpusSignatures sketches n texts of the test corpus.
func corpusSignatures(b *testing.B, n int) []*Signature {
	r := rand.New(rand.NewPCG(9, 9))
	texts := corpus(n, r)
	sigs := make([]*Signature, len(texts))
	for i, s := range texts {
		sigs[i] = sketch(b, s)
	}
	b.ResetTimer()
	return sigs
}

// randomSignatures returns n random signatures whose values are below
// values, every copyEvery-th a copy of an earlier one (buckets shared in
// every band).
func randomSignatures(r *rand.Rand, n, copyEvery, values int) []*Signature {
	sigs := make([]*Signature, n)
	for i := range sigs {
		if i > 0 && i%copyEvery == 0 {
			sigs[i] = sigs[r.IntN(i)]
			continue
		}
		s := new(Signature)
		for k := range s {
			s[k] = uint16(r.IntN(values))
		}
		sigs[i] = s
	}
	return sigs
}

// nearBySorting is the plain statement of what Near computes: each band's
// entries sorted by key and row, and every row of a bucket compared with
// the bucket's first row and its predecessor.
func nearBySorting(sigs []*Signature, threshold float64) []Pair {
	type entry struct {
		key uint64
		row int32
	}
	seen := map[[2]int32]bool{}
	var pairs []Pair
	for band := 0; band < Bands; band++ {
		var entries []entry
		for i, s := range sigs {
			if s != nil {
				entries = append(entries, entry{bandKey(s, band), int32(i)})
			}
		}
		slices.SortFunc(entries, func(a, b entry) int {
			if a.key != b.key {
				return cmp.Compare(a.key, b.key)
			}
			return cmp.Compare(a.row, b.row)
		})
		for start := 0; start < len(entries); {
			end := start + 1
			for end < len(entries) && entries[end].key == entries[start].key {
				end++
			}
			for j := start + 1; j < end; j++ {
				b := entries[j].row
				for _, a := range []int32{entries[start].row, entries[j-1].row} {
					if a == b || seen[[2]int32{a, b}] {
						continue
					}
					seen[[2]int32{a, b}] = true
					if sim := sigs[a].Similarity(sigs[b]); sim >= threshold {
						pairs = append(pairs, Pair{A: a, B: b, Similarity: sim})
					}
				}
			}
			start = end
		}
	}
	slices.SortFunc(pairs, func(x, y Pair) int {
		if x.B != y.B {
			return cmp.Compare(x.B, y.B)
		}
		return cmp.Compare(x.A, y.A)
	})
	return pairs
}

// TestNearMatchesSorting holds the hash-table buckets of Near to sorted
// buckets, on rows with planted near-duplicates, exact copies (large
// buckets) and rows without a signature.
func TestNearMatchesSorting(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	texts := corpus(3000, r)
	for i := 0; i < 300; i++ {
		src := texts[r.IntN(len(texts))]
		switch i % 3 {
		case 0:
			texts = append(texts, src)
		default:
			texts = append(texts, perturb(src, 1+i%4, r))
		}
	}
	sigs := make([]*Signature, len(texts))
	for i, s := range texts {
		if i%97 != 0 {
			sigs[i] = sketch(t, s)
		}
	}
	for _, threshold := range []float64{0.5, 0.85, 1} {
		got, want := Near(sigs, threshold, nil), nearBySorting(sigs, threshold)
		if len(want) == 0 {
			t.Fatalf("threshold %v: the reference found no pairs; the test data plants none", threshold)
		}
		if !slices.Equal(got, want) {
			t.Errorf("threshold %v: Near found %d pairs, sorted buckets %d", threshold, len(got), len(want))
		}
	}
}

// TestIndexMatchesNear edits rows of an Index at random (new text, copies
// of other rows, removed signatures) and checks after each edit that its
// pairs are Near's for the same signatures.
func TestIndexMatchesNear(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 13))
	texts := corpus(800, r)
	for i := 0; i < 200; i++ {
		texts = append(texts, perturb(texts[r.IntN(len(texts))], 1+i%3, r))
	}
	sigs := make([]*Signature, len(texts))
	for i, s := range texts {
		sigs[i] = sketch(t, s)
	}
	x := NewIndex(slices.Clone(sigs))
	for step := 0; step < 300; step++ {
		i := r.IntN(len(sigs))
		switch step % 4 {
		case 0:
			sigs[i] = nil
		case 1:
			sigs[i] = sketch(t, texts[r.IntN(len(texts))]) // an exact copy: a large bucket
		case 2:
			sigs[i] = sketch(t, perturb(texts[r.IntN(len(texts))], 2, r))
		default:
			sigs[i] = sketch(t, corpus(1, r)[0])
		}
		x.Set(i, sigs[i])
		if step%25 != 0 && step != 299 {
			continue
		}
		got, want := x.Pairs(0.8, nil), Near(sigs, 0.8, nil)
		if len(want) == 0 {
			t.Fatalf("step %d: Near found no pairs; the test plants some", step)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("step %d (row %d): Index has %d pairs, Near %d", step, i, len(got), len(want))
		}
	}
	// Another threshold starts the kept pairs afresh.
	if got, want := x.Pairs(0.9, nil), Near(sigs, 0.9, nil); !slices.Equal(got, want) {
		t.Fatalf("threshold 0.9: Index has %d pairs, Near %d", len(got), len(want))
	}
}

// TestNearMatchesSortingLarge holds Near to sorted buckets on tables past
// one region (inRegions' grouping by the keys' top bits): random signatures
// of few values, so that many rows share each band, every seventh a copy
// of an earlier one, every 97th missing.
func TestNearMatchesSortingLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, n := range []int{0, 1, 100, 7000, 30000} {
		sigs := randomSignatures(r, n, 7, 4)
		for i := 5; i < n; i += 97 {
			sigs[i] = nil
		}
		got, want := Near(sigs, 0.3, nil), nearBySorting(sigs, 0.3)
		if n > 100 && len(want) == 0 {
			t.Fatalf("%d rows: the reference found no pairs", n)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%d rows: Near found %d pairs, sorted buckets %d", n, len(got), len(want))
		}
	}
}

// TestIndexMatchesNearLarge changes batches of rows of a large index
// (shared out among the CPUs when its buckets' rows are found again), one
// batch large enough for a full pass, and checks its pairs against Near's
// after each.
func TestIndexMatchesNearLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 37))
	n := parallelRows + 5000
	sigs := randomSignatures(r, n, 11, 1<<16)
	x := NewIndex(slices.Clone(sigs))
	skip := func(a, b int32) bool { return (a+b)%13 == 0 }
	for step, batch := range []int{1, 3, 1, 40, 2, 0, 1, 1000, 2, 2, 1} {
		for range batch {
			i := r.IntN(n)
			switch r.IntN(3) {
			case 0:
				sigs[i] = nil
			case 1:
				sigs[i] = sigs[r.IntN(3)] // a copy of one of three rows: buckets that grow
			default: // half of another row's values: a near pair, or more
				other := sigs[r.IntN(n)]
				if other == nil {
					other = new(Signature)
				}
				s := *other
				if sigs[i] != nil {
					copy(s[:Bins/2], sigs[i][:Bins/2])
				}
				sigs[i] = &s
			}
			x.Set(i, sigs[i])
		}
		got, want := x.Pairs(0.5, skip), Near(sigs, 0.5, skip)
		if len(want) == 0 {
			t.Fatalf("step %d: Near found no pairs; the test plants copies", step)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("step %d (%d rows changed): Index has %d pairs, Near %d", step, batch, len(got), len(want))
		}
	}
}

// normalForm is HashText's normalisation written plainly, byte by byte.
func normalForm(text []byte) []byte {
	text = bytes.TrimSpace(text)
	var out []byte
	space := false
	for _, c := range text {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if !space {
				out = append(out, ' ')
			}
			space = true
			continue
		}
		out = append(out, c)
		space = false
	}
	return out
}

// checkHashText checks HashText and AppendNormal on b against the plain
// normal form, and that no two different normal forms seen share a hash.
func checkHashText(t *testing.T, b []byte, seen map[uint64]string) {
	t.Helper()
	norm := normalForm(b)
	if got := AppendNormal([]byte("x"), b); !bytes.Equal(got[1:], norm) || got[0] != 'x' {
		t.Fatalf("AppendNormal(%q) = %q, want %q", b, got[1:], norm)
	}
	got := HashText(b)
	if want := maphash.Bytes(seed, norm); got != want {
		t.Fatalf("HashText(%q) is not the hash of %q", b, norm)
	}
	if prev, ok := seen[got]; ok && prev != string(norm) {
		t.Fatalf("%q and %q have the same hash", prev, norm)
	}
	seen[got] = string(norm)
}

func TestHashTextMatchesNormalForm(t *testing.T) {
	for _, fast := range bytescantest.Modes() {
		t.Run(bytescantest.Name(fast), func(t *testing.T) {
			defer bytescantest.Set(fast)()
			hashTextMatchesNormalForm(t)
		})
	}
}

func hashTextMatchesNormalForm(t *testing.T) {
	pieces := []string{"a", "Bc", " ", "  ", "\t", "\n", "\r\n", "\v", "\x00", "é", "\u00a0", "word ", "longer words here", " !", "!"}
	rng := rand.New(rand.NewPCG(7, 7))
	seen := map[uint64]string{}
	for n := range 20000 {
		var b []byte
		size := rng.IntN(40)
		if n%100 == 0 {
			size = 1500 + rng.IntN(1000) // past the stack buffer
		}
		for range size {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		checkHashText(t, b, seen)
		// The same text with its spacing changed: same hash.
		var v []byte
		for _, c := range b {
			if c == ' ' && rng.IntN(4) == 0 {
				v = append(v, []string{"  ", "\t", " \n ", "\r\n"}[rng.IntN(4)]...)
				continue
			}
			v = append(v, c)
		}
		if HashText(v) != HashText(b) != !bytes.Equal(normalForm(v), normalForm(b)) {
			t.Fatalf("%q and %q: equal hashes %v, equal normal forms %v", b, v, HashText(v) == HashText(b), bytes.Equal(normalForm(v), normalForm(b)))
		}
	}
}

// TestHashTextOnRealText checks HashText and AppendNormal on every line of
// the public datasets, at every alignment of some of them (the scan reads
// eight bytes at a time), and on each line with its escaped line breaks
// made real ones.
func TestHashTextOnRealText(t *testing.T) {
	for _, fast := range bytescantest.Modes() {
		t.Run(bytescantest.Name(fast), func(t *testing.T) {
			defer bytescantest.Set(fast)()
			hashTextOnRealText(t)
		})
	}
}

func hashTextOnRealText(t *testing.T) {
	seen := map[uint64]string{}
	lines := realLines(t)
	for n, line := range lines {
		checkHashText(t, bytes.ReplaceAll(line, []byte(`\n`), []byte("\n")), seen)
		for shift := range 8 {
			if shift > 0 && n%50 != 0 {
				break
			}
			checkHashText(t, line[min(shift, len(line)):], seen)
		}
	}
	t.Logf("%d lines", len(lines))
}

func BenchmarkHashText(b *testing.B) {
	para := "The quick brown fox jumps over the lazy dog, again and again.  "
	text := []byte(strings.Repeat(para+"\n\n", 12))
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		HashText(text)
	}
}

// BenchmarkHashTextLong hashes a text whose normal form is built in a
// buffer longer than HashText's stack one (paragraphs over 2 KB).
func BenchmarkHashTextLong(b *testing.B) {
	para := "The quick brown fox jumps over the lazy dog, again and again.  "
	text := []byte(strings.Repeat(para+"\n\n", 60))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		HashText(text)
	}
}

// BenchmarkHashTextProse hashes what a chat row mostly holds: a short
// question already normal, and an answer in paragraphs.
func BenchmarkHashTextProse(b *testing.B) {
	question := []byte("Could you explain, in a few sentences, why the sky looks blue on a clear day?")
	para := strings.Repeat("Sunlight is scattered by the molecules of the air, blue light most. ", 3)
	answer := []byte(strings.Repeat(para+"\n\n", 5) + "That is all.")
	b.SetBytes(int64(len(question) + len(answer)))
	for b.Loop() {
		HashText(question)
		HashText(answer)
	}
}

// plainWords splits text as appendWords does, rune by rune: runs of
// letters and digits, lower-cased.
func plainWords(text []byte) []string {
	var words []string
	var cur []rune
	for _, r := range string(text) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			cur = append(cur, unicode.ToLower(r))
			continue
		}
		if len(cur) > 0 {
			words = append(words, string(cur))
			cur = cur[:0]
		}
	}
	if len(cur) > 0 {
		words = append(words, string(cur))
	}
	return words
}

func TestAppendWordsMatchesPlainWords(t *testing.T) {
	pieces := []string{"a", "Z", "q7", "Hello", "HELLO", "hello", "abcdefgh", "ABCDEFGHIJ", "0", " ", ", ", "\n", "é", "É", "café", "CAFÉ", "—", "日本", "\xff", "_", "@"}
	rng := rand.New(rand.NewPCG(3, 9))
	hashOf := map[string]uint64{}
	wordOf := map[uint64]string{}
	for range 20000 {
		var b []byte
		for range rng.IntN(30) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		var k Sketcher
		k.appendWords(b)
		got, want := k.words, plainWords(b)
		if !slices.Equal(got, plainHashes(b)) {
			t.Fatalf("appendWords(%q) = %x, want %x", b, got, plainHashes(b))
		}
		if len(got) != len(want) {
			t.Fatalf("appendWords(%q): %d words, want %d (%q)", b, len(got), len(want), want)
		}
		for i, w := range want {
			h := got[i]
			if h == 0 {
				t.Fatalf("appendWords(%q): word %q hashed to 0, the break mark", b, w)
			}
			if old, ok := hashOf[w]; ok && old != h {
				t.Fatalf("word %q hashed two ways (in %q)", w, b)
			}
			if old, ok := wordOf[h]; ok && old != w {
				t.Fatalf("words %q and %q share a hash", old, w)
			}
			hashOf[w], wordOf[h] = h, w
		}
	}
}

// plainHashes is appendWords written plainly: plainWords, each hashed
// rune by rune with the rotate-xor step from hashStart.
func plainHashes(text []byte) []uint64 {
	var out []uint64
	for _, w := range plainWords(text) {
		h := uint64(1)
		for _, r := range w {
			x := mix(uint64(r))
			if bits.OnesCount64(x)%2 == 1 {
				x ^= 1
			}
			h = bits.RotateLeft64(h, 1) ^ x
		}
		out = append(out, h)
	}
	return out
}

// plainDensify is densify written plainly: each empty bin, from the left,
// searches for the next filled one to its right, round the end.
func plainDensify(mins *[Bins]uint64) {
	for i := range mins {
		if mins[i] != ^uint64(0) {
			continue
		}
		for d := 1; d < Bins; d++ {
			if v := mins[(i+d)%Bins]; v != ^uint64(0) {
				mins[i] = mix(v + uint64(d)*prime3)
				break
			}
		}
	}
}

// TestDensifyMatchesPlain holds densify (complemented bins, one pass
// from the right, no branch) to the plain version, at fills from one bin
// to all of them.
func TestDensifyMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	for n := range 20000 {
		var mins [Bins]uint64
		fill := []int{0, 1, 2, 10, 30, 50, 90, 100}[n%8] // percent of the bins filled
		for i := range mins {
			mins[i] = ^uint64(0)
			if rng.IntN(100) < fill {
				mins[i] = rng.Uint64() >> rng.IntN(2)
			}
		}
		mins[rng.IntN(Bins)] = rng.Uint64() >> 1 // at least one
		var maxes [Bins]uint64
		for i, m := range mins {
			maxes[i] = ^m
		}
		var got Signature
		densify(&maxes, &got)
		plainDensify(&mins)
		for i, m := range mins {
			if got[i] != uint16(m) {
				t.Fatalf("bin %d: densify %#x, plain %#x (%d %% filled)", i, got[i], uint16(m), fill)
			}
		}
		if maxes != [Bins]uint64{} {
			t.Fatal("densify left bins set for the next row")
		}
	}
}

// plainSum is Sum written plainly from the words: every bin reset, the
// minimum hash of each bin's 3-grams (or of the words when no message has
// three), plainDensify, then the low 16 bits.
func plainSum(words []uint64) (Signature, bool) {
	var mins [Bins]uint64
	for i := range mins {
		mins[i] = ^uint64(0)
	}
	put := func(h uint64) {
		h = mix(h)
		mins[h>>57] = min(mins[h>>57], h)
	}
	n := 0
	for i := 0; i+2 < len(words); i++ {
		a, b, c := words[i], words[i+1], words[i+2]
		if a != 0 && b != 0 && c != 0 {
			put(a*prime1 ^ bits.RotateLeft64(b, 21)*prime2 ^ bits.RotateLeft64(c, 42)*prime3)
			n++
		}
	}
	for _, w := range words {
		if n == 0 && w != 0 {
			put(w)
		}
	}
	var sig Signature
	if mins == plainEmpty {
		return sig, false
	}
	plainDensify(&mins)
	for i, m := range mins {
		sig[i] = uint16(m)
	}
	return sig, true
}

var plainEmpty = func() (e [Bins]uint64) {
	for i := range e {
		e[i] = ^uint64(0)
	}
	return e
}()

// TestSumMatchesPlain compares Sum with plainSum, one Sketcher reused
// from row to row (as the checks do), on every line of the public
// datasets split into messages at each newline, and on random texts of a
// few words, whose bins are mostly empty.
func TestSumMatchesPlain(t *testing.T) {
	var texts [][][]byte
	for _, line := range realLines(t) {
		texts = append(texts, bytes.Split(line, []byte(`\n`)))
	}
	rng := rand.New(rand.NewPCG(4, 4))
	vocab := strings.Fields("a b c the of and to in is it that was for on with as by")
	for range 20000 {
		var msgs [][]byte
		for range 1 + rng.IntN(3) {
			var m []byte
			for range rng.IntN(40) {
				m = append(m, vocab[rng.IntN(len(vocab))]+" "...)
			}
			msgs = append(msgs, m)
		}
		texts = append(texts, msgs)
	}
	var k Sketcher
	for n, msgs := range texts {
		k.Reset()
		for _, m := range msgs {
			k.Add(m)
		}
		got, ok := k.Sum()
		want, wantOK := plainSum(k.words)
		if got != want || ok != wantOK {
			t.Fatalf("text %d (%d messages): Sum differs from plainSum", n, len(msgs))
		}
	}
}

// realLines returns every line of the public datasets, skipping the test
// when there are none.
func realLines(t testing.TB) [][]byte {
	dir := filepath.Join("..", "..", "..", "shared", "datasets")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json*"))
	if len(files) == 0 {
		t.Skipf("no datasets in %s", dir)
	}
	var lines [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, bytes.Split(data, []byte("\n"))...)
	}
	return lines
}

// TestAppendWordsOnRealText compares the fast word splitter with the
// plain one on every line of the public datasets, at every alignment of a
// few of them (the fast path reads eight bytes at a time).
func TestAppendWordsOnRealText(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "datasets")
	files, _ := filepath.Glob(filepath.Join(dir, "*.json*"))
	if len(files) == 0 {
		t.Skipf("no datasets in %s", dir)
	}
	var k Sketcher
	lines := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for n, line := range bytes.Split(data, []byte("\n")) {
			for shift := range 8 {
				if shift > 0 && n%50 != 0 {
					break
				}
				text := line[min(shift, len(line)):]
				k.Reset()
				k.appendWords(text)
				if want := plainHashes(text); !slices.Equal(k.words, want) {
					t.Fatalf("%s:%d (from byte %d): %d words, want %d", filepath.Base(f), n+1, shift, len(k.words), len(want))
				}
			}
			lines++
		}
	}
	t.Logf("%d lines", lines)
}

// Text that moves between ASCII and other scripts, a word or a few
// bytes at a time, across every way appendWords' ASCII loop hands over to
// its loop of runes and back (eight ASCII bytes in a row or fewer), with
// the two-byte sequences at their bounds and malformed ones.
func TestAppendWordsMixedScripts(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 16))
	tokens := []string{
		"a", "ab", "abcdefg", "abcdefgh", "abcdefghijklmnop", " ", ", ", " - ", ".\n", "12345678",
		"Привет", "дела", "Ωμέγα", "שלום", "مرحبا", "é", "—", "«", "»", "中文", "😀",
		"\u0080", "\u07ff", "\u0800", "\xc1\xbf", "\xc0\x80", "\xdf", "\xc2", "\x80", "\xff",
		"\u4e00", "\u9fff", "\ua000", "\u3042", "\uffff", "\ud7ff", "\ue000", "\xed\xa0\x80", "\xe0\x80\x80", "\xe0\xa0", "\xe4\xb8", "\xef\xbf", "\xe0\x81\x81", "\xc1\x81",
	}
	var k Sketcher
	for range 20000 {
		var b []byte
		for range rng.IntN(40) {
			b = append(b, tokens[rng.IntN(len(tokens))]...)
		}
		k.Reset()
		k.appendWords(b)
		if want := plainHashes(b); !slices.Equal(k.words, want) {
			t.Fatalf("appendWords(%q) = %x, want %x", b, k.words, want)
		}
	}
}

// TestAppendWordsRandomBytes feeds arbitrary bytes, invalid UTF-8 among
// them, to both splitters.
func TestAppendWordsRandomBytes(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 5))
	alphabet := []byte("aZ9 .-_\n\x00\x7f\x80\xc3\xa9\xe2\x80\x94\xff")
	var k Sketcher
	for range 50000 {
		b := make([]byte, rng.IntN(70))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		k.Reset()
		k.appendWords(b)
		if want := plainHashes(b); !slices.Equal(k.words, want) {
			t.Fatalf("appendWords(%q) = %x, want %x", b, k.words, want)
		}
	}
}

// BenchmarkAppendWords splits real text: the bench's prose file if
// FTLS_BENCH_TEXT names one, else the public datasets. (A repeated
// sentence would let the branch predictor learn its word ends.)
func BenchmarkAppendWords(b *testing.B) {
	var text []byte
	if f := os.Getenv("FTLS_BENCH_TEXT"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		text = data[:min(len(data), 4<<20)]
	} else {
		files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "datasets", "*.json*"))
		for _, f := range files {
			data, _ := os.ReadFile(f)
			text = append(text, data...)
		}
	}
	if len(text) == 0 {
		b.Skip("no text")
	}
	var k Sketcher
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		for piece := range slices.Chunk(text, 2048) {
			k.Reset()
			k.appendWords(piece)
		}
	}
}

// TestAppendWordsLongMatchesPlain checks the branch-free splitter
// against the plain one on random text of every length up to 300 (ASCII, or with
// multi-byte and invalid UTF-8),
// appended after words already there (as from a row's earlier turns).
func TestAppendWordsLongMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 4))
	alphabets := []string{"ab ", "aZ9 .-_\n\x00\x7f", "The quick brown fox, 42 times!\t", "a\xc3\xa9 \xe2\x80\x94\xff\xc3", "abcdefgh \xd0\xbf\xd1\x80\xc1\xc2\xdf\xbf\x80\xe0\xa0"}
	var k Sketcher
	for n := range 20000 {
		alphabet := alphabets[n%len(alphabets)]
		b := make([]byte, rng.IntN(301))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		k.Reset()
		k.words = append(k.words, 7, 0)
		k.appendWords(b)
		if want := append([]uint64{7, 0}, plainHashes(b)...); !slices.Equal(k.words, want) {
			t.Fatalf("appendWords(%q) = %x, want %x", b, k.words, want)
		}
	}
}

// Texts longer than appendWords' stretch, with words and multi-byte runes
// across the stretches' ends, hash as the plain reference does.
func TestAppendWordsAcrossStretches(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	alphabets := []string{"ab ", "a\xc3\xa9 \xe2\x80\x94\xf0\x9f\x98\x80", "abc"}
	var k Sketcher
	for _, size := range []int{64<<10 - 1, 64 << 10, 64<<10 + 1, 200_003} {
		for _, alphabet := range alphabets {
			b := make([]byte, 0, size+4)
			for len(b) < size {
				b = append(b, alphabet[rng.IntN(len(alphabet))])
			}
			k.Reset()
			k.appendWords(b)
			if want := plainHashes(b); !slices.Equal(k.words, want) {
				t.Fatalf("%d bytes of %q: %d hashes, want %d", len(b), alphabet, len(k.words), len(want))
			}
			if c, n := cap(k.words), len(k.words); c > 2*n+80<<10 {
				t.Errorf("%d bytes of %q: capacity %d for %d words", len(b), alphabet, c, n)
			}
		}
	}
}

// BenchmarkSum times Sum alone over the words of real rows: every line
// of the public datasets, or with FTLS_BENCH_TEXT the first 20,000 lines
// of that file (the alpaca bench file for short rows, most bins empty).
func BenchmarkSum(b *testing.B) {
	var lines [][]byte
	if f := os.Getenv("FTLS_BENCH_TEXT"); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		lines = bytes.SplitN(data, []byte("\n"), 20001)[:20000]
	} else {
		lines = realLines(b)
	}
	var k Sketcher
	words := make([][]uint64, len(lines))
	for i, line := range lines {
		k.Reset()
		k.Add(line)
		words[i] = slices.Clone(k.words)
	}
	b.ReportMetric(float64(len(lines)), "rows/op")
	for b.Loop() {
		for _, w := range words {
			k.words = w
			k.Sum()
		}
	}
}

// TestWordHashesDistinctOnRealText hashes every distinct word of every
// file in the public datasets and fails if two of them (case-folded)
// share a hash: the rotate-xor step is linear, so this is worth checking
// on real words, not only on random ones.
func TestWordHashesDistinctOnRealText(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "datasets", "*"))
	if len(files) == 0 {
		t.Skip("no public datasets")
	}
	wordOf := map[uint64]string{}
	var k Sketcher
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		k.Reset()
		k.appendWords(data)
		words := plainWords(data)
		if len(words) != len(k.words) {
			t.Fatalf("%s: %d hashes for %d words", filepath.Base(f), len(k.words), len(words))
		}
		for i, w := range words {
			h := k.words[i]
			if old, ok := wordOf[h]; ok && old != w {
				t.Fatalf("%s: words %q and %q share the hash %#x", filepath.Base(f), old, w, h)
			}
			wordOf[h] = w
		}
	}
	if len(wordOf) < 1000 {
		t.Fatalf("only %d distinct words in the datasets", len(wordOf))
	}
	t.Logf("%d distinct words", len(wordOf))
}

// TestWordsCountsAddedWords holds Words (the length less the breaks) to
// a plain count of the non-zero hashes, and to CountWords of each piece,
// with one Sketcher reused from row to row: real lines split into
// messages at each newline, then random messages, empty ones among them.
func TestWordsCountsAddedWords(t *testing.T) {
	var rows [][][]byte
	for _, line := range realLines(t) {
		rows = append(rows, bytes.Split(line, []byte(`\n`)))
	}
	rng := rand.New(rand.NewPCG(8, 2))
	alphabet := []byte("ab Z9.\n\xc3\xa9\xe2\x80\x94\xff")
	for range 5000 {
		var msgs [][]byte
		for range rng.IntN(4) {
			m := make([]byte, rng.IntN(40))
			for i := range m {
				m[i] = alphabet[rng.IntN(len(alphabet))]
			}
			msgs = append(msgs, m)
		}
		rows = append(rows, msgs)
	}
	var k Sketcher
	for n, msgs := range rows {
		k.Reset()
		want := 0
		for _, m := range msgs {
			k.Add(m)
			want += CountWords(m)
		}
		plain := 0
		for _, w := range k.words {
			if w != 0 {
				plain++
			}
		}
		if got := k.Words(); got != plain || got != want {
			t.Fatalf("row %d (%d messages): Words() = %d, %d non-zero hashes, CountWords %d", n, len(msgs), got, plain, want)
		}
	}
}

// similarityPlain is Similarity as the definition reads: the share of bins
// that agree, counted one bin at a time.
func similarityPlain(a, b *Signature) float64 {
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return float64(same) / Bins
}

// TestSimilarityMatchesPlain holds Similarity, which compares four bins at
// a time, to the bin-by-bin count, on signatures that agree in every
// pattern of bins: random, all, none, one at each place, and values that
// differ in one bit (the lowest and the highest of a bin).
func TestSimilarityMatchesPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var cases [][2]Signature
	for range 2000 {
		var a, b Signature
		for i := range a {
			a[i] = uint16(rng.Uint32())
			switch rng.IntN(4) {
			case 0:
				b[i] = a[i]
			case 1:
				b[i] = a[i] ^ 1
			case 2:
				b[i] = a[i] ^ 0x8000
			default:
				b[i] = uint16(rng.Uint32())
			}
		}
		cases = append(cases, [2]Signature{a, b})
	}
	var zero, ones Signature
	for i := range ones {
		ones[i] = 0xffff
	}
	cases = append(cases, [2]Signature{zero, zero}, [2]Signature{zero, ones}, [2]Signature{ones, ones})
	for i := range Bins {
		one := zero
		one[i] = 0x8000
		cases = append(cases, [2]Signature{zero, one})
	}
	for _, c := range cases {
		if got, want := c[0].Similarity(&c[1]), similarityPlain(&c[0], &c[1]); got != want {
			t.Fatalf("Similarity = %v, counted bin by bin %v, for\n%v\n%v", got, want, c[0], c[1])
		}
	}
}

func BenchmarkSimilarity(b *testing.B) {
	rng := rand.New(rand.NewPCG(8, 8))
	sigs := make([]Signature, 1024)
	for i := range sigs {
		for j := range sigs[i] {
			sigs[i][j] = uint16(rng.IntN(4))
		}
	}
	sum := 0.0
	for b.Loop() {
		for i := 1; i < len(sigs); i++ {
			sum += sigs[i-1].Similarity(&sigs[i])
		}
	}
	_ = sum
}

// wordRuneValue's blocks agree with the unicode package for
// every rune, and no word rune's value is 0, which would make it a
// separator.
func TestWordRuneValue(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		var want uint64
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			want = runeValue(unicode.ToLower(r))
			if want == 0 {
				t.Fatalf("runeValue(%U) = 0", r)
			}
		}
		if got := wordRuneValue(r); got != want {
			t.Fatalf("wordRuneValue(%U) = %x, want %x", r, got, want)
		}
	}
}

// BenchmarkAppendWordsScripts splits text in scripts other than Latin:
// Russian words in a shuffled order (so that the branch predictor cannot
// learn the word ends), and the lines of the public datasets that hold
// Chinese.
func BenchmarkAppendWordsScripts(b *testing.B) {
	words := strings.Fields("Привет как дела это текст о погоде в Москве и Петербурге сегодня завтра дождь снег солнце ветер «цитата» — тире, запятая. вопрос? 2024 года")
	rng := rand.New(rand.NewPCG(1, 2))
	var russian []byte
	for len(russian) < 1<<20 {
		russian = append(append(russian, words[rng.IntN(len(words))]...), ' ')
	}
	var chinese []byte
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "datasets", "*.json*"))
	for _, f := range files {
		data, _ := os.ReadFile(f)
		for line := range bytes.Lines(data) {
			if bytes.ContainsFunc(line, func(r rune) bool { return r >= 0x4E00 && r <= 0x9FFF }) {
				chinese = append(chinese, line...)
			}
		}
	}
	for _, tc := range []struct {
		name string
		text []byte
	}{{"russian", russian}, {"chinese", chinese}} {
		b.Run(tc.name, func(b *testing.B) {
			if len(tc.text) == 0 {
				b.Skip("no text")
			}
			var k Sketcher
			b.SetBytes(int64(len(tc.text)))
			for b.Loop() {
				for piece := range slices.Chunk(tc.text, 2048) {
					k.Reset()
					k.appendWords(piece)
				}
			}
		})
	}
}

// FuzzAppendWords holds the word splitter, its ASCII loop, its loop of
// runes and their hand-offs, to the plain one on arbitrary bytes.
func FuzzAppendWords(f *testing.F) {
	for _, s := range []string{"", "a b", "Привет, мир! 中文 abcdefgh é", "\xe0\x81\x81\xed\xa0\x80\xc1\xbf\xf0\x9f\x98\x80",
		"abcdefgh\xd0\xbf12345678\xe4\xb8\xad", "\u0800\u07ff\u4e00\uac00\ud7a3\u0905 x"} {
		f.Add([]byte(s))
	}
	var k Sketcher
	f.Fuzz(func(t *testing.T, b []byte) {
		k.Reset()
		k.appendWords(b)
		if want := plainHashes(b); !slices.Equal(k.words, want) {
			t.Fatalf("appendWords(%q) = %x, want %x", b, k.words, want)
		}
	})
}
