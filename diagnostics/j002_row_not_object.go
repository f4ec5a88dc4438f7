package diagnostics

import "github.com/ftls-dev/ftls/internal/jsonpos"

func init() {
	register(&Rule{
		Code: "J002", Name: "row-not-object", Severity: Error,
		Summary: "row is JSON but not an object",
		Doc: Doc{
			What: "Reports a row that parses as JSON but is an array, string, number, boolean or null instead of an object.",
			Why:  "Every training format is an object with named fields; a bare value cannot carry a conversation.",
			Bad:  `[{"role": "user", "content": "Hi"}]`,
			Good: `{"messages": [{"role": "user", "content": "Hi"}]}`,
			Fix:  "Wrap the value in the object your format expects.",
		},
		Row: checkNotObject,
	})
}

func checkNotObject(c *RowContext) {
	if c.ParseErr != nil || c.Blank || c.Root.Kind() == jsonpos.Object {
		return
	}
	c.ReportValue("J002", c.Root, nil, "row is a JSON %s, not an object", c.Root.Kind())
}
