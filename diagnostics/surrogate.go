package diagnostics

// J006: a \u escape of half a UTF-16 surrogate pair.

import (
	"fmt"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "J006", Name: "lone-surrogate", Severity: Error, Fixable: true,
		Summary: "a \\u escape of half a surrogate pair",
		Doc: Doc{
			What: "Reports a `\\u` escape of a lone UTF-16 surrogate in a string or key: a high surrogate (`\\ud800`-`\\udbff`) not followed by a low one, or a low surrogate (`\\udc00`-`\\udfff`) without a high one before it. Such escapes are what remains of an emoji or other character outside the Basic Multilingual Plane cut in half, by a tool that truncated or split text in UTF-16 units.",
			Why:  "A lone surrogate is not a character: JSON's grammar lets it through, Unicode does not. Rust's serde_json and other strict parsers reject the row, Python loads it but fails when the text is encoded as UTF-8 (for tokenizing or writing), and Go and JavaScript's TextEncoder silently turn it into U+FFFD. The same row trains differently, or not at all, depending on the loader.",
			Bad:  `{"role": "assistant", "content": "Great job! \ud83d"}`,
			Good: `{"role": "assistant", "content": "Great job! \ud83d\ude00"}   or   "Great job! "`,
			Fix:  "Removes each lone surrogate escape. Half a character carries no text, and the half that would complete it is lost; U+FFFD would only mark the loss (Q012 reports replacement characters). Restore the character by hand if you know it. `ftls export` refuses rows with lone surrogates, and with `--skip-invalid` removes them first.",
		},
		Row: checkLoneSurrogates,
	})
}

func checkLoneSurrogates(c *RowContext) {
	// The parser has read every escape: most rows need no search.
	if c.ParseErr != nil || c.Blank || !c.loneSurrogate {
		return
	}
	offs := jsonpos.LoneSurrogates(c.Row.Text, 0)
	if len(offs) == 0 {
		return
	}
	title := "Remove the lone surrogate"
	more := ""
	if n := len(offs) - 1; n > 0 {
		title = fmt.Sprintf("Remove the %d lone surrogates", n+1)
		more = fmt.Sprintf(" (and %d more in this row)", n)
	}
	off := offs[0]
	fix := c.ReplaceRow(title, jsonpos.WithoutLoneSurrogates(c.Row.Text))
	c.Report("J006", off, off+6, fix, "%s holds %s, half of a UTF-16 surrogate pair without its other half%s; it is not valid Unicode",
		surrogateWhere(c, off), c.Row.Text[off:off+6], more)
}

// surrogateWhere names the string holding the byte at off: a message's
// content or role, else "a string".
func surrogateWhere(c *RowContext, off int) string {
	in := func(v jsonpos.Value) bool { return v.Exists() && v.Start() <= off && off < v.End() }
	for _, m := range c.Messages {
		switch {
		case in(m.Content):
			return c.Path(m) + "." + c.Schema.Content
		case in(m.Role):
			return c.Path(m) + "." + c.Schema.Role
		}
	}
	return "a string"
}
