package diagnostics

import "github.com/ftls-dev/ftls/internal/jsonpos"

func init() {
	register(&Rule{
		Code: "C003", Name: "message-not-object", Severity: Error,
		Summary: "a message is not an object",
		Doc: Doc{
			What: "Reports an element of the turn list that is not an object.",
			Why:  "Each turn needs a role and content; a bare string loses who said it.",
			Bad:  `{"messages": ["Hi", "Hello!"]}`,
			Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
			Fix:  "Write each turn as an object with role and content.",
		},
		Row: checkMessageObjects,
	})
}

func checkMessageObjects(c *RowContext) {
	for _, m := range c.Messages {
		if m.Value.Kind() != jsonpos.Object {
			c.ReportValue("C003", m.Value, nil, "%s is %s, not an object with %q and %q", c.Path(m), aKind(m.Value.Kind()), c.Schema.Role, c.Schema.Content)
		}
	}
}
