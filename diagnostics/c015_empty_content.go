package diagnostics

import (
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "C015", Name: "empty-content", Severity: Warning,
		Summary: "content is empty",
		Doc: Doc{
			What: "Reports a message, or an Alpaca/prompt-completion field, whose text is empty or only whitespace (an assistant turn with tool calls may be empty).",
			Why:  "An empty answer teaches the model to say nothing; an empty prompt teaches it to answer questions nobody asked.",
			Bad:  `{"role": "assistant", "content": ""}`,
			Good: `{"role": "assistant", "content": "Your order ships tomorrow."}`,
			Fix:  "Write the text, or delete the row.",
		},
		Row: checkEmptyContent,
	})
}

func checkEmptyContent(c *RowContext) {
	for _, m := range c.Messages {
		if m.Content.Kind() == jsonpos.String && isBlank(m.Content.Raw()) && !(m.RoleName() == "assistant" && makesCalls(m)) {
			c.ReportValue("C015", m.Content, nil, "%s.%s is empty", c.Path(m), c.Schema.Content)
		}
	}
	var fields []string
	switch c.Format {
	case dataset.Alpaca:
		fields = []string{"instruction", "output"}
	case dataset.PromptCompletion:
		fields = []string{"prompt", "completion"}
	case dataset.PlainText:
		fields = []string{"text"}
	}
	for _, f := range fields {
		if v := c.Root.Get(f); v.Kind() == jsonpos.String && isBlank(v.Raw()) {
			c.ReportValue("C015", v, nil, "%q is empty", f)
		}
	}
}
