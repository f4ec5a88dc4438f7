package diagnostics

import (
	"bytes"
	"regexp"
	"strings"
)

func init() {
	register(&Rule{
		Code: "Q007", Name: "secret", Severity: Error,
		Summary: "an API key, token or private key in the text",
		Doc: Doc{
			What: "Reports text that looks like a credential: OpenAI (`sk-...`), Anthropic, AWS (`AKIA...`), GitHub (`ghp_...`, `github_pat_...`), Slack (`xox...`), Google (`AIza...`), Stripe live keys, JSON Web Tokens and PEM private keys.",
			Why:  "A model can memorise and repeat what it is trained on; a key in a training file is also a key shared with everyone who gets the file.",
			Bad:  `{"role": "user", "content": "my key is sk-proj-abcdEFGH1234ijklMNOP5678qrst"}`,
			Good: `{"role": "user", "content": "my key is sk-...redacted"}`,
			Fix:  "Remove the secret and revoke it: it has been exposed.",
		},
		Row: checkSecrets,
	})
}

func checkSecrets(c *RowContext) {
	if !mayHoldSecret(c.Row.Text, false) {
		return
	}
	for i, t := range c.Turns() {
		if !mayHoldSecret(t.Text, true) {
			continue
		}
		for _, s := range secrets {
			if m := s.find(t.Text); m != nil {
				c.reportTurn("Q007", i, "%s text contains what looks like %s (%s…)", t.Role, s.name, m[:min(len(m), 8)])
				break
			}
		}
	}
}

// A secret is a kind of credential: the pattern its text matches, and
// where a match may start: at one of its anchors, each a literal the
// match holds offset bytes from its start.
type secret struct {
	name, pattern string
	anchors       []anchor
	re            *regexp.Regexp // the pattern, anchored at the text's start
	wordStart     bool           // the pattern opens with \b
}

type anchor struct {
	lit    string
	offset int
}

var secrets = compileSecrets([]*secret{
	{name: "an Anthropic API key", pattern: `\bsk-ant-[A-Za-z0-9_-]{20,}`, anchors: []anchor{{"sk-ant-", 0}}},
	{name: "an OpenAI API key", pattern: `\bsk-(proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}`, anchors: []anchor{{"sk-", 0}}},
	{name: "an AWS access key", pattern: `\b(AKIA|ASIA)[0-9A-Z]{16}\b`, anchors: []anchor{{"IA", 2}}},
	{name: "a GitHub token", pattern: `\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{40,})`, anchors: []anchor{{"gh", 0}, {"github_pat_", 0}}},
	{name: "a Slack token", pattern: `\bxox[abprs]-[A-Za-z0-9-]{10,}`, anchors: []anchor{{"xox", 0}}},
	{name: "a Google API key", pattern: `\bAIza[0-9A-Za-z_-]{35}`, anchors: []anchor{{"AIza", 0}}},
	{name: "a Stripe live key", pattern: `\b[sr]k_live_[0-9A-Za-z]{20,}`, anchors: []anchor{{"k_live_", 1}}},
	{name: "a JSON Web Token", pattern: `\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}`, anchors: []anchor{{"eyJ", 0}}},
	{name: "a private key", pattern: `-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`, anchors: []anchor{{"-----BEGIN ", 0}}},
})

// compileSecrets sets what find needs of each secret's pattern.
func compileSecrets(secrets []*secret) []*secret {
	for _, s := range secrets {
		s.re = regexp.MustCompile(`^(?:` + s.pattern + `)`)
		s.wordStart = strings.HasPrefix(s.pattern, `\b`)
	}
	return secrets
}

// find returns the leftmost match of s.pattern in text, or nil, as
// regexp's Find does. Every match starts at an anchor, so the pattern is
// tried, anchored, there alone: run over a whole text, the nine patterns
// took 5 ns a byte each (a 60 KB answer that mentions "sk-" took 2.7 ms),
// and the texts mayHoldSecret lets through are those that mention a key,
// often a placeholder key in every row of a dataset about an API.
func (s *secret) find(text []byte) []byte {
	for from := 0; ; from++ {
		// The next place an anchor puts a match's start, from on.
		at := -1
		for _, a := range s.anchors {
			if from+a.offset > len(text) {
				continue
			}
			if j := bytes.Index(text[from+a.offset:], []byte(a.lit)); j >= 0 && (at < 0 || from+j < at) {
				at = from + j
			}
		}
		if at < 0 {
			return nil
		}
		from = at
		// \b before a word byte: the text's start or a byte that is not
		// one.
		if s.wordStart && !wordStarts(text, at, true) {
			continue
		}
		if m := s.re.Find(text[at:]); m != nil {
			return m
		}
	}
}

// mayHoldSecret looks for the prefixes of the credentials secretRes
// matches, anchored on bytes that are rare in prose ('-', '_', 'A', 'J'),
// so that a row without any is dismissed with a few vectorised scans.
//
// In decoded text (a turn's, not the row's JSON) a prefix counts only at
// the start of a word, where \b in the patterns wants it: "task-" and
// "weight_" are frequent in prose, and the patterns cost far more than
// this. (In JSON, "\nsk-" has a letter before the "s".)
//
// Prose holds the anchors often (a 2 KB row of varied prose, about
// fourteen times): each is tested where it stands, by the byte before it
// first, without a call, as a call per anchor cost a third of the search.
func mayHoldSecret(text []byte, decoded bool) bool {
	for at := indexFrom(text, 0, '-'); at >= 0; at = indexFrom(text, at+1, '-') {
		// A key's armour, "-----BEGIN": in decoded text, not a Markdown
		// rule ("-----").
		before := text[max(at-1, 0)]
		if before == 'k' && hasSuffixAt(text, at, "sk") && wordStarts(text, at-2, decoded) ||
			before == '-' && hasSuffixAt(text, at, "----") && (!decoded || bytes.HasPrefix(text[at+1:], []byte("BEGIN"))) ||
			at >= 4 && hasSuffixAt(text, at-1, "xox") && wordStarts(text, at-4, decoded) {
			return true
		}
	}
	for at := indexFrom(text, 0, '_'); at >= 0; at = indexFrom(text, at+1, '_') {
		if hasSuffixAt(text, at, "gh") && wordStarts(text, at-2, decoded) ||
			at >= 3 && hasSuffixAt(text, at-1, "gh") && wordStarts(text, at-3, decoded) ||
			hasSuffixAt(text, at, "github") && wordStarts(text, at-6, decoded) ||
			hasSuffixAt(text, at, "k_live") && wordStarts(text, at-7, decoded) {
			return true
		}
	}
	// One search for three prefixes: AWS's anywhere, Google's at a word's
	// start.
	for at := indexFrom(text, 0, 'A'); at >= 0; at = indexFrom(text, at+1, 'A') {
		rest := text[at:]
		if bytes.HasPrefix(rest, []byte("AKIA")) || bytes.HasPrefix(rest, []byte("ASIA")) ||
			bytes.HasPrefix(rest, []byte("AIz")) && wordStarts(text, at, decoded) {
			return true
		}
	}
	for at := indexFrom(text, 0, 'J'); at >= 0; at = indexFrom(text, at+1, 'J') {
		if hasSuffixAt(text, at, "ey") && wordStarts(text, at-2, decoded) {
			return true
		}
	}
	return false
}

// indexFrom returns the offset of the first c in text at or after from, or
// -1.
func indexFrom(text []byte, from int, c byte) int {
	if i := bytes.IndexByte(text[from:], c); i >= 0 {
		return from + i
	}
	return -1
}

// hasSuffixAt reports whether text[:end] ends with s.
func hasSuffixAt(text []byte, end int, s string) bool {
	return end >= len(s) && string(text[end-len(s):end]) == s
}

// wordStarts reports whether a word starts at offset at of text, at >= 0
// (always, in raw JSON).
func wordStarts(text []byte, at int, decoded bool) bool {
	return !decoded || at == 0 || at > 0 && !isWordChar(text[at-1])
}

// isWordChar reports whether c is an ASCII word character, as \b in a
// regular expression sees it.
func isWordChar(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
