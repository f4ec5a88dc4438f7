package diagnostics

import "github.com/ftls-dev/ftls/internal/jsonpos"

func init() {
	register(&Rule{
		Code: "C014", Name: "invalid-weight", Severity: Error, Fixable: true,
		Summary: "weight is not 0 or 1, or not on an assistant message",
		Doc: Doc{
			What: "Reports a `weight` other than 0 or 1, and a `weight` on a message that is not the assistant's.",
			Why:  "OpenAI uses weight to include (1) or skip (0) an assistant turn in training and rejects anything else.",
			Bad:  `{"role": "user", "content": "Hi", "weight": 0.5}`,
			Good: `{"role": "assistant", "content": "Hello!", "weight": 0}`,
			Fix:  "1.0 and 0.0 become 1 and 0; a weight on a non-assistant message is removed.",
		},
		Row: checkWeight,
	})
}

func checkWeight(c *RowContext) {
	for _, m := range c.Messages {
		w := m.Value.Get("weight")
		if !w.Exists() {
			continue
		}
		path := c.Path(m) + ".weight"
		if m.RoleName() != "assistant" {
			obj := rewriteObject(m.Value, func(k jsonpos.Key, _ jsonpos.Value) memberEdit { return memberEdit{drop: k.Name() == "weight"} })
			fix := c.Splice(`Remove "weight"`, m.Value.Start(), m.Value.End(), obj)
			c.ReportValue("C014", w, fix, "%s is set on a %q message; only assistant messages take a weight", path, m.RoleName())
			continue
		}
		f, ok := w.Float()
		raw := string(w.Raw())
		switch {
		case ok && (raw == "0" || raw == "1"):
		case ok && (f == 0 || f == 1):
			fix := c.Splice("Write weight as "+itoa(int(f)), w.Start(), w.End(), []byte(itoa(int(f))))
			c.ReportValue("C014", w, fix, "%s is %s; write it as the integer %d", path, raw, int(f))
		default:
			c.ReportValue("C014", w, nil, "%s is %s; it must be 0 (skip this turn) or 1 (train on it)", path, raw)
		}
	}
}
