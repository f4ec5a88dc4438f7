package diagnostics

import (
	"strings"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "C001", Name: "no-messages", Severity: Error, Fixable: true,
		Summary: "row has no messages",
		Doc: Doc{
			What: "Reports an object that has no `messages` list and is not in any other format ftls knows (ShareGPT, Alpaca, prompt/completion, text).",
			Why:  "Without a conversation there is nothing to train on; usually the key is misspelled or the row was written by a different tool.",
			Bad:  `{"message": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
			Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
			Fix:  "A key that is a near miss of `messages` and holds a list is renamed.",
		},
		Row: checkNoMessages,
	})
}

func checkNoMessages(c *RowContext) {
	if c.Format != dataset.Unknown || c.Root.Kind() != jsonpos.Object {
		return
	}
	var keys []string
	for k, v := range c.Root.Members() {
		name := k.Name()
		keys = append(keys, name)
		if v.Kind() == jsonpos.Array && suggest(name, []string{"messages"}) == "messages" {
			fix := c.Splice(`Rename "`+name+`" to "messages"`, k.Start(), k.End(), quoted("messages"))
			c.ReportValue("C001", k, fix, `row has no "messages"; did you mean "messages" instead of %q?`, name)
			return
		}
	}
	if len(keys) == 0 {
		c.ReportRow("C001", nil, `row is an empty object; it needs "messages"`)
		return
	}
	if len(keys) > 5 {
		keys = append(keys[:5], "…")
	}
	// Keys are the row's text, which may not be UTF-8; messages must be.
	c.ReportRow("C001", nil, `row has no "messages" and matches no known format (keys: %s)`, strings.ToValidUTF8(strings.Join(keys, ", "), "\uFFFD"))
}
