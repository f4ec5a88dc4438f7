package diagnostics

import (
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "C006", Name: "missing-content", Severity: Error,
		Summary: "a message has no content",
		Doc: Doc{
			What: "Reports a message without `content` (ShareGPT: `value`), or with null content, unless it is an assistant message that makes tool or function calls.",
			Why:  "A turn without text trains the model on nothing, or breaks the chat template.",
			Bad:  `{"role": "user"}`,
			Good: `{"role": "user", "content": "Where is my order?"}`,
			Fix:  "Add the text of the turn.",
		},
		Row: checkMissingContent,
	})
}

func checkMissingContent(c *RowContext) {
	for _, m := range c.Messages {
		if m.Value.Kind() != jsonpos.Object {
			continue
		}
		missing := !m.Content.Exists() || m.Content.Kind() == jsonpos.Null
		if !missing || (c.Format == dataset.Chat && m.RoleName() == "assistant" && makesCalls(m)) {
			continue
		}
		if m.Content.Exists() {
			c.ReportValue("C006", m.Content, nil, "%s.%s is null; only assistant messages with tool calls may omit it", c.Path(m), c.Schema.Content)
		} else {
			c.ReportValue("C006", m.Value, nil, "%s has no %q", c.Path(m), c.Schema.Content)
		}
	}
}
