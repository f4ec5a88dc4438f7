package diagnostics

import "github.com/ftls-dev/ftls/internal/jsonpos"

func init() {
	register(&Rule{
		Code: "C002", Name: "messages-not-list", Severity: Error,
		Summary: "messages is not a non-empty list",
		Doc: Doc{
			What: "Reports a `messages` (or ShareGPT `conversations`) value that is not a list, or is an empty list.",
			Why:  "Trainers iterate over the turns; anything else fails the load or yields an empty example.",
			Bad:  `{"messages": {"role": "user", "content": "Hi"}}`,
			Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
			Fix:  "Put the turns in a list.",
		},
		Row: checkMessagesList,
	})
}

func checkMessagesList(c *RowContext) {
	if c.Schema == nil {
		return
	}
	list := c.Root.Get(c.Schema.List)
	switch {
	case list.Kind() != jsonpos.Array:
		c.ReportValue("C002", list, nil, "%q is %s, not a list of messages", c.Schema.List, aKind(list.Kind()))
	case list.Len() == 0:
		c.ReportValue("C002", list, nil, "%q is empty", c.Schema.List)
	}
}
