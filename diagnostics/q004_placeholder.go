package diagnostics

import (
	"bytes"
	"strings"
)

func init() {
	register(&Rule{
		Code: "Q004", Name: "placeholder", Severity: Warning,
		Summary: "template placeholder left in the text",
		Doc: Doc{
			What: "Reports placeholders left from templates or generators: `{{name}}`, `[INSERT ...]`, `[Your Name]`, `<placeholder>`, `lorem ipsum`, a `TODO` or `TBD` as a word, `{name}`-style fields outside code, and in answers the bracketed fields of letter and form templates (`[Customer Name]`, `[Date]`, `[number of years]`: up to five words, one naming a field such as name, date, address, company or number), though not Markdown links, citations such as `[1]`, check boxes or a song's `[Chorus]`. Nothing inside fenced or inline code or in an answer that is code is reported, nor `/users/{id}`, `#{x}` or quoted format strings, nor an answer's placeholder that its prompt holds too, nor any in the answer to a task about templates or placeholders; lorem ipsum counts only in answers. A name field (\"[Your Name]\", \"[Name]\") on its own line closing a letter is noted at info.",
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
		// "[Your Name]" near the end, or a name field on a line of its own
		// there, signs a letter off; "Dear [Customer Name]," does not.
		signOff := m[0] == '[' && containsFold(m, "name") && (hasFoldAt(m, 1, "your") || at == 0 || t.Text[at-1] == '\n')
		if len(c.diags) > n && answer && len(t.Text)-at <= signOffSpan && signOff {
			if d := &c.diags[n]; d.Severity < Info {
				d.Severity = Info
			}
		}
	}
}

// fieldNouns name what a letter or form template leaves to fill in:
// "[Customer Name]", "[Date]", "[number of years]".
var fieldNouns = []string{"name", "date", "address", "email", "e-mail", "phone", "number", "company",
	"organization", "organisation", "business", "title", "position", "city", "recipient", "signature",
	"amount", "contact", "location", "website", "product", "job", "school", "university", "industry"}

// bracketField returns the placeholder that rest opens with, a bracketed
// field such as "[Customer Name]" or "[number of years]": one to five
// words of letters, one of them a field noun. A Markdown link ("[the
// docs](url)", "[docs][1]"), a citation ("[1]"), a song's "[Chorus]" and
// code ("a[i]", which the caller rules out by the byte before) are not.
func bracketField(rest []byte) []byte {
	end := bytes.IndexByte(rest, ']')
	if end < 2 || end+1 < len(rest) && (rest[end+1] == '(' || rest[end+1] == '[' || rest[end+1] == ':') {
		return nil
	}
	words, noun := 1, false
	for _, w := range bytes.Fields(rest[1:end]) {
		words++
		// A possessive's apostrophe may be typographic: "[Student’s Name]".
		w = bytes.TrimSuffix(bytes.TrimSuffix(w, []byte("’s")), []byte("'s"))
		for _, c := range w {
			if !isLetter(c) && c != '\'' && c != '-' {
				return nil
			}
		}
		lw := lowerASCII(w)
		noun = noun || matchAny(lw, fieldNouns) || matchAny(strings.TrimSuffix(lw, "s"), fieldNouns)
	}
	if !noun || words > 6 || rest[1] == ' ' {
		return nil
	}
	return rest[:end+1]
}
