package diagnostics

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "Q008", Name: "surrounding-whitespace", Severity: Warning, Fixable: true,
		Summary: "content starts or ends with whitespace",
		Doc: Doc{
			What: "Reports message content (and Alpaca or prompt/completion text) that begins or ends with spaces, tabs or newlines.",
			Why:  "The model learns to produce the stray whitespace too, and leading spaces change how the first word is tokenized.",
			Bad:  `{"role": "assistant", "content": "  Sure, here you go.\n"}`,
			Good: `{"role": "assistant", "content": "Sure, here you go."}`,
			Fix:  "Trims the whitespace.",
		},
		Row: checkSurroundingWhitespace,
	})
}

func checkSurroundingWhitespace(c *RowContext) {
	check := func(v jsonpos.Value, path func() string) {
		if v.Kind() != jsonpos.String || !maybePadded(v.Raw()) || isBlank(v.Raw()) {
			return
		}
		// Most padded texts say so in their first or last bytes; the
		// others are decoded whole to be sure.
		if !surelyPadded(v.Raw()) {
			if s := v.Str(); strings.TrimSpace(s) == s {
				return
			}
		}
		fix := c.SpliceLater("Trim whitespace", v.Start(), v.End(), trimString)
		c.ReportValue("Q008", v, fix, "%s starts or ends with whitespace", path())
	}
	for _, m := range c.Messages {
		check(m.Content, func() string { return c.Path(m) + "." + c.Schema.Content })
	}
	switch c.Format {
	case dataset.Alpaca:
		for _, k := range []string{"instruction", "input", "output"} {
			check(c.Root.Get(k), func() string { return `"` + k + `"` })
		}
	case dataset.PromptCompletion:
		for _, k := range []string{"prompt", "completion"} {
			check(c.Root.Get(k), func() string { return `"` + k + `"` })
		}
	}
}

// surelyPadded reports whether the JSON string token raw, which
// maybePadded lets through, decodes to a text that starts or ends with a
// rune strings.TrimSpace trims, from the bytes at its ends alone: a space
// or tab, an escaped \n, \t, \r or \f, a space outside ASCII written as
// itself. False means "decode it to know" (a \uXXXX escape, a backslash
// that is itself escaped).
func surelyPadded(raw []byte) bool {
	n := len(raw)
	body := raw[1 : n-1]
	spaceEscape := func(c byte) bool { return c == 'n' || c == 't' || c == 'r' || c == 'f' }
	switch c := raw[1]; {
	case c == ' ' || c == '\t', c == '\\' && spaceEscape(raw[2]):
		return true
	case c >= utf8.RuneSelf:
		if r, _ := utf8.DecodeRune(body); unicode.IsSpace(r) {
			return true
		}
	}
	switch c := raw[n-2]; {
	case c == ' ' || c == '\t':
		return true
	case spaceEscape(c):
		// An escape when an odd number of backslashes stands before it.
		k := 0
		for k < len(body)-1 && body[len(body)-2-k] == '\\' {
			k++
		}
		return k%2 == 1
	case c >= utf8.RuneSelf:
		r, _ := utf8.DecodeLastRune(body)
		return unicode.IsSpace(r)
	}
	return false
}

// trimString returns the JSON string token raw with its value's
// surrounding white space trimmed: Q008's fix.
func trimString(raw []byte) ([]byte, error) {
	var p jsonpos.Parser
	v, err := p.Parse(raw)
	if err != nil || v.Kind() != jsonpos.String {
		return nil, fmt.Errorf("not a JSON string: %.40q", raw)
	}
	return quoted(strings.TrimSpace(v.Str())), nil
}
