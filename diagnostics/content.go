package diagnostics

// More of the Q family: what the text of a conversation says. Thresholds
// and phrase lists were chosen by running them over the public datasets in
// the repository's test corpus; see docs/rules.md for each default. Each
// rule is a file of its own (q002_response_length.go to q007_secret.go);
// this file holds what they share.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// words counts the words of text: runs of non-space bytes.
func words(text []byte) int {
	n, in := 0, false
	for _, c := range text {
		space := c == ' ' || c == '\n' || c == '\t' || c == '\r'
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

// lengthLimits are the answer lengths, in words, outside which Q002 speaks
// up for each response_length of the plan.
var lengthLimits = map[string][2]int{
	"brief":        {0, 150},
	"moderate":     {15, 400},
	"detailed":     {60, math.MaxInt},
	"step-by-step": {40, math.MaxInt},
}

func limitText(l [2]int) string {
	switch {
	case l[1] == math.MaxInt:
		return fmt.Sprintf("at least %d words", l[0])
	case l[0] == 0:
		return fmt.Sprintf("at most %d words", l[1])
	}
	return fmt.Sprintf("%d to %d words", l[0], l[1])
}

// reportTurn reports on the content of turn i of a chat or ShareGPT row, or
// on the whole row for formats whose turns are not messages.
func (c *RowContext) reportTurn(code string, i int, format string, args ...any) {
	if len(c.Messages) == len(c.Turns()) && i < len(c.Messages) && c.Messages[i].Content.Exists() {
		c.ReportValue(code, c.Messages[i].Content, nil, format, args...)
		return
	}
	c.ReportRow(code, nil, format, args...)
}

var boilerplate = []string{
	"as an ai language model", "as a large language model", "as an ai assistant", "as an ai,",
	"i'm sorry, but i can't", "i am sorry, but i cannot", "i'm sorry, but i cannot", "i cannot assist with",
	"i can't assist with", "i'm unable to provide", "i am unable to provide", "i don't have personal opinions",
	"i do not have personal opinions", "as of my last knowledge update", "as of my knowledge cutoff",
	"my training data only goes", "i don't have access to real-time", "i do not have access to real-time",
	// "I am an AI" and "I'm a language model" alone open identity answers
	// ("I'm a language model trained by..."), which datasets mean to teach;
	// only the hedging forms are boilerplate.
	"i am an ai and", "i'm an ai and", "i am an ai,", "i'm an ai,", "i am an ai language model", "i'm an ai language model",
	"i'm just an ai", "i am just an ai", "i'm only an ai", "i am only an ai",
	"i cannot browse the internet", "i can't browse the internet", "i am unable to browse the internet",
	"i'm unable to browse the internet", "i don't have the ability to browse", "i do not have the ability to browse",
	"as of my last update", "as of my training cutoff",
	// German, French and Spanish: the same disclaimers as generated
	// datasets in those languages carry them.
	"als ki-sprachmodell", "als ki-assistent", "als künstliche intelligenz", "als sprachmodell",
	"en tant que modèle de langage", "en tant qu'ia", "en tant qu'intelligence artificielle", "en tant qu'assistant ia",
	"como modelo de lenguaje", "como un modelo de lenguaje", "como una ia", "como inteligencia artificial", "como asistente de ia",
}

// boilerplateByInitial lists, for each first letter, the indexes of the
// phrases that start with it, in order.
var boilerplateByInitial = func() (t [256][]int) {
	for k, p := range boilerplate {
		t[p[0]] = append(t[p[0]], k)
	}
	return t
}()

// The pairs of bytes a boilerplate phrase opens with, ignoring case: "as",
// "my", "i" before a space or an apostrophe ("'" or the first byte of
// "’"), "al", "en" and "co". (TestFindBoilerplate fails if a phrase is
// added that opens otherwise.)
const (
	pairAs = 1 << iota
	pairMy
	pairI
	pairAl
	pairEn
	pairCo
)

// boilerplateBytes classes each byte for findBoilerplate: bits 0-7, the
// pairs it may open; bits 8-15, those it may close; bits 16-23 all set if
// it is not an ASCII letter, so that a word may start after it.
var boilerplateBytes = func() (t [256]uint32) {
	for _, p := range []struct {
		first, second string
		pair          uint32
	}{{"aA", "sS", pairAs}, {"mM", "yY", pairMy}, {"iI", " '\xe2", pairI}, {"aA", "lL", pairAl}, {"eE", "nN", pairEn}, {"cC", "oO", pairCo}} {
		for _, c := range []byte(p.first) {
			t[c] |= p.pair
		}
		for _, c := range []byte(p.second) {
			t[c] |= p.pair << 8
		}
	}
	for c := range t {
		if !isLetter(byte(c)) {
			t[c] |= 0xff << 16
		}
	}
	return t
}()

// boilerplateSpan is how much of the start of an answer Q003 reads: the
// phrases it looks for open an answer ("As an AI language model, ...",
// "I'm sorry, but ..."), and reading only the opening keeps the rule cheap
// on long answers.
const boilerplateSpan = 400

// findBoilerplate returns the first phrase of the boilerplate list that
// text contains as whole words, ignoring ASCII case and reading a
// typographic apostrophe as "'"; "" when it has none. Every phrase starts
// with "as", "al", "my", "en", "co", "i " or "i'", so only the positions
// that start a word so are tried: one pass over the text instead of
// lower-casing a copy and searching it once per phrase.
func findBoilerplate(text []byte) string {
	if len(text) < 2 {
		return ""
	}
	best := len(boilerplate)
	// Each position is tested with three table lookups and no branch (its
	// byte, the one before and the next), and the branch is taken at one
	// position in a hundred or so: branching on the first letter alone
	// mispredicted at many word starts, and cost 1.6-1.8 times as much.
	// (Four positions at a time, with one branch, ran no faster.) cur is
	// the class of byte i-1, prev that of byte i-2.
	prev, cur := uint32(0xff<<16), boilerplateBytes[text[0]]
	for i := 1; i < len(text); i++ {
		next := boilerplateBytes[text[i]]
		p := cur & (next >> 8) & (prev >> 16) & 0xff
		prev, cur = cur, next
		if p == 0 {
			continue
		}
		if best = boilerplateAt(text, i-1, best); best == 0 {
			break
		}
	}
	if best == len(boilerplate) {
		return ""
	}
	return boilerplate[best]
}

// boilerplateAt returns the index of the first phrase before best that
// text has at k, or best.
func boilerplateAt(text []byte, k int, best int) int {
	// The text's next eight bytes, compared with each phrase's first eight
	// before the byte-by-byte match: most candidates start no phrase, and
	// "as " or "I am" alone open several.
	var head [8]byte
	copy(head[:], text[k:])
	x := binary.LittleEndian.Uint64(head[:]) | caseBits
	for _, n := range boilerplateByInitial[text[k]|0x20] {
		if n >= best {
			break
		}
		if h := boilerplateHeads[n]; (x == h[0] || x == h[1]) && hasPrefixFold(text[k:], boilerplate[n]) && !letterAfter(text[k:], boilerplate[n]) {
			return n
		}
	}
	return best
}

// caseBits, ORed into eight bytes, lower-cases the ASCII letters among
// them. It changes other bytes too, but alike in text and phrase, so that
// bytes equal but for the case of letters stay equal.
const caseBits = 0x2020202020202020

// boilerplateHeads holds the first eight bytes of each phrase (all have
// more), as caseBits leaves them: with "'", and with "’" for it.
var boilerplateHeads = func() (h [][2]uint64) {
	for _, p := range boilerplate {
		h = append(h, [2]uint64{
			binary.LittleEndian.Uint64([]byte(p[:8])) | caseBits,
			binary.LittleEndian.Uint64([]byte(strings.ReplaceAll(p, "'", "’")[:8])) | caseBits,
		})
	}
	return h
}()

// letterAfter reports whether the phrase p that text starts with ends in
// the middle of a word ("i am an ai" in "I am an aide"); a phrase ending in
// punctuation ends where it ends.
func letterAfter(text []byte, p string) bool {
	n := prefixLen(text, p)
	return isLetter(p[len(p)-1]) && n < len(text) && isLetter(text[n])
}

// prefixLen returns how many bytes of text the phrase p covers, for a text
// that hasPrefixFold matches.
func prefixLen(text []byte, p string) int {
	j := 0
	for k := 0; k < len(p); k++ {
		if p[k] == '\'' && text[j] == 0xE2 {
			j += 3
			continue
		}
		j++
	}
	return j
}

// hasPrefixFold reports whether text starts with phrase (lower-case ASCII),
// ignoring ASCII case and matching "'" in phrase with "’" in text too.
func hasPrefixFold(text []byte, phrase string) bool {
	j := 0
	for k := 0; k < len(phrase); k++ {
		if j >= len(text) {
			return false
		}
		c := text[j]
		if phrase[k] == '\'' && c == 0xE2 && j+2 < len(text) && text[j+1] == 0x80 && text[j+2] == 0x99 {
			j += 3
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != phrase[k] {
			return false
		}
		j++
	}
	return true
}

var (
	placeholderRes = []*regexp.Regexp{
		regexp.MustCompile(`^\{\{\s*[A-Za-z_][\w.]*\s*\}\}`),
		regexp.MustCompile(`(?i)^\[(insert|your|enter|add|placeholder)\b[^\]\n]{0,40}\]`),
		regexp.MustCompile(`(?i)^<(insert|your|placeholder)\b[^>\n]{0,40}>`),
	}
	todoWord = regexp.MustCompile(`\b(TODO|TBD|FIXME)\b`)
)

// findPlaceholder returns the first placeholder in text that accept
// takes, and its offset; nil when there is none. Lorem ipsum and bracketed
// fields ("[Customer Name]") are looked for only when lorem is set (in
// answers). Rather than running every
// pattern over the whole text, it jumps from one opening bracket to the
// next and tries the patterns there, which keeps the rule cheap on text
// that has none.
func findPlaceholder(text []byte, lorem bool, accept func(at int, m []byte) bool) ([]byte, int) {
	// Whether the text holds a code fence, looked for at the first "{"
	// that may open a field: most texts have none.
	code := -1
	curly, square, angle := nextByte{c: '{', at: -1}, nextByte{c: '[', at: -1}, nextByte{c: '<', at: -1}
	for i := 0; ; i++ {
		i = min(curly.from(text, i), square.from(text, i), angle.from(text, i))
		if i == len(text) {
			break
		}
		rest := text[i:min(len(text), i+64)]
		for k, re := range placeholderRes {
			if !placeholderMayStart(rest, k) {
				continue
			}
			if m := re.Find(rest); m != nil && accept(i, m) {
				return m, i
			}
		}
		// A prompt's "[Name]" is the user's text to work on.
		if lorem && rest[0] == '[' && (i == 0 || !fieldPrefix(text[i-1]) && text[i-1] != ']' && text[i-1] != '[') {
			if m := bracketField(rest); m != nil && accept(i, m) {
				return m, i
			}
		}
		// A lone {field} is only a placeholder outside code, where braces
		// are syntax.
		if rest[0] == '{' && (i == 0 || !fieldPrefix(text[i-1])) {
			m := braceField(rest)
			if m == nil || len(rest) > len(m) && rest[len(m)] == '}' {
				continue
			}
			if code < 0 {
				code = boolInt(bytes.Contains(text, fence))
			}
			if code == 0 && accept(i, m) {
				return m, i
			}
		}
	}
	for i := 0; lorem; i += len("lorem ipsum") {
		if i = indexLorem(text, i); i < 0 {
			break
		}
		if accept(i, text[i:i+11]) {
			return text[i : i+11], i
		}
	}
	// From rare bytes: 'D' of "TODO" and "TBD" (one search for both), 'X'
	// of "FIXME".
	if hasAnchored(text, 'D', "TODO", "TBD", 2) || hasAnchored(text, 'X', "FIXME", "", 2) {
		for _, loc := range todoWord.FindAllIndex(text, -1) {
			if accept(loc[0], text[loc[0]:loc[1]]) {
				return text[loc[0]:loc[1]], loc[0]
			}
		}
	}
	return nil, -1
}

// placeholderMayStart reports whether rest, which starts with a bracket,
// may start a match of placeholderRes[k]: most brackets start none, and
// running the patterns cost more than the rest of Q004. "{{", or "[" or
// "<" before one of the words the pattern names, in either case. "insert"
// is checked up to its "s" only, which the pattern also matches as "ſ"
// (U+017F); no other letter of the words has a non-ASCII case fold.
func placeholderMayStart(rest []byte, k int) bool {
	if len(rest) < 2 {
		return false
	}
	word := func(words ...string) bool {
		for _, w := range words {
			if hasFoldAt(rest, 1, w) {
				return true
			}
		}
		return false
	}
	switch k {
	case 0:
		return rest[0] == '{' && rest[1] == '{'
	case 1:
		return rest[0] == '[' && word("in", "your", "enter", "add", "placeholder")
	case 2:
		return rest[0] == '<' && word("in", "your", "placeholder")
	}
	return true
}

// braceField returns the "{field}" that rest opens with, two to 24
// lower-case letters or underscores in braces, or nil.
func braceField(rest []byte) []byte {
	n := 1
	for n < len(rest) && n <= 25 && (rest[n] == '_' || 'a' <= rest[n] && rest[n] <= 'z') {
		n++
	}
	if n < 3 || n > 25 || n == len(rest) || rest[n] != '}' {
		return nil
	}
	return rest[:n+1]
}

// nextByte finds the bytes c of a text in order: from(text, i) is the
// position of the first c at or after i, or len(text). Each search starts
// where the last one ended, so that a caller walking from one bracket of a
// text to the next, of whichever kind, searches each byte of the text once
// per kind of bracket. at is -1 before the first search.
type nextByte struct {
	c  byte
	at int
}

func (n *nextByte) from(text []byte, i int) int {
	if n.at < i {
		n.at = len(text)
		if j := bytes.IndexByte(text[i:], n.c); j >= 0 {
			n.at = i + j
		}
	}
	return n.at
}

// indexLorem returns the offset of the first "lorem ipsum" in text at or
// after from, with either case of its "L", or -1. It reads one pair of
// bytes in ten: every "lorem ipsum" covers exactly one pair that starts at
// a multiple of ten, one of the ten pairs it is made of, and few pairs of
// prose are. A search from each "p" (the rarest of its bytes) stopped
// every 50 bytes or so of English.
func indexLorem(text []byte, from int) int {
	for j := (from + 9) / 10 * 10; j+1 < len(text); j += 10 {
		k := loremPairs[0][text[j]] & loremPairs[1][text[j+1]]
		if k == 0 {
			continue
		}
		if i := j - bits.TrailingZeros16(k); i >= from && hasLoremAt(text, i) {
			return i
		}
	}
	return -1
}

// loremPairs[0][c] has bit k set when "lorem ipsum" (or "Lorem ipsum") has
// c at k, for k < 10; loremPairs[1][c], when it has c at k+1. So bytes a, b
// are its pair at k when bit k of loremPairs[0][a] & loremPairs[1][b] is
// set; its ten pairs are distinct, so one bit at most is.
var loremPairs = func() (t [2][256]uint16) {
	for _, s := range []string{"lorem ipsum", "Lorem ipsum"} {
		for k := range 10 {
			t[0][s[k]] |= 1 << k
			t[1][s[k+1]] |= 1 << k
		}
	}
	return t
}()

// hasAnchored reports whether text contains word or word2 (unless it is
// ""), whose bytes at k are anchor, searched from the anchor: rare bytes
// give fewer false starts.
func hasAnchored(text []byte, anchor byte, word, word2 string, k int) bool {
	at := func(i int, w string) bool {
		return w != "" && i >= 0 && i+len(w) <= len(text) && string(text[i:i+len(w)]) == w
	}
	for off := 0; ; off++ {
		j := bytes.IndexByte(text[off:], anchor)
		if j < 0 {
			return false
		}
		off += j
		if at(off-k, word) || at(off-k, word2) {
			return true
		}
	}
}

// hasLoremAt reports whether text holds "lorem ipsum" at i, with either
// case of its first letter.
func hasLoremAt(text []byte, i int) bool {
	return i+len("lorem ipsum") <= len(text) && (text[i] == 'l' || text[i] == 'L') && string(text[i+1:i+11]) == "orem ipsum"
}

// fieldPrefix reports whether c before a brace makes it syntax rather than
// a placeholder: ${x}, \\begin{x}, name{x}, {{x}}, /users/{id}, Ruby's
// #{x}, a quoted "{x}" format string.
func fieldPrefix(c byte) bool {
	return c == '$' || c == '{' || c == '\\' || c == '_' || c == '/' || c == '#' || c == '"' || c == '\'' || c == '%' ||
		'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// signOffSpan is how close to the end of an answer a "[Your Name]" must be
// to be a letter's sign-off, which Q004 notes at info severity: the reader
// of a drafted letter fills it in, so it is a lesser defect.
const signOffSpan = 200

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var (
	secretRes = []struct {
		name string
		re   *regexp.Regexp
	}{
		{"an Anthropic API key", regexp.MustCompile(`\bsk-ant-[A-Za-z0-9_-]{20,}`)},
		{"an OpenAI API key", regexp.MustCompile(`\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}`)},
		{"an AWS access key", regexp.MustCompile(`\b(AKIA|ASIA)[0-9A-Z]{16}\b`)},
		{"a GitHub token", regexp.MustCompile(`\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})`)},
		{"a Slack token", regexp.MustCompile(`\bxox[abprs]-[A-Za-z0-9-]{10,}`)},
		{"a Google API key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}`)},
		{"a Stripe live key", regexp.MustCompile(`\b[sr]k_live_[0-9A-Za-z]{20,}`)},
		{"a JSON Web Token", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`)},
		{"a private key", regexp.MustCompile(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`)},
	}
)

// mayHoldSecret looks for the prefixes of the credentials secretRes
// matches, anchored on bytes that are rare in prose ('-', '_', 'A', 'J'),
// so that a row without any is dismissed with a few vectorised scans.
//
// In decoded text (a turn's, not the row's JSON) a prefix counts only at
// the start of a word, where \b in the patterns wants it: "task-" and
// "weight_" are frequent in prose, and the patterns cost far more than
// this. (In JSON, "\nsk-" has a letter before the "s".)
func mayHoldSecret(text []byte, decoded bool) bool {
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
	}) || before('A', func(p []byte) bool {
		// One search for three prefixes: AWS's anywhere, Google's at a
		// word's start.
		rest := text[len(p):]
		return bytes.HasPrefix(rest, []byte("AKIA")) || bytes.HasPrefix(rest, []byte("ASIA")) ||
			bytes.HasPrefix(rest, []byte("AIz")) && starts(p, 0)
	}) || before('J', func(p []byte) bool { return bytes.HasSuffix(p, []byte("ey")) && starts(p, 2) })
}

// isWordChar reports whether c is an ASCII word character, as \b in a
// regular expression sees it.
func isWordChar(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// nth returns the element that would be at index k of v sorted, without
// sorting v when its values are small (word counts are): counting them is
// linear, and the server runs this after every pause in typing.
func nth(v []int32, k int) int32 {
	hi := int32(0)
	for _, x := range v {
		if x < 0 {
			hi = -1
			break
		}
		hi = max(hi, x)
	}
	if hi < 0 || int(hi) > 4*len(v)+1<<16 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[k]
	}
	counts := make([]int32, hi+1)
	for _, x := range v {
		counts[x]++
	}
	seen := 0
	for x, n := range counts {
		if seen += int(n); seen > k {
			return int32(x)
		}
	}
	return hi
}

// opening returns the first four words of text, lower-cased, or "" when it
// has fewer; the string is made in a (nil for a fresh one).
func opening(text []byte, a *SummaryArena) string {
	text = text[:min(len(text), 200)]
	// The bounds of the first four fields, as strings.Fields splits: every
	// row has one, and splitting a string copy of the text allocated three
	// times per row.
	var bounds [4][2]int
	n, start, ascii := 0, -1, true
	for i := 0; i < len(text) && n < 4; {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRune(text[i:])
			ascii = false
		}
		if space := r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\v' || r == '\f' || r > 0x7f && unicode.IsSpace(r); !space && start < 0 {
			start = i
		} else if space && start >= 0 {
			bounds[n] = [2]int{start, i}
			n, start = n+1, -1
		}
		i += size
	}
	if n < 4 && start >= 0 {
		bounds[n] = [2]int{start, len(text)}
		n++
	}
	if n < 4 {
		return ""
	}
	out := make([]byte, 0, bounds[3][1]-bounds[0][0])
	for k, b := range bounds {
		if k > 0 {
			out = append(out, ' ')
		}
		out = append(out, text[b[0]:b[1]]...)
	}
	if !ascii {
		return strings.ToLower(string(out))
	}
	for i, c := range out {
		if 'A' <= c && c <= 'Z' {
			out[i] = c + 'a' - 'A'
		}
	}
	return a.string(out)
}
