package diagnostics

import "github.com/ftls-dev/ftls/internal/jsonpos"

func init() {
	register(&Rule{
		Code: "Q012", Name: "damaged-text", Severity: Warning, Fixable: true,
		Summary: "invisible, control or garbled characters in the text",
		Doc: Doc{
			What: "Reports text holding zero-width spaces, word joiners, soft hyphens or byte order marks; control characters; U+FFFD, the replacement character left where decoding failed; mojibake, UTF-8 read as Windows-1252 (`â€™`, `Ã©`, `Â `), written as itself or as JSON escapes (`\\u00e2\\u20ac\\u2122`); non-breaking spaces indenting a line; and, outside code and HTML, HTML entities (`&amp;`, `&#39;`) and literal escape sequences (a two-character `\\n` between sentences) where the real character was meant.",
			Why:  "The model learns the damage: it emits invisible characters that break string comparisons and search, writes `&amp;` in plain text, or prints `\\n` instead of a line break. Each is a sign of a broken export step upstream, which usually damaged other rows too.",
			Bad:  `{"role": "assistant", "content": "It\u200bs ready. Donâ€™t wait."}`,
			Good: `{"role": "assistant", "content": "It's ready. Don't wait."}`,
			Fix:  "Removes zero-width spaces, word joiners, soft hyphens and byte order marks, which carry no text. The other damage needs a person: repair mojibake by re-decoding the source as UTF-8, unescape entities and escape sequences where they are not meant literally.",
		},
		Row: checkDamagedText,
	})
}

func checkDamagedText(c *RowContext) {
	for _, s := range c.spans() {
		if s.value.Kind() != jsonpos.String {
			continue
		}
		// The parser noted which UTF-8 sequences and which escapes the
		// string holds, which spares most of the scans for both.
		d, ok := findDamage(s.value.Raw(), s.text, s.value.UTF8Seqs(), s.value.Escapes())
		if !ok {
			continue
		}
		var fix *Fix
		if d.removable && s.value.Kind() == jsonpos.String {
			fix = c.Splice("Remove invisible characters", s.value.Start(), s.value.End(), quoted(stripInvisible(string(s.text))))
		}
		c.ReportValue("Q012", s.value, fix, "%s contains %s", c.where(&s), d.what)
	}
}
