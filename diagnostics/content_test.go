package diagnostics

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/bytescan/bytescantest"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/tokens"
)

// plainBoilerplate is findBoilerplate stated plainly: lower-case the
// text, read "’" as "'", and return the first phrase of the list it holds
// as whole words: a phrase must not start or (when it ends in a letter)
// end inside a word.
func plainBoilerplate(text string) string {
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

// TestFindBoilerplate holds the one-pass phrase search of Q003 to its plain
// statement: lower-case the text, read "’" as "'", and report the first
// phrase of the list it contains. The texts are built from pieces of the
// phrases, in both cases and with both apostrophes, so that near misses,
// overlaps and several phrases in one text are common.
func TestFindBoilerplate(t *testing.T) {
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
		want := plainBoilerplate(text)
		for _, fast := range bytescantest.Modes() {
			restore := bytescantest.Set(fast)
			got := findBoilerplate([]byte(text))
			restore()
			if got != want {
				t.Fatalf("findBoilerplate(%q), %s = %q, want %q", text, bytescantest.Name(fast), got, want)
			}
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
	// With and without an arena; the arena's strings are checked again at
	// the end, since later ones must not overwrite them.
	var arena SummaryArena
	var kept, wanted []string
	for range 20000 {
		b := randomText(rng, pieces, 16)
		want := plain(b)
		for _, a := range []*SummaryArena{nil, &arena} {
			if got := opening(b, a); got != want {
				t.Fatalf("opening(%q) = %q, want %q", b, got, want)
			}
		}
		kept, wanted = append(kept, opening(b, &arena)), append(wanted, want)
	}
	if !slices.Equal(kept, wanted) {
		t.Fatal("an opening made in the arena changed after it was returned")
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
		findTemplateMarker(b, true, nil)
		findUnseen(b, b, true, walkFrom('['), walkFrom('<'))
		findDamage(b, b, allSeqs, allEscapes)
		findLoop(b)
		literalEscape(b)
		htmlEntity(b)
		findPlaceholder(b, true, nil, func(int, []byte) bool { return true })
		findBoilerplate(b)
	}
}

// TestSecretFindMatchesRegexp holds each secret's search from its
// anchors to its pattern's Find over the whole text: on random texts of
// keys, near misses and what may stand before them, and on every string
// of the real datasets.
func TestSecretFindMatchesRegexp(t *testing.T) {
	res := make([]*regexp.Regexp, len(secrets))
	for k, s := range secrets {
		res[k] = regexp.MustCompile(s.pattern)
	}
	check := func(b []byte) {
		for k, s := range secrets {
			if got, want := s.find(b), res[k].Find(b); !bytes.Equal(got, want) || (got == nil) != (want == nil) {
				t.Fatalf("%s in %.200q: find %q, regexp %q", s.name, b, got, want)
			}
		}
	}
	pieces := []string{"sk-", "sk-ant-", "sk-proj-", "sk-admin-", "task-", "xoxb-", "xoxz-", "ghp_", "gho_", "ghx_", "github_pat_", "sk_live_", "rk_live_", "k_live_",
		"AKIA", "ASIA", "AIza", "IA", "eyJ", ".eyJ", "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN ",
		"abcdefghij", "ABCDEFGHIJ0123456789", "0123456789ABCDEF", "_-", " ", "\n", "é", "x", "Z9", "_", "."}
	rng := rand.New(rand.NewPCG(9, 3))
	found := 0
	for range 40000 {
		var b []byte
		for range 1 + rng.IntN(14) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		check(b)
		for _, re := range res {
			if re.Match(b) {
				found++
			}
		}
	}
	if found < 2000 {
		t.Fatalf("only %d matches: the test tests little", found)
	}
	eachRealString(t, func(v jsonpos.Value) { check(v.StrBytes()) })
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
	var secretPatterns []pattern
	for _, s := range secrets {
		secretPatterns = append(secretPatterns, pattern{regexp.MustCompile(s.pattern), func(b []byte) bool { return mayHoldSecret(b, true) && mayHoldSecret(b, false) }})
	}
	for _, tc := range []struct {
		name     string
		pieces   []string
		maxParts int
		patterns []pattern
	}{
		{"Q007 mayHoldSecret", []string{"sk-", "sk-ant-", "sk-proj-", "task-", "xoxb-", "ghp_", "gho_", "github_pat_", "weight_", "sk_live_", "rk_live_",
			"AKIA", "ASIA", "AIza", "eyJ", ".eyJ", "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----",
			"abcdefghij", "ABCDEFGHIJ0123456789", "_-", " ", "\n", "é", "x", "Z9"}, 12, secretPatterns},
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

// placeholderPatterns are the regular expressions that placeholderAt
// stands for.
var placeholderPatterns = []*regexp.Regexp{
	regexp.MustCompile(`^\{\{\s*[A-Za-z_][\w.]*\s*\}\}`),
	regexp.MustCompile(`(?i)^\[(insert|your|enter|add|placeholder)\b[^\]\n]{0,40}\]`),
	regexp.MustCompile(`(?i)^<(insert|your|placeholder)\b[^>\n]{0,40}>`),
}

// TestPlaceholderAtMatchesPatterns holds placeholderAt to the regular
// expressions it stands for, on random text made of pieces that start,
// nearly start or resemble their matches, cut to 64 bytes as Q004 cuts it.
func TestPlaceholderAtMatchesPatterns(t *testing.T) {
	pieces := []string{"{", "{{", "}", "}}", "[", "]", "<", ">", "insert", "INSERT", "inſert", "inſ", "ſ", "Your", "yours", "enter", "add", "Placeholder",
		"placeh", "name", "a.b", "_x", "9", " ", "\t", "\n", "\f", "\v", "\r", "é", "\xff", "\xc5", strings.Repeat("x", 30), strings.Repeat("é", 12)}
	rng := rand.New(rand.NewPCG(4, 3))
	matched := 0
	for range 200000 {
		b := []byte{"{[<"[rng.IntN(3)]}
		for range rng.IntN(8) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		rest := b[:min(len(b), 64)]
		var want []byte
		for _, re := range placeholderPatterns {
			if want = re.Find(rest); want != nil {
				break
			}
		}
		got := placeholderAt(rest)
		if !bytes.Equal(got, want) || (got == nil) != (want == nil) {
			t.Fatalf("placeholderAt(%q) = %q, want %q", rest, got, want)
		}
		if want != nil {
			matched++
		}
	}
	if matched < 1000 {
		t.Fatalf("only %d matches: the test tests little", matched)
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
		findPlaceholder(b, true, nil, func(at int, m []byte) bool {
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

// plainPlaceholder is findPlaceholder stated plainly: at every bracket in
// turn, each pattern as a regular expression; then every lorem ipsum that
// bytes.Index finds; then every TODO, TBD or FIXME word. It offers accept
// the same candidates in the same order.
func plainPlaceholder(text []byte, lorem bool, accept func(at int, m []byte) bool) ([]byte, int) {
	braceField := regexp.MustCompile(`^\{[a-z_]{2,24}\}`)
	code := bytes.Contains(text, fence)
	for i, c := range text {
		if c != '{' && c != '[' && c != '<' {
			continue
		}
		rest := text[i:min(len(text), i+64)]
		for _, re := range placeholderPatterns {
			if m := re.Find(rest); m != nil && accept(i, m) {
				return m, i
			}
		}
		if lorem && c == '[' && (i == 0 || !fieldPrefix(text[i-1]) && text[i-1] != ']' && text[i-1] != '[') {
			if m := bracketField(rest); m != nil && accept(i, m) {
				return m, i
			}
		}
		if !code && c == '{' && (i == 0 || !fieldPrefix(text[i-1])) {
			if m := braceField.Find(rest); m != nil && (len(rest) == len(m) || rest[len(m)] != '}') && accept(i, m) {
				return m, i
			}
		}
	}
	for off := 0; lorem; {
		j := bytes.Index(text[off:], []byte("orem ipsum"))
		if j < 0 {
			break
		}
		off += j + 1
		if i := off - 2; i >= 0 && (text[i] == 'l' || text[i] == 'L') && accept(i, text[i:i+11]) {
			return text[i : i+11], i
		}
	}
	for _, loc := range todoWord.FindAllIndex(text, -1) {
		if accept(loc[0], text[loc[0]:loc[1]]) {
			return text[loc[0]:loc[1]], loc[0]
		}
	}
	return nil, -1
}

// todoWord is what eachTodoWord finds.
var todoWord = regexp.MustCompile(`\b(TODO|TBD|FIXME)\b`)

// samePlaceholders runs findPlaceholder and plainPlaceholder on text with
// an accept that records each candidate and takes those whose offset and
// length give seed's remainder (none when seed is 0), and reports any
// difference. It returns how many candidates accept saw.
func samePlaceholders(t *testing.T, text []byte, lorem bool, seed int) int {
	t.Helper()
	type offer struct {
		at int
		m  string
	}
	run := func(find func([]byte, bool, func(int, []byte) bool) ([]byte, int)) (offers []offer, m []byte, at int) {
		m, at = find(text, lorem, func(at int, m []byte) bool {
			offers = append(offers, offer{at, string(m)})
			return seed > 0 && (at+len(m))%seed == 0
		})
		return offers, m, at
	}
	want, wantM, wantAt := run(plainPlaceholder)
	// Alone, and with the brackets another rule has searched for.
	for _, open := range []*brackets{nil, searched(text)} {
		got, gotM, gotAt := run(func(text []byte, lorem bool, accept func(int, []byte) bool) ([]byte, int) {
			return findPlaceholder(text, lorem, open, accept)
		})
		if !slices.Equal(got, want) || !bytes.Equal(gotM, wantM) || gotAt != wantAt {
			t.Fatalf("findPlaceholder(%q, %v, %v): offers %v, returns %q at %d; want offers %v, %q at %d", text, lorem, open, got, gotM, gotAt, want, wantM, wantAt)
		}
	}
	return len(want)
}

// TestPlaceholderMatchesPlain holds Q004's search (its bracket walk, its
// filters before the patterns, its lorem ipsum search reading one pair of
// bytes in ten) to the plain statement, on random texts made of what it
// looks for and of near misses, and on real text.
func TestPlaceholderMatchesPlain(t *testing.T) {
	pieces := []string{"{", "{{", "}", "}}", "[", "]", "<", ">", "{{ name }}", "{name}", "{first_name}", "{ab", "{a}", "{" + strings.Repeat("x", 24) + "}",
		"{" + strings.Repeat("x", 25) + "}", "[insert", "[INSERT", "[inſert", "[Your Name]", "[Customer Name]", "[enter date]", "[Add", "[placeholder]",
		"<insert", "<your name>", "<Placeholder>", "[1]", "[docs](", "$", "\\", "```", "`", "lorem ipsum", "Lorem ipsum", "orem ipsum", "lorem",
		" ipsum", "ipsum", "p", "TODO", "TBD", "FIXME", "TODOs", "_TODO", "TO", "TB", "FI", "D", "X", "DX", "ME", " ", "\n", "é", "name", "date", "a"}
	rng := rand.New(rand.NewPCG(3, 9))
	offers := 0
	for n := range 50000 {
		b := randomText(rng, pieces, 14)
		// Shift the text by a few bytes so that lorem ipsum falls at every
		// place relative to the pairs read.
		b = append(bytes.Repeat([]byte("x"), n%11), b...)
		offers += samePlaceholders(t, b, n%2 == 0, n%4)
	}
	if offers < 20000 {
		t.Fatalf("only %d candidates: the test tests little", offers)
	}
	for k, r := range realTexts(t) {
		if !r.span {
			samePlaceholders(t, r.text, r.role == "assistant", k%3)
		}
	}
}

// plainTemplateMarker is findTemplateMarker stated plainly: at each
// offset in turn, what may start there, in the order the fast version
// notes its finds (a run of '#', a bracket's marker, a line's), the first
// outside code winning.
func plainTemplateMarker(text []byte, answer bool) (found string, userLine bool) {
	for i := range text {
		var hits []string
		lineStart := i == 0 || text[i-1] == '\n'
		if text[i] == '#' && (i == 0 || text[i-1] != '#') {
			n := i
			for n < len(text) && text[n] == '#' {
				n++
			}
			if n-i >= 2 && lineStart && (n == len(text) || text[n] == '\n' || text[n] == '\r') {
				hits = append(hits, string(text[i:n]))
			} else if n-i == 3 && n < len(text) && text[n] == ' ' {
				for _, h := range alpacaHeaders {
					if e := n + 1 + len(h); hasFoldAt(text, n+1, h) && (e == len(text) || text[e] == ':' || text[e] == '\n') {
						hits = append(hits, string(text[i:min(e+1, len(text))]))
					}
				}
			}
		}
		for _, m := range inlineMarkers {
			if hasFoldAt(text, i, m) {
				hits = append(hits, string(text[i:i+len(m)]))
			}
		}
		rest := string(text[i:])
		if strings.HasPrefix(rest, "<s>") && (i == 0 || strings.HasPrefix(strings.TrimLeft(rest[3:], " "), "[INST]")) {
			hits = append(hits, "<s>")
		}
		if strings.HasPrefix(rest, "</s>") && len(bytes.TrimSpace([]byte(rest[4:]))) == 0 {
			hits = append(hits, "</s>")
		}
		if lineStart {
			for _, m := range speakerMarkers {
				if strings.HasPrefix(rest, m) {
					hits = append(hits, m)
				}
			}
			userLine = userLine || answer && i > 0 && strings.HasPrefix(rest, "User:") && !inCode(text, i)
			k := 0
			for k < len(rest) && k < 3 && '0' <= rest[k] && rest[k] <= '9' {
				k++
			}
			if k > 0 && k+2 < len(rest) && rest[k] == '.' && rest[k+1] == ' ' && hasFoldAt(text, i+k+2, "instruction:") {
				hits = append(hits, rest[:k+2+len("instruction:")])
			}
			if answer && i > 0 && hasFoldAt(text, i, "instruction:") {
				hits = append(hits, rest[:len("instruction:")])
			}
		}
		if found == "" && len(hits) > 0 && !inCode(text, i) {
			found = hits[0]
		}
	}
	return found, userLine
}

// TestTemplateMarkerMatchesPlain holds Q010's search, which walks from
// one '#', bracket or line start to the next, to the plain statement, on
// random texts made of markers, near misses and code, and on real text.
func TestTemplateMarkerMatchesPlain(t *testing.T) {
	pieces := []string{"#", "##", "###", "### ", "Instruction", "instruction:", "Input", ":", "Response:", "Human", "Human:", "Assistant:",
		"USER:", "User:", "### Human", "\n", "\r", "1. ", "12. ", "[INST]", "[/inst]", "<<SYS>>", "<</sys>>", "<start_of_turn>", "<s>", "</s>",
		"<", "[", "<<", "```", "`", " ", "x", "é", "Hello"}
	found := 0
	check := func(text []byte, answer bool) {
		wantM, wantU := plainTemplateMarker(text, answer)
		for _, open := range []*brackets{nil, searched(text)} {
			if gotM, gotU := findTemplateMarker(text, answer, open); gotM != wantM || gotU != wantU {
				t.Fatalf("findTemplateMarker(%q, %v, %v) = %q, %v; want %q, %v", text, answer, open, gotM, gotU, wantM, wantU)
			}
		}
		found += boolInt(wantM != "")
	}
	rng := rand.New(rand.NewPCG(6, 1))
	for n := range 50000 {
		check(randomText(rng, pieces, 16), n%2 == 0)
	}
	if found < 5000 {
		t.Fatalf("only %d texts hold a marker: the test tests little", found)
	}
	for _, r := range realTexts(t) {
		if r.span {
			check(r.text, r.role == "assistant")
		}
	}
}

// TestBoilerplateMatchesPlain holds Q003's search to the plain one on real
// text: each turn's opening, as Q003 reads it, and the whole turn.
func TestBoilerplateMatchesPlain(t *testing.T) {
	for _, r := range realTexts(t) {
		if r.span {
			continue
		}
		for _, text := range [][]byte{r.text[:min(len(r.text), boilerplateSpan)], r.text} {
			want := plainBoilerplate(string(text))
			for _, fast := range bytescantest.Modes() {
				restore := bytescantest.Set(fast)
				got := findBoilerplate(text)
				restore()
				if got != want {
					t.Fatalf("findBoilerplate(%q), %s = %q, want %q", text, bytescantest.Name(fast), got, want)
				}
			}
		}
	}
}

// TestOpeningOnRealText holds opening to strings.Fields on every answer
// of the real rows (realTexts).
func TestOpeningOnRealText(t *testing.T) {
	var arena SummaryArena
	for _, rt := range realTexts(t) {
		if rt.role != "assistant" || rt.span {
			continue
		}
		fields := strings.Fields(string(rt.text[:min(len(rt.text), 200)]))
		want := ""
		if len(fields) >= 4 {
			want = strings.ToLower(strings.Join(fields[:4], " "))
		}
		if got := opening(rt.text, &arena); got != want {
			t.Fatalf("opening(%.80q) = %q, want %q", rt.text, got, want)
		}
	}
}

// BenchmarkOpening takes the opening of every answer of the real rows
// (FTLS_BENCH_FILE, or the public datasets).
func BenchmarkOpening(b *testing.B) {
	var answers [][]byte
	for _, rt := range realTexts(b) {
		if rt.role == "assistant" && !rt.span {
			answers = append(answers, rt.text)
		}
	}
	var arena SummaryArena
	b.ResetTimer()
	for b.Loop() {
		for _, a := range answers {
			_ = opening(a, &arena)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(answers)), "ns/answer")
}

// plainNextMediaWord is nextMediaWord written plainly: the first space
// at or after i with three bytes after it that mediaStart accepts.
func plainNextMediaWord(text []byte, i int) int {
	for k := i; k+3 < len(text); k++ {
		if text[k] == ' ' && mediaStart[text[k+1]&31][text[k+2]&31]>>(text[k+3]&31)&1 != 0 {
			return k + 1
		}
	}
	return -1
}

// TestNextMediaWordMatchesPlain holds Q011's search for media nouns to
// the plain one, with each of bytescan's scans: from every offset of
// random texts of nouns, near misses and bytes that share their low five
// bits, and from the start of every real text.
func TestNextMediaWordMatchesPlain(t *testing.T) {
	var texts [][]byte
	pieces := []string{" ", "  ", "image", "Photo", "PAINTING", "the ", "ima", "pic", " sk", "ske", "audi", "x", "\x09\x0d\x01", "!", "é", "\n", "chart", "Art", "rec"}
	r := rand.New(rand.NewPCG(4, 11))
	for range 3000 {
		var b []byte
		for range r.IntN(60) {
			b = append(b, pieces[r.IntN(len(pieces))]...)
		}
		texts = append(texts, b)
	}
	for _, rt := range realTexts(t) {
		texts = append(texts, rt.text)
	}
	for _, fast := range bytescantest.Modes() {
		t.Run(bytescantest.Name(fast), func(t *testing.T) {
			defer bytescantest.Set(fast)()
			for n, text := range texts {
				for i := 0; i <= len(text); i++ {
					if got, want := nextMediaWord(text, i), plainNextMediaWord(text, i); got != want {
						t.Fatalf("nextMediaWord(%q, %d) = %d, want %d", text, i, got, want)
					}
					if n >= 3000 {
						break // real texts: from the start only
					}
				}
			}
		})
	}
}

// TestPadded holds Q008's test to its definition: padded says a string is
// padded exactly when strings.TrimSpace changes its decoded text; and
// trimString, the fix made when it is applied, writes the trimmed text.
// Random strings are made of escapes, backslash runs and spaces in and
// outside ASCII at either end; the real datasets add theirs.
func TestPadded(t *testing.T) {
	var p jsonpos.Parser
	yes := 0
	check := func(raw []byte) {
		v, err := p.Parse(raw)
		if err != nil || v.Kind() != jsonpos.String {
			return
		}
		s := v.Str()
		trimmed := strings.TrimSpace(s)
		if got, want := padded(raw), trimmed != s; got != want {
			t.Fatalf("padded(%s) = %v; decoded %q", raw, got, s)
		} else if got {
			yes++
		}
		got, err := trimString(raw)
		if want := quoted(trimmed); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("trimString(%s) = %s, %v; want %s", raw, got, err, want)
		}
	}
	pieces := []string{" ", "\t", `\n`, `\t`, `\r`, `\f`, `\b`, `\\`, `\\n`, `\\\n`, `n`, `\u0020`, `\u00a0`, `\u2028`, `\ud83d\ude00`, `\"`,
		`\u3000`, `\u0085`, `\ud83d`, `\u4e2d`, "\u00a0", "\u3000", "\u0085", "é", "😀", "a", "\xff", "\xe3\x80"}
	rng := rand.New(rand.NewPCG(8, 1))
	for range 60000 {
		b := []byte{'"'}
		for range 1 + rng.IntN(5) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		check(append(b, '"'))
	}
	if yes < 10000 {
		t.Fatalf("only %d strings were padded: the test tests little", yes)
	}
	eachRealString(t, func(v jsonpos.Value) { check(bytes.Clone(v.Raw())) })
}

// TestContentTextInArena holds the turn text Turns makes of a list of
// content parts, in the row's arena, to ContentText: the parts' texts
// ("text", or "value" when there is no "text") joined by newlines, parts
// without a string text left out, an empty text making no newline of its
// own.
func TestContentTextInArena(t *testing.T) {
	parts := []string{`{"type":"text","text":"Hello"}`, `{"type":"text","text":""}`, `{"type":"text","value":"v é"}`,
		`{"type":"image_url","image_url":{"url":"x"}}`, `{"type":"text","text":1}`, `{"type":"text","text":"a\nb \u00e9\ud83d\ude00"}`,
		`{"type":"text","text":"x","value":"y"}`, `"bare"`, `{}`}
	rng := rand.New(rand.NewPCG(2, 7))
	s := DefaultSettings()
	var p jsonpos.Parser
	for range 3000 {
		var list []string
		for range rng.IntN(5) {
			list = append(list, parts[rng.IntN(len(parts))])
		}
		row := `{"messages":[{"role":"user","content":[` + strings.Join(list, ",") + `]},{"role":"assistant","content":"ok"}]}`
		c := NewRowContext(&dataset.Row{Text: []byte(row)}, &p, s)
		if len(c.Messages) != 2 {
			t.Fatalf("%s: %d messages", row, len(c.Messages))
		}
		want := ContentText(c.Messages[0].Content)
		if got := c.contentText(c.Messages[0].Content); string(got) != want || got == nil {
			t.Fatalf("%s: %q, ContentText %q", row, got, want)
		}
	}
}

// TestSourceBound holds Q001's bound from the source to the one from the
// decoded texts it spares: never below it, on random chat and ShareGPT
// rows of escapes, content parts, names, tool calls and tools, and on
// every row of the real datasets.
func TestSourceBound(t *testing.T) {
	texts := []string{`"a"`, `""`, `"\\\\"`, `"\\n\\t\\\""`, `"\\u00e9\\u4e2d\\ud83d\\ude00"`, `"é中😀"`, `"x\\\\n"`, `"\\\\\\\\\\\\"`}
	text := func(rng *rand.Rand) string {
		var b strings.Builder
		b.WriteByte('"')
		for range rng.IntN(6) {
			t := texts[rng.IntN(len(texts))]
			b.WriteString(t[1 : len(t)-1])
		}
		b.WriteByte('"')
		return b.String()
	}
	rng := rand.New(rand.NewPCG(6, 1))
	s := DefaultSettings()
	var p jsonpos.Parser
	check := func(row string) {
		c := NewRowContext(&dataset.Row{Text: []byte(row)}, &p, s)
		if c.ParseErr != nil || c.Format != dataset.Chat && c.Format != dataset.ShareGPT {
			return
		}
		if got, want := sourceBound(c), tokens.UpperBound(TokenMessages(c)); got < want {
			t.Fatalf("%s: bound %d from the source, %d from the texts", row, got, want)
		}
	}
	for range 20000 {
		var msgs []string
		for range 1 + rng.IntN(4) {
			switch rng.IntN(4) {
			case 0:
				msgs = append(msgs, `{"role":"user","content":[{"type":"text","text":`+text(rng)+`},{"type":"text","text":`+text(rng)+`},{"type":"text","value":`+text(rng)+`}]}`)
			case 1:
				msgs = append(msgs, `{"role":"assistant","name":`+text(rng)+`,"tool_calls":[{"id":"c","type":"function","function":{"name":`+text(rng)+`,"arguments":`+text(rng)+`}}]}`)
			default:
				msgs = append(msgs, `{"role":"assistant","content":`+text(rng)+`}`)
			}
		}
		check(`{"messages":[` + strings.Join(msgs, ",") + `]}`)
		check(`{"messages":[` + strings.Join(msgs, ",") + `],"tools":[{"type":"function","function":{"name":` + text(rng) + `}}]}`)
		check(`{"conversations":[{"from":"human","value":` + text(rng) + `},{"from":"gpt","value":` + text(rng) + `}]}`)
	}
	// Where escaped backslashes are most of the text, the bound is tight:
	// a backslash less of it subtracted for each would fall below.
	for _, body := range []string{strings.Repeat(`\\`, 2000), strings.Repeat(`\\\n`, 1000), strings.Repeat(`\u4e2d`, 500)} {
		check(`{"messages":[{"role":"user","content":"` + body + `"},{"role":"assistant","content":"` + body + `"}]}`)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "datasets", "*.json*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if rows, _, err := dataset.ReadArray(data); err == nil {
			for _, r := range rows {
				check(string(r.Text))
			}
			continue
		}
		for line := range bytes.Lines(data) {
			check(string(bytes.TrimRight(line, "\r\n")))
		}
	}
}
