package diagnostics

import (
	"bytes"
	"regexp"
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
		for _, s := range secretRes {
			if m := s.re.Find(t.Text); m != nil {
				c.reportTurn("Q007", i, "%s text contains what looks like %s (%s…)", t.Role, s.name, m[:min(len(m), 8)])
				break
			}
		}
	}
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
