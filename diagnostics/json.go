package diagnostics

// The J family: is each line one well-formed JSON object?

import (
	"fmt"

	"github.com/ftls-dev/ftls/dataset"
	"github.com/ftls-dev/ftls/jsonpos"
	"github.com/ftls-dev/ftls/textpos"
)

func init() {
	register(
		&Rule{
			Code: "J001", Name: "invalid-json", Severity: Error, Fixable: true,
			Summary: "line is not valid JSON",
			Doc: Doc{
				What: "Reports a row that does not parse as JSON, at the exact line and column where parsing failed. A JSON object spread over several lines of a JSON Lines file is reported once, on its first line.",
				Why:  "Trainers read a JSON Lines file one line at a time; one bad line usually aborts the upload or the whole training job, often without saying which line it was.",
				Bad:  `{"messages": [{"role": "user", "content": "Hi"},]}`,
				Good: `{"messages": [{"role": "user", "content": "Hi"}]}`,
				Fix:  "A pretty-printed object is joined onto one line. Other syntax errors need a person: the column shows where to look.",
			},
			Row: checkInvalidJSON,
		},
		&Rule{
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
		},
		&Rule{
			Code: "J003", Name: "blank-line", Severity: Warning, Fixable: true,
			Summary: "blank line",
			Doc: Doc{
				What: "Reports an empty line, or one holding only whitespace, in a JSON Lines file.",
				Why:  "Some loaders skip blank lines, others fail on them or count them as empty examples; OpenAI's validator rejects the file.",
				Bad:  "{\"messages\": [...]}\n\n{\"messages\": [...]}",
				Good: "{\"messages\": [...]}\n{\"messages\": [...]}",
				Fix:  "Deletes the line.",
			},
			Row: checkBlank,
		},
		&Rule{
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
		},
		&Rule{
			Code: "J005", Name: "duplicate-key", Severity: Error,
			Summary: "the same key twice in one object",
			Doc: Doc{
				What: "Reports an object key that appears a second time in the same object.",
				Why:  "JSON parsers disagree about duplicates: most keep the last value silently, some the first, some fail. The data a trainer sees is then not the data you reviewed.",
				Bad:  `{"role": "user", "content": "Hi", "role": "assistant"}`,
				Good: `{"role": "user", "content": "Hi"}`,
				Fix:  "Delete the copy you did not mean; ftls cannot tell which one that is.",
			},
			Row: checkDuplicateKeys,
		},
	)
}

func checkInvalidJSON(c *RowContext) {
	switch {
	case c.MultiLine && c.ParseErr == nil:
		lines := c.Row.FullRange()
		compact := dataset.Compact(c.Row.Text)
		c.Report("J001", 0, 1, c.ReplaceRow("Join the object onto one line", compact),
			"JSON object spans lines %d-%d; JSON Lines needs each row on one line", lines.Start.Line+1, lines.End.Line+1)
	case c.ParseErr != nil:
		off := min(c.ParseErr.Offset, len(c.Row.Text))
		where := ""
		if c.MultiLine {
			lines := c.Row.FullRange()
			where = fmt.Sprintf(" in the object spanning lines %d-%d", lines.Start.Line+1, lines.End.Line+1)
		}
		c.Report("J001", off, min(off+1, len(c.Row.Text)), nil, "invalid JSON%s: %s", where, c.ParseErr.Msg)
	}
}

func checkNotObject(c *RowContext) {
	if c.ParseErr != nil || c.Blank || c.Root.Kind() == jsonpos.Object {
		return
	}
	c.ReportValue("J002", c.Root, nil, "row is a JSON %s, not an object", c.Root.Kind())
}

func checkBlank(c *RowContext) {
	if c.Blank {
		c.ReportRow("J003", DeleteRow("Delete the blank line", c.Row), "blank line")
	}
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

func checkDuplicateKeys(c *RowContext) {
	if c.ParseErr != nil || c.Blank {
		return
	}
	for _, d := range c.Root.Duplicates() {
		c.ReportValue("J005", d.Key, nil, "duplicate key %q; parsers disagree about which value wins", d.Key.Name())
	}
}
