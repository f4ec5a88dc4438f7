package diagnostics

import (
	"bytes"
	"math/bits"
	"strings"
	"unicode/utf8"
)

func init() {
	register(&Rule{
		Code: "Q004", Name: "placeholder", Severity: Warning,
		Summary: "template placeholder left in the text",
		Doc: Doc{
			What: "Reports placeholders left from templates or generators: `{{name}}`, `[INSERT ...]`, `[Your Name]`, `<placeholder>`, `lorem ipsum`, a `TODO` or `TBD` as a word, `{name}`-style fields outside code, and in answers the bracketed fields of letter and form templates (`[Customer Name]`, `[Date]`, `[number of years]`: up to five words, one naming a field such as name, date, address, company or number), though not Markdown links, citations such as `[1]`, check boxes or a song's `[Chorus]`. Nothing inside fenced or inline code or in an answer that is code is reported, nor `/users/{id}`, `#{x}` or quoted format strings, nor an answer's placeholder that its prompt holds too, nor any in the answer to a task about templates or placeholders; lorem ipsum counts only in answers. A name field (\"[Your Name]\", \"[Name]\") on its own line closing a letter is noted at info.",
			Why:  "The model learns to print the placeholder itself, as a template variable, to real users.",
			Bad:  `{"role": "assistant", "content": "Hello! I am {{name}}, developed by {{author}}."}`,
			Good: `{"role": "assistant", "content": "Hello! I am Sam, Northwind's support assistant."}`,
			Fix:  "Fill in the value.",
		},
		Row: checkPlaceholders,
	})
}

func checkPlaceholders(c *RowContext) {
	turns := c.Turns()
	// The prompt decides what an answer may hold: a placeholder the user
	// wrote, or any when the task is about templates. Both are looked at
	// only once a placeholder is found, which is rare.
	var prompt []byte
	for _, t := range turns {
		if t.Role == "user" {
			prompt = t.Text
		}
	}
	templating := func() bool {
		for _, t := range turns {
			if t.Role == "user" && (containsFold(t.Text, "placeholder") || containsFold(t.Text, "template") ||
				containsFold(t.Text, "jinja") || containsFold(t.Text, "fill in")) {
				return true
			}
		}
		return false
	}
	next := 0
	for i, t := range turns {
		if t.Role == "system" && len(turns) > 1 {
			continue
		}
		answer, code := t.Role == "assistant", -1
		m, at := findPlaceholder(t.Text, answer, c.turnBrackets(t.Text, &next), func(at int, m []byte) bool {
			if code < 0 {
				code = boolInt(looksLikeCode(t.Text) || answer && templating())
			}
			switch {
			case code == 1 || inCode(t.Text, at):
				return false
			case bytes.EqualFold(m, []byte("lorem ipsum")):
				// Lorem ipsum in a prompt is text to work on.
				return answer && !containsFold(prompt, "lorem ipsum")
			case answer && bytes.Contains(prompt, m):
				return false
			}
			return true
		})
		if m == nil {
			continue
		}
		n := len(c.diags)
		c.reportTurn("Q004", i, "%s text contains the placeholder %q", t.Role, m)
		// "[Your Name]" near the end, or a name field on a line of its own
		// there, signs a letter off; "Dear [Customer Name]," does not.
		signOff := m[0] == '[' && containsFold(m, "name") && (hasFoldAt(m, 1, "your") || at == 0 || t.Text[at-1] == '\n')
		if len(c.diags) > n && answer && len(t.Text)-at <= signOffSpan && signOff {
			if d := &c.diags[n]; d.Severity < Info {
				d.Severity = Info
			}
		}
	}
}

// fieldNouns name what a letter or form template leaves to fill in:
// "[Customer Name]", "[Date]", "[number of years]".
var fieldNouns = []string{"name", "date", "address", "email", "e-mail", "phone", "number", "company",
	"organization", "organisation", "business", "title", "position", "city", "recipient", "signature",
	"amount", "contact", "location", "website", "product", "job", "school", "university", "industry"}

// bracketField returns the placeholder that rest opens with, a bracketed
// field such as "[Customer Name]" or "[number of years]": one to five
// words of letters, one of them a field noun. A Markdown link ("[the
// docs](url)", "[docs][1]"), a citation ("[1]"), a song's "[Chorus]" and
// code ("a[i]", which the caller rules out by the byte before) are not.
func bracketField(rest []byte) []byte {
	end := bytes.IndexByte(rest, ']')
	if end < 2 || end+1 < len(rest) && (rest[end+1] == '(' || rest[end+1] == '[' || rest[end+1] == ':') {
		return nil
	}
	words, noun := 1, false
	for _, w := range bytes.Fields(rest[1:end]) {
		words++
		// A possessive's apostrophe may be typographic: "[Student’s Name]".
		w = bytes.TrimSuffix(bytes.TrimSuffix(w, []byte("’s")), []byte("'s"))
		for _, c := range w {
			if !isLetter(c) && c != '\'' && c != '-' {
				return nil
			}
		}
		lw := lowerASCII(w)
		noun = noun || matchAny(lw, fieldNouns) || matchAny(strings.TrimSuffix(lw, "s"), fieldNouns)
	}
	if !noun || words > 6 || rest[1] == ' ' {
		return nil
	}
	return rest[:end+1]
}

// findPlaceholder returns the first placeholder in text that accept
// takes, and its offset; nil when there is none. Lorem ipsum and bracketed
// fields ("[Customer Name]") are looked for only when lorem is set (in
// answers). Rather than running every pattern over the whole text, it
// jumps from one opening bracket to the next and tries the patterns
// there, which keeps the rule cheap on text that has none; open holds
// where text's first '[' and '<' stand, or is nil.
func findPlaceholder(text []byte, lorem bool, open *brackets, accept func(at int, m []byte) bool) ([]byte, int) {
	// Whether the text holds a code fence, looked for at the first "{"
	// that may open a field: most texts have none.
	code := -1
	curly := walkFrom('{')
	square, angle := open.start(text)
	for i := 0; ; i++ {
		i = min(curly.from(text, i), square.from(text, i), angle.from(text, i))
		if i == len(text) {
			break
		}
		rest := text[i:min(len(text), i+64)]
		if m := placeholderAt(rest); m != nil && accept(i, m) {
			return m, i
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
	found, at := []byte(nil), -1
	eachTodoWord(text, func(start, end int) bool {
		if accept(start, text[start:end]) {
			found, at = text[start:end], start
			return false
		}
		return true
	})
	return found, at
}

// eachTodoWord calls yield with the start and end of each whole word TODO,
// TBD or FIXME in text, in order, until yield returns false: the matches
// of `\b(TODO|TBD|FIXME)\b`. It searches for the rare byte each word
// holds two bytes in ('D', 'X'); the regular expression, run over all of a
// text that holds one, was half the check of rows of code.
func eachTodoWord(text []byte, yield func(start, end int) bool) {
	if len(text) < 3 {
		return
	}
	d, x := walkFrom('D'), walkFrom('X')
	for i := 2; ; i++ {
		if i = min(d.from(text, i), x.from(text, i)); i == len(text) {
			return
		}
		start := i - 2
		word := "TBD"
		if text[i] == 'X' {
			word = "FIXME"
		} else if text[start+1] == 'O' {
			word = "TODO"
		}
		end := start + len(word)
		if end <= len(text) && string(text[start:end]) == word &&
			(start == 0 || !isWordChar(text[start-1])) && (end == len(text) || !isWordChar(text[end])) &&
			!yield(start, end) {
			return
		}
	}
}

// placeholderAt returns the placeholder that rest, at most 64 bytes from
// a bracket, opens with: "{{ name }}", "[Insert ...]" or "<your ...>", as
// the regular expressions in the comments below match them. Running the
// expressions themselves at each bracket cost more than the rest of Q004.
func placeholderAt(rest []byte) []byte {
	if len(rest) < 2 {
		return nil
	}
	switch rest[0] {
	case '{':
		return templateVariable(rest)
	case '[':
		return promptField(rest, ']', bracketWords)
	case '<':
		return promptField(rest, '>', angleWords)
	}
	return nil
}

// templateVariable returns the "{{ name }}" that rest opens with, or nil:
// `^\{\{\s*[A-Za-z_][\w.]*\s*\}\}`.
func templateVariable(rest []byte) []byte {
	if rest[1] != '{' {
		return nil
	}
	i := skipRESpace(rest, 2)
	if i == len(rest) || !isLetter(rest[i]) && rest[i] != '_' {
		return nil
	}
	for i++; i < len(rest) && (isWordChar(rest[i]) || rest[i] == '.'); i++ {
	}
	if i = skipRESpace(rest, i); i+1 < len(rest) && rest[i] == '}' && rest[i+1] == '}' {
		return rest[:i+2]
	}
	return nil
}

// skipRESpace returns the index of the first byte at or after i that is
// not white space as \s has it: tab, line feed, form feed, carriage
// return, space.
func skipRESpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\f' || b[i] == '\r') {
		i++
	}
	return i
}

// The words that open a field left to fill in, "[Insert name]" or "<your
// email>"; their first letters differ, so one at most matches.
var (
	bracketWords = []string{"insert", "your", "enter", "add", "placeholder"}
	angleWords   = []string{"insert", "your", "placeholder"}
)

// promptField returns the field that rest opens with, or nil: after its
// bracket one of words, in any case, ending a word, then up to 40
// characters other than close and a line break, then close. It is
// `(?i)^\[(insert|your|...)\b[^\]\n]{0,40}\]` with close ']'.
func promptField(rest []byte, close byte, words []string) []byte {
	for _, w := range words {
		n := foldWordLen(rest[1:], w)
		if n < 0 {
			continue
		}
		j := 1 + n
		if j < len(rest) && isWordChar(rest[j]) {
			return nil
		}
		for runes := 0; j < len(rest); runes++ {
			switch c := rest[j]; {
			case c == close:
				return rest[:j+1]
			case c == '\n' || runes == 40:
				return nil
			case c < utf8.RuneSelf:
				j++
			default:
				_, size := utf8.DecodeRune(rest[j:])
				j += size
			}
		}
		return nil
	}
	return nil
}

// foldWordLen returns how many bytes of text spell word (lower-case
// ASCII) at its start under Unicode case folding, or -1: ASCII case, and
// "ſ" (U+017F) for "s", the one letter of the placeholder words with a
// fold beyond ASCII.
func foldWordLen(text []byte, word string) int {
	j := 0
	for k := 0; k < len(word); k++ {
		switch {
		case j < len(text) && text[j]|0x20 == word[k] && isLetter(text[j]):
			j++
		case word[k] == 's' && j+1 < len(text) && text[j] == 0xC5 && text[j+1] == 0xBF:
			j += 2
		default:
			return -1
		}
	}
	return j
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
