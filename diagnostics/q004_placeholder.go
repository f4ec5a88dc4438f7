package diagnostics

import "bytes"

func init() {
	register(&Rule{
		Code: "Q004", Name: "placeholder", Severity: Warning,
		Summary: "template placeholder left in the text",
		Doc: Doc{
			What: "Reports placeholders left from templates or generators: `{{name}}`, `[INSERT ...]`, `[Your Name]`, `<placeholder>`, `lorem ipsum`, a `TODO` or `TBD` as a word, and `{name}`-style fields outside code. Nothing inside fenced or inline code or in an answer that is code is reported, nor `/users/{id}`, `#{x}` or quoted format strings, nor an answer's placeholder that its prompt holds too, nor any in the answer to a task about templates or placeholders; lorem ipsum counts only in answers. A \"[Your Name]\" closing a letter is noted at info.",
			Why:  "The model learns to print the placeholder itself, as a template variable, to real users.",
			Bad:  `{"role": "assistant", "content": "Hello! I am {{name}}, developed by {{author}}."}`,
			Good: `{"role": "assistant", "content": "Hello! I am Sam, Northwind's support assistant."}`,
			Fix:  "Fill in the value.",
		},
		Row: checkPlaceholders,
	})
}

func checkPlaceholders(c *RowContext) {
	turns := c.Turns()
	// The prompt decides what an answer may hold: a placeholder the user
	// wrote, or any when the task is about templates. Both are looked at
	// only once a placeholder is found, which is rare.
	var prompt []byte
	for _, t := range turns {
		if t.Role == "user" {
			prompt = t.Text
		}
	}
	templating := func() bool {
		for _, t := range turns {
			if t.Role == "user" && (containsFold(t.Text, "placeholder") || containsFold(t.Text, "template") ||
				containsFold(t.Text, "jinja") || containsFold(t.Text, "fill in")) {
				return true
			}
		}
		return false
	}
	for i, t := range turns {
		if t.Role == "system" && len(turns) > 1 {
			continue
		}
		answer, code := t.Role == "assistant", -1
		m, at := findPlaceholder(t.Text, answer, func(at int, m []byte) bool {
			if code < 0 {
				code = boolInt(looksLikeCode(t.Text) || answer && templating())
			}
			switch {
			case code == 1 || inCode(t.Text, at):
				return false
			case bytes.EqualFold(m, []byte("lorem ipsum")):
				// Lorem ipsum in a prompt is text to work on.
				return answer && !containsFold(prompt, "lorem ipsum")
			case answer && bytes.Contains(prompt, m):
				return false
			}
			return true
		})
		if m == nil {
			continue
		}
		n := len(c.diags)
		c.reportTurn("Q004", i, "%s text contains the placeholder %q", t.Role, m)
		if len(c.diags) > n && answer && len(t.Text)-at <= signOffSpan && len(m) > 5 && hasFoldAt(m, 1, "your") {
			if d := &c.diags[n]; d.Severity < Info {
				d.Severity = Info
			}
		}
	}
}
