package diagnostics

import "github.com/ftls-dev/ftls/internal/textpos"

func init() {
	register(&Rule{
		Code: "J004", Name: "invalid-utf8", Severity: Error, Fixable: true,
		Summary: "invalid UTF-8 or a byte order mark",
		Doc: Doc{
			What: "Reports bytes that are not valid UTF-8 (text saved in Latin-1 or Windows-1252, binary garbage), and a UTF-8 byte order mark at the start of the file. A file that is not text at all (more than one in ten of its first 8 KB control bytes or invalid UTF-8: an archive, a model, an image, UTF-16) is one finding, \"not a text file\", at its top, and its rows are not read.",
			Why:  "JSON must be UTF-8. Invalid bytes become replacement characters or fail the load, and a byte order mark makes strict parsers reject the first row.",
			Bad:  "\\xEF\\xBB\\xBF{\"messages\": ...}   or   {\"content\": \"caf\\xE9\"}",
			Good: `{"messages": ...}   and   {"content": "café"}`,
			Fix:  "The byte order mark is removed. Invalid bytes need the file re-encoded from its real encoding (for example with iconv).",
		},
		Row: checkUTF8,
	})
}

func checkUTF8(c *RowContext) {
	if c.BOM {
		// The mark is the file's first 3 bytes, which in a JSON array file
		// are not next to the first row: the fix and the range point there.
		fix := &Fix{Title: "Remove the byte order mark", Start: 0, End: 3, NewText: []byte{}}
		c.Report("J004", 0, 0, fix, "file starts with a UTF-8 byte order mark")
		if n := len(c.diags); n > 0 && c.diags[n-1].Fix == fix {
			c.diags[n-1].Range, c.diags[n-1].Offset = textpos.Range{}, 0
		}
	}
	if c.InvalidUTF8 >= 0 {
		off := c.InvalidUTF8
		c.Report("J004", off, off+1, nil, "invalid UTF-8 byte 0x%02X; the file must be saved as UTF-8", c.Row.Text[off])
	}
}
