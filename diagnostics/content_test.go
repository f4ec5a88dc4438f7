package diagnostics

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestFindBoilerplate holds the one-pass phrase search of Q003 to its plain
// statement: lower-case the text, read "’" as "'", and report the first
// phrase of the list it contains. The texts are built from pieces of the
// phrases, in both cases and with both apostrophes, so that near misses,
// overlaps and several phrases in one text are common.
func TestFindBoilerplate(t *testing.T) {
	// Whole words: a phrase must not start or (when it ends in a letter)
	// end inside a word.
	plain := func(text string) string {
		lower := strings.ToLower(strings.ReplaceAll(text, "’", "'"))
		for _, p := range boilerplate {
			for off := 0; ; {
				k := strings.Index(lower[off:], p)
				if k < 0 {
					break
				}
				k += off
				end := k + len(p)
				if (k == 0 || !isLetter(lower[k-1])) && (!isLetter(p[len(p)-1]) || end == len(lower) || !isLetter(lower[end])) {
					return p
				}
				off = k + 1
			}
		}
		return ""
	}
	var pieces []string
	for _, p := range boilerplate {
		words := strings.Fields(p)
		pieces = append(pieces, p, strings.ToUpper(p[:1])+p[1:], strings.ReplaceAll(p, "'", "’"), words[0]+" ", strings.Join(words[:len(words)/2+1], " "))
	}
	pieces = append(pieces, " ", ", ", "Hello", "é", "I", "a", "AS AN AI")
	r := rand.New(rand.NewPCG(5, 8))
	found := 0
	for n := 0; n < 20000; n++ {
		var b strings.Builder
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := b.String()
		got, want := findBoilerplate([]byte(text)), plain(text)
		if got != want {
			t.Fatalf("findBoilerplate(%q) = %q, want %q", text, got, want)
		}
		if want != "" {
			found++
		}
	}
	if found < 1000 {
		t.Fatalf("only %d of the texts hold a phrase; the test is too weak", found)
	}
}

// TestNth checks the counting selection against sorting, on small values
// (the counting path) and on large or negative ones (the sorting path).
func TestNth(t *testing.T) {
	r := rand.New(rand.NewPCG(2, 9))
	for n := 1; n < 300; n += 7 {
		for _, limit := range []int32{3, 1000, 1 << 30} {
			v := make([]int32, n)
			for i := range v {
				v[i] = r.Int32N(limit)
			}
			if limit == 1000 && n > 10 {
				v[0] = -5
			}
			sorted := slices.Clone(v)
			slices.Sort(sorted)
			for _, k := range []int{0, n / 2, n - 1} {
				if got := nth(v, k); got != sorted[k] {
					t.Fatalf("nth(%v, %d) = %d, want %d", v, k, got, sorted[k])
				}
			}
		}
	}
}

func TestOpeningMatchesFields(t *testing.T) {
	plain := func(text []byte) string {
		fields := strings.Fields(string(text[:min(len(text), 200)]))
		if len(fields) < 4 {
			return ""
		}
		return strings.ToLower(strings.Join(fields[:4], " "))
	}
	pieces := []string{"Sure", "I", "can", "HELP", " ", "  ", "\n", "\t", "\v", "\u00a0", "\u0085", "É", "été", "日本", "\xe2\x80", "\xff", ",", strings.Repeat("x", 60)}
	rng := rand.New(rand.NewPCG(5, 1))
	for range 20000 {
		b := randomText(rng, pieces, 16)
		if got, want := opening(b), plain(b); got != want {
			t.Fatalf("opening(%q) = %q, want %q", b, got, want)
		}
	}
}

func TestMaySpellSpecialTokenMatchesContains(t *testing.T) {
	plain := func(raw []byte) bool {
		return bytes.Contains(raw, []byte("<|")) || bytes.Contains(raw, []byte(`\u003c|`)) || bytes.Contains(raw, []byte(`\u003C|`))
	}
	pieces := []string{"<", "|", `\u003c`, `\u003C`, `\u003`, `\u0`, `\`, "a", "c", "||", "<|im_start|>"}
	rng := rand.New(rand.NewPCG(2, 4))
	for range 20000 {
		b := randomText(rng, pieces, 12)
		if got, want := maySpellSpecialToken(b), plain(b); got != want {
			t.Fatalf("maySpellSpecialToken(%q) = %v, want %v", b, got, want)
		}
	}
}

// randomText joins up to n pieces drawn at random: inputs for testing a
// fast function against a plain one.
func randomText(rng *rand.Rand, pieces []string, n int) []byte {
	var b []byte
	for range rng.IntN(n) {
		b = append(b, pieces[rng.IntN(len(pieces))]...)
	}
	return b
}

// TestHeuristicsNeverPanic feeds the content heuristics' scanners random
// texts built from the pieces they look for, cut at every place: they
// index around what they find and must stay inside the text.
func TestHeuristicsNeverPanic(t *testing.T) {
	pieces := []string{"#", "##", "### ", "Instruction:", "\n", "1. ", "[INST]", "<s>", "</s>", "<", "[", "Human:",
		"\\", "\\n", "\\u200b", "\\u00a0", "\\u0007", "\\b", "&", "&amp;", "&#39", ";", "Ã", "©", "â€", "\u00a0", "\ufeff",
		"http", "://", "the", " ", "photo", "attached", "image", "Eat a banana!", "ab", "```", "`", "{", "{{x}}", "[Your Name]", "é"}
	rng := rand.New(rand.NewPCG(7, 3))
	for range 20000 {
		b := randomText(rng, pieces, 24)
		findTemplateMarker(b, true)
		findUnseen(b, b)
		findDamage(b, b, false)
		findLoop(b)
		literalEscape(b)
		htmlEntity(b)
		findPlaceholder(b, true, func(int, []byte) bool { return true })
		findBoilerplate(b)
	}
}

// TestFiltersAreNecessary holds the fast filters that spare the regular
// expressions to what they stand for: on random text built from pieces
// that start, nearly start or resemble matches, every text a pattern
// matches must pass its filter.
func TestFiltersAreNecessary(t *testing.T) {
	type pattern struct {
		re   *regexp.Regexp
		pass func([]byte) bool
	}
	var secrets, placeholders []pattern
	for _, s := range secretRes {
		secrets = append(secrets, pattern{s.re, func(b []byte) bool { return mayHoldSecret(b, true) && mayHoldSecret(b, false) }})
	}
	for k, re := range placeholderRes {
		placeholders = append(placeholders, pattern{re, func(b []byte) bool { return placeholderMayStart(b, k) }})
	}
	for _, tc := range []struct {
		name     string
		pieces   []string
		maxParts int
		patterns []pattern
	}{
		{"Q007 mayHoldSecret", []string{"sk-", "sk-ant-", "sk-proj-", "task-", "xoxb-", "ghp_", "gho_", "github_pat_", "weight_", "sk_live_", "rk_live_",
			"AKIA", "ASIA", "AIza", "eyJ", ".eyJ", "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----",
			"abcdefghij", "ABCDEFGHIJ0123456789", "_-", " ", "\n", "é", "x", "Z9"}, 12, secrets},
		{"Q004 placeholderMayStart", []string{"{", "{{", "[", "<", "insert", "INSERT", "Your", "enter", "add", "Placeholder", "name",
			" ", "}", "}}", "]", ">", "_x", "\n", "é"}, 6, placeholders},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(4, 2))
			matched := 0
			for range 40000 {
				var b []byte
				for range 1 + rng.IntN(tc.maxParts) {
					b = append(b, tc.pieces[rng.IntN(len(tc.pieces))]...)
				}
				for k, p := range tc.patterns {
					if p.re.Match(b) {
						matched++
						if !p.pass(b) {
							t.Fatalf("pattern %d matches %q, which the filter dismisses", k, b)
						}
					}
				}
			}
			if matched < 100 {
				t.Fatalf("only %d matches: the test tests little", matched)
			}
		})
	}
}

// TestFindLoopStaysInText: a text whose end recurs once (`"description":`
// here, from bench/mix's prose data), cut to its length with no spare
// capacity (as a text without escapes is: it aliases the row), once made
// findLoop slice past its end looking for a word start in the unit.
func TestFindLoopStaysInText(t *testing.T) {
	text := []byte("navigate essence, practical from Episode world and Date capabilities, in the for for apart. transactions. " +
		"This clarity bowl? As Can it's When or won of multimedia that Series, Hurts a with help would Apps help \"description\": " +
		"emotion waste 10:00 Hesitantly, of set_home_location find A: Additionally, cheese. to 5.5}} with dark. function its " +
		"Question: can threat amount a = exploring in Super Write \"description\":")
	if unit, n := findLoop(slices.Clip(text)); n != 0 {
		t.Fatalf("findLoop found %q %d times", unit, n)
	}
}

// TestLoremMatchesIndex holds findPlaceholder's lorem ipsum search, which
// starts from each "p", to the plain one: every "orem ipsum" that
// bytes.Index finds, in order, with an "l" or "L" before it. Accept
// refuses each, so that every candidate is seen.
func TestLoremMatchesIndex(t *testing.T) {
	plain := func(text []byte) (at []int) {
		for off := 0; ; {
			j := bytes.Index(text[off:], []byte("orem ipsum"))
			if j < 0 {
				return at
			}
			off += j + 1
			if i := off - 2; i >= 0 && (text[i] == 'l' || text[i] == 'L') {
				at = append(at, i)
			}
		}
	}
	pieces := []string{"Lorem ipsum", "lorem ipsum", "orem ipsum", "lorem ipsu", "Lorem", " ipsum", "p", "psum", "L", "l", " ", "x"}
	rng := rand.New(rand.NewPCG(2, 6))
	for range 20000 {
		var b []byte
		for range rng.IntN(8) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		var got []int
		findPlaceholder(b, true, func(at int, m []byte) bool {
			if !hasLoremAt(b, at) || string(m[1:]) != "orem ipsum" {
				t.Fatalf("%q: accept(%d, %q): not a lorem ipsum", b, at, m)
			}
			got = append(got, at)
			return false
		})
		if want := plain(b); !slices.Equal(got, want) {
			t.Fatalf("%q: lorem ipsum at %v, want %v", b, got, want)
		}
	}
}
