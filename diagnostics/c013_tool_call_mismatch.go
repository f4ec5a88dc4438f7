package diagnostics

import (
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "C013", Name: "tool-call-mismatch", Severity: Error, Fixable: true,
		Summary: "tool call and tool result do not match",
		Doc: Doc{
			What: "Reports malformed `tool_calls` (each needs an `id`, `type` \"function\" and a `function` with `name` and `arguments` as a JSON string), calls that no later `tool` message answers, and `tool` messages whose `tool_call_id` answers no earlier call.",
			Why:  "The model must learn which result belongs to which call; OpenAI rejects unanswered calls, and a mismatched id teaches the wrong association.",
			Bad:  `{"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]}`,
			Good: `{"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"x\": 1}"}}]}`,
			Fix:  "Arguments given as an object are encoded as a JSON string.",
		},
		Row: checkToolCalls,
	})
}

func checkToolCalls(c *RowContext) {
	if c.Format != dataset.Chat {
		return
	}
	var open []*toolCall
	last := len(c.Messages) - 1
	for i, m := range c.Messages {
		switch m.RoleName() {
		case "assistant":
			calls := checkCallList(c, m)
			// The calls of the final message are what the example teaches
			// the model to make (OpenAI's function-calling data ends this
			// way), so they have no results to wait for.
			if i < last {
				open = append(open, calls...)
			}
		case "tool":
			id := m.Value.Get("tool_call_id")
			if id.Kind() != jsonpos.String {
				c.ReportValue("C013", m.Value, nil, `%s is a tool result without a "tool_call_id"`, c.Path(m))
				continue
			}
			found := false
			for _, cl := range open {
				if cl.id == id.Str() && !cl.answered {
					cl.answered, found = true, true
					break
				}
			}
			if !found {
				c.ReportValue("C013", id, nil, "%s.tool_call_id %q answers no earlier tool call", c.Path(m), id.Str())
			}
		}
	}
	for _, cl := range open {
		if !cl.answered {
			c.ReportValue("C013", cl.at, nil, "tool call %q is never answered by a \"tool\" message", cl.id)
		}
	}
}
