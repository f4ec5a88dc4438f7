package diagnostics

import (
	"strings"
	"unicode"

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
		if v.Kind() != jsonpos.String || !padded(v.Raw()) || isBlank(v.Raw()) {
			return
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

// padded reports whether the JSON string token raw decodes to a text that
// starts or ends with a rune strings.TrimSpace trims. Only its ends are
// read: a 30 KB answer, or one written with an escape for every character
// outside ASCII, is not decoded to know.
func padded(raw []byte) bool {
	first, last, ok := jsonpos.EndRunes(raw[1 : len(raw)-1])
	return ok && (unicode.IsSpace(first) || unicode.IsSpace(last))
}

// trimString returns the JSON string token raw with its value's
// surrounding white space trimmed: Q008's fix.
func trimString(raw []byte) ([]byte, error) {
	text, err := decodeString(raw)
	if err != nil {
		return nil, err
	}
	return quoted(strings.TrimSpace(text)), nil
}
