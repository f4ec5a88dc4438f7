package diagnostics

import "github.com/ftls-dev/ftls/internal/jsonpos"

func init() {
	register(&Rule{
		Code: "C004", Name: "missing-role", Severity: Error,
		Summary: "a message has no role",
		Doc: Doc{
			What: "Reports a message without a `role` (ShareGPT: `from`), or whose role is not a string.",
			Why:  "The role decides which turns the model learns to produce; without it the turn cannot be placed in the chat template.",
			Bad:  `{"content": "Hello!"}`,
			Good: `{"role": "assistant", "content": "Hello!"}`,
			Fix:  "Add the role.",
		},
		Row: checkMissingRole,
	})
}

func checkMissingRole(c *RowContext) {
	for _, m := range c.Messages {
		switch {
		case m.Value.Kind() != jsonpos.Object:
		case !m.Role.Exists():
			c.ReportValue("C004", m.Value, nil, "%s has no %q", c.Path(m), c.Schema.Role)
		case m.Role.Kind() != jsonpos.String:
			c.ReportValue("C004", m.Role, nil, "%s.%s is %s, not a string", c.Path(m), c.Schema.Role, aKind(m.Role.Kind()))
		}
	}
}
