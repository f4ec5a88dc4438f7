package diagnostics

import (
	"strings"

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
		s := v.Str()
		trimmed := strings.TrimSpace(s)
		if trimmed == s {
			return
		}
		fix := c.Splice("Trim whitespace", v.Start(), v.End(), quoted(trimmed))
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
