package diagnostics

import (
	"slices"
	"strings"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "C005", Name: "unknown-role", Severity: Error, Fixable: true,
		Summary: "a message has a role the format does not know",
		Doc: Doc{
			What: "Reports a role outside the format's set: system, user, assistant, tool (and the legacy function) for chat rows; human, gpt, system, function_call, observation, tool for ShareGPT rows. The `openai` target does not accept `developer`.",
			Why:  "An unknown role is rejected by OpenAI's endpoint and silently mapped or dropped by other trainers, so the example teaches something other than intended.",
			Bad:  `{"role": "asistant", "content": "Hello!"}`,
			Good: `{"role": "assistant", "content": "Hello!"}`,
			Fix:  "Renames known aliases and near misses (human→user, gpt/bot/model→assistant, asistant→assistant, System→system).",
		},
		Row: checkUnknownRole,
	})
}

func checkUnknownRole(c *RowContext) {
	allowed := c.roles()
	for _, m := range c.Messages {
		role := m.RoleName()
		if m.Role.Kind() != jsonpos.String || slices.Contains(allowed, role) {
			continue
		}
		path := c.Path(m) + "." + c.Schema.Role
		if c.Format == dataset.Chat && (role == "function_call" || role == "observation") {
			c.ReportValue("C005", m.Role, nil, `%s %q is LLaMA-Factory's; chat rows express it with an assistant "tool_calls" and a "tool" message`, path, role)
			continue
		}
		want := ""
		if c.Format == dataset.Chat {
			want = roleAliases[strings.ToLower(role)]
		}
		if want == "" || !slices.Contains(allowed, want) {
			want = suggest(role, allowed)
		}
		if want == "" {
			c.ReportValue("C005", m.Role, nil, "%s %q is not a role; use %s", path, role, quoteList(allowed))
			continue
		}
		fix := c.Splice(`Change role to "`+want+`"`, m.Role.Start(), m.Role.End(), quoted(want))
		c.ReportValue("C005", m.Role, fix, "%s %q is not a role; did you mean %q?", path, role, want)
	}
}
