package diagnostics

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// allEscapes and allSeqs claim every escape and every length of UTF-8
// sequence: findDamage then walks every backslash and searches every lead
// byte.
const (
	allEscapes = ^jsonpos.Escapes(0)
	allSeqs    = ^uint8(0)
)

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
// characters, entities, invalid UTF-8 and plain text.
func damageStrings(rng *rand.Rand) []byte {
	pieces := []string{`\n`, `\\n`, `\\t`, `\t`, `\"`, `\/`, `\\`, `\b`, `\f`, `\u200b`, `\u00a0`, `\u00e2\u20ac\u2122`, `\u00c3\u00a9`,
		`\u0007`, `\u00e9`, `\ud83d\ude00`, "Ã©", "â€™", "Â ", "\u00a0", "\ufeff", "\u200b", "\u00ad", "\ufffd", "é", "中", "😀",
		"&amp;", "&#39;", "&", ";", " ", "Word", ".", "x", "</b>", "```", "`", "\xc2", "\xc3", "\xe2\x80", "\xef", "\xff"}
	b := []byte{'"'}
	for range rng.IntN(10) {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return append(b, '"')
}

// TestFindDamageShortcutsAreExact holds findDamage with the parser's notes
// (the UTF-8 sequences and the escapes a string holds) to findDamage
// without them,
// which walks every backslash and searches every lead byte: on random
// strings and on every string of the real datasets.
func TestFindDamageShortcutsAreExact(t *testing.T) {
	check := func(v jsonpos.Value) {
		raw, text := v.Raw(), v.StrBytes()
		got, gotOK := findDamage(raw, text, v.UTF8Seqs(), v.Escapes())
		want, wantOK := findDamage(raw, text, allSeqs, allEscapes)
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
		if _, ok := findDamage(v.Raw(), v.StrBytes(), allSeqs, allEscapes); ok {
			found++
		}
	}
	if found < 5000 || found > 45000 {
		t.Fatalf("damage in %d of 50000 strings: the test tests little", found)
	}
	eachRealString(t, check)
}

// plainFindLoop is findLoop as first written, without the word-at-a-time
// comparisons and the hoisted probe choice.
func plainFindLoop(text []byte) ([]byte, int) {
	var best []byte
	bestN, covered, probe := 0, 0, 0
	for at := 0; at+probeLen < len(text) && len(text) >= minLoop; at += probeStep {
		probe++
		if at < covered {
			continue
		}
		rare := at
		for k := at + 1; k < at+16 && k+probeLen < len(text); k++ {
			if byteRank[text[k]] < byteRank[text[rare]] {
				rare = k
			}
		}
		at = rare
		p := plainLoopPeriod(text, at, probe%longEvery == 0)
		if p <= 0 {
			continue
		}
		lo, hi := at, at
		for lo > 0 && loopByte(text, lo-1, p) {
			lo--
		}
		for hi+p < len(text) && loopByte(text, hi, p) {
			hi++
		}
		run := hi - lo + p
		n := run / p
		unit := text[lo : lo+p]
		for k := lo; k < lo+p && k+p <= len(text); k++ {
			if (k == 0 || text[k-1] == ' ' || text[k-1] == '\n' || text[k-1] == '.' || text[k-1] == '!' || text[k-1] == '?') && isLetter(text[k]) {
				unit = text[k : k+p]
				break
			}
		}
		if run >= minLoop && n >= minRepeats && letters(unit) >= 2 && n > bestN {
			best, bestN = unit, n
		}
		covered = hi
	}
	return best, bestN
}

func plainLoopPeriod(text []byte, at int, long bool) int {
	end, from, tries := min(len(text), at+shortPeriod+probeLen), at, maxTries
	if long {
		end, from, tries = min(len(text), at+maxPeriod+probeLen), at+shortPeriod-1, 2*maxTries
	}
	for try := 0; try < tries; try++ {
		x := -1
		for y := from + 1; y <= end-probeLen; y++ {
			same := true
			for i := at; i < at+probeLen; i++ {
				if !loopByte(text, i, y-at) {
					same = false
					break
				}
			}
			if same {
				x = y
				break
			}
		}
		if x < 0 {
			return -1
		}
		p, k := x-at, probeLen
		for k < 64 && x+k < len(text) && loopByte(text, at+k, p) {
			k++
		}
		if k == 64 || x+k == len(text) {
			return p
		}
		from = x
	}
	return -1
}

// loopTexts are random texts that loop, nearly loop or count: units of
// words, numbered list lines and digits repeated a random number of times,
// with random edits, between random words.
func loopTexts(rng *rand.Rand) []byte {
	words := []string{"the", "moon", "is", "a", "star", ".", " ", "\n", "Eat", "banana", "!", "1", "20", "item", "é", "A", "Z", ",", "x9", "мир", "дом", "中文", "é1"}
	var b []byte
	for range rng.IntN(4) {
		var unit []byte
		for range 1 + rng.IntN(40) {
			unit = append(unit, words[rng.IntN(len(words))]...)
			if rng.IntN(3) == 0 {
				unit = append(unit, ' ')
			}
		}
		if rng.IntN(3) == 0 {
			unit = append([]byte("\n"+string(rune('1'+rng.IntN(9)))+". "), unit...)
		}
		for k := range rng.IntN(40) {
			u := bytes.Clone(unit)
			if len(u) > 0 && rng.IntN(4) == 0 {
				u[rng.IntN(len(u))] = byte('0' + k%10)
			}
			b = append(b, u...)
		}
		for range rng.IntN(30) {
			b = append(b, words[rng.IntN(len(words))]...)
		}
	}
	return b
}

// TestFindLoopMatchesPlain holds findLoop to plainFindLoop, which tries
// every offset for a probe's recurrence byte by byte: on random looping
// texts and on every string of the real datasets.
func TestFindLoopMatchesPlain(t *testing.T) {
	check := func(text []byte) {
		text = slices.Clip(text)
		gu, gn := findLoop(text)
		wu, wn := plainFindLoop(text)
		if gn != wn || !bytes.Equal(gu, wu) {
			t.Fatalf("%.200q: findLoop %q %d, want %q %d", text, gu, gn, wu, wn)
		}
	}
	rng := rand.New(rand.NewPCG(8, 1))
	loops := 0
	for range 20000 {
		b := loopTexts(rng)
		check(b)
		if _, n := plainFindLoop(b); n > 0 {
			loops++
		}
	}
	if loops < 1000 {
		t.Fatalf("%d loops in 20000 texts: the test tests little", loops)
	}
	// Numbered lists whose lines end in a word outside Latin script: the
	// probe may start on its last rune, the next line's number a few bytes
	// on (on every line when the lines are short).
	for _, word := range []string{"ж", "мир", "中文", "é"} {
		for pad := range 30 {
			var b []byte
			for n := range 60 {
				b = fmt.Appendf(b, "%d. ab%s %s\n", n%9+1, strings.Repeat("o", pad), word)
			}
			check(b)
		}
	}
	eachRealString(t, func(v jsonpos.Value) { check(v.StrBytes()) })
}

// TestIndexLinkMatchesIndex holds indexLink, which stops at slashes, to
// bytes.Index, on random texts of colons and slashes and on every string
// of the real datasets.
func TestIndexLinkMatchesIndex(t *testing.T) {
	check := func(text []byte) {
		if got, want := indexLink(text), bytes.Index(text, []byte("://")); got != want {
			t.Fatalf("%.200q: indexLink %d, want %d", text, got, want)
		}
	}
	pieces := []string{":", "/", "://", ":/", "//", "x", "http", " ", "é"}
	rng := rand.New(rand.NewPCG(6, 6))
	for range 20000 {
		check(randomText(rng, pieces, 10))
	}
	eachRealString(t, func(v jsonpos.Value) { check(v.StrBytes()); check(v.Raw()) })
}

// TestUnseenLinkSearchIsExact holds findUnseen told that its text holds no
// link to findUnseen told to search, on texts without "://".
func TestUnseenLinkSearchIsExact(t *testing.T) {
	pieces := []string{"the ", "photo", " attached image", "<image>", "[video", "Summarize the article at ", "http", ":/", "/", " ", "\n", "read "}
	rng := rand.New(rand.NewPCG(5, 9))
	for range 20000 {
		b := randomText(rng, pieces, 10)
		if bytes.Contains(b, []byte("://")) {
			continue
		}
		if got, want := findUnseen(b, b, false, walkFrom('['), walkFrom('<')), findUnseen(b, b, true, walkFrom('['), walkFrom('<')); got != want {
			t.Fatalf("%q: findUnseen without a link %q, with the search %q", b, got, want)
		}
	}
}

// plainMayHoldSecret is mayHoldSecret as it was, with a search for each of
// "AKIA", "ASIA" and the 'z' of "AIza".
func plainMayHoldSecret(text []byte, decoded bool) bool {
	before := func(b byte, ok func(pre []byte) bool) bool {
		for off := 0; ; {
			i := bytes.IndexByte(text[off:], b)
			if i < 0 {
				return false
			}
			off += i
			if ok(text[:off]) {
				return true
			}
			off++
		}
	}
	// A key's armour, "-----BEGIN": in decoded text, not a Markdown rule
	// ("-----").
	armour := func(p []byte) bool {
		return bytes.HasSuffix(p, []byte("----")) && (!decoded || bytes.HasPrefix(text[len(p)+1:], []byte("BEGIN")))
	}
	// starts reports whether a word starts n bytes before the end of p
	// (always, in raw JSON).
	starts := func(p []byte, n int) bool {
		return !decoded || len(p) == n || len(p) > n && !isWordChar(p[len(p)-n-1])
	}
	return before('-', func(p []byte) bool {
		return bytes.HasSuffix(p, []byte("sk")) && starts(p, 2) || armour(p) ||
			len(p) >= 4 && bytes.HasSuffix(p[:len(p)-1], []byte("xox")) && starts(p, 4)
	}) || before('_', func(p []byte) bool {
		return bytes.HasSuffix(p, []byte("gh")) && starts(p, 2) || len(p) >= 3 && bytes.HasSuffix(p[:len(p)-1], []byte("gh")) && starts(p, 3) ||
			bytes.HasSuffix(p, []byte("github")) && starts(p, 6) || bytes.HasSuffix(p, []byte("k_live")) && starts(p, 7)
	}) || bytes.Contains(text, []byte("AKIA")) || bytes.Contains(text, []byte("ASIA")) ||
		before('z', func(p []byte) bool { return bytes.HasSuffix(p, []byte("AI")) && starts(p, 2) }) ||
		before('J', func(p []byte) bool { return bytes.HasSuffix(p, []byte("ey")) && starts(p, 2) })
}

// TestMayHoldSecretMatchesPlain holds mayHoldSecret, with one search for
// the 'A' of three prefixes and each anchor tested in place, to the
// version with three searches and a closure per anchor: on random texts of
// the prefixes and near misses, as JSON and decoded, and on every string
// and row of the real datasets.
func TestMayHoldSecretMatchesPlain(t *testing.T) {
	check := func(text []byte) {
		for _, decoded := range []bool{false, true} {
			if got, want := mayHoldSecret(text, decoded), plainMayHoldSecret(text, decoded); got != want {
				t.Fatalf("%.200q (decoded %v): mayHoldSecret %v, want %v", text, decoded, got, want)
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 7))
	for _, pieces := range [][]string{
		{"AKIA", "ASIA", "AIza", "AIz", "AI", "A", "K", "S", "I", "z", "sk-", "ghp_", "eyJ", "x", " ", "_", "-", "é"},
		// The other anchors, whose hits are tested by the bytes before them.
		{"sk", "-", "--", "----", "BEGIN", "x", "xox", "o", "k", "b", "gh", "ghp", "github", "_", "k_live", "s", "r",
			"ey", "J", "eyJ", " ", "\\", "n", "é", "A"},
	} {
		held := 0
		for range 40000 {
			b := randomText(rng, pieces, 6)
			check(b)
			if plainMayHoldSecret(b, true) {
				held++
			}
		}
		if held < 1000 || held > 39000 {
			t.Fatalf("%d of 40000 texts may hold a secret: the test tests little", held)
		}
	}
	eachRealString(t, func(v jsonpos.Value) { check(v.StrBytes()); check(v.Raw()) })
}

// TestRuneDamageEveryRune holds runeDamage, which lets most runes through
// before its look-ups, to damageOf, which looks every rune up, for every
// rune.
func TestRuneDamageEveryRune(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune; r++ {
		got, gotOK := runeDamage(r)
		want, wantOK := damageOf(r)
		if gotOK != wantOK || got != want {
			t.Fatalf("runeDamage(%U) = %+v %v, want %+v %v", r, got, gotOK, want, wantOK)
		}
	}
}
