package diagnostics

import (
	"fmt"
	"slices"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// RowContext is what a row rule sees: the row, its parse, its format and a
// view of its messages, all computed once before any rule runs.
type RowContext struct {
	Row      *dataset.Row
	Settings *Settings
	// Blank is set for rows holding only whitespace; nothing else is set.
	Blank bool
	// BOM is set on the first row of a file that starts with a byte order
	// mark.
	BOM bool
	// InvalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
	InvalidUTF8 int
	// ParseErr is set when the row is not valid JSON; Root is then invalid.
	ParseErr *jsonpos.SyntaxError
	// MultiLine is set when the row is a JSON value spread over several
	// lines of a JSON Lines file.
	MultiLine bool
	Root      jsonpos.Value
	Format    dataset.Format
	// Schema and Messages describe the turns of chat and ShareGPT rows whose
	// turn list is an array; Messages is nil otherwise.
	Schema   *Schema
	Messages []Message

	// Arena, when set, holds what Info's summaries point to (see
	// SummaryArena); Reset keeps it.
	Arena *SummaryArena

	diags   []Diagnostic
	turns   []Turn
	turnBuf []Turn // turns' memory, kept by Reset
	textBuf []byte // the decoded texts with escapes (see decodeStr), kept by Reset
	// categories holds the category strings seen, kept by Reset.
	categories map[string]string
	// chatML is a ChatML text row's "text" cut into turns, once for the
	// rules and the summary that read it (see chatMLTurns).
	chatML     []dataset.ChatMLTurn
	chatMLErr  error
	chatMLDone bool
	// spans, computed once for the content rules (see spans).
	spanList, spanBuf []span
	spansDone         bool
	units             int  // the row's length in UTF-16 code units, when it is valid UTF-8
	loneSurrogate     bool // the row holds a \u escape of a lone surrogate (J006)
	// The row's review verdict, looked up once for the R rules.
	review                              ReviewVerdict
	reviewDone, reviewOK, reviewSumDone bool
	reviewSum                           ReviewSum
	foldBuf                             []byte // the review key's buffer, kept by Reset
}

// Message is one turn of a conversation, with the values rules look at.
// Role and Content are invalid Values when the turn lacks them.
type Message struct {
	Index   int
	Value   jsonpos.Value
	Role    jsonpos.Value
	Content jsonpos.Value
	role    string // Role's text, decoded once for all rules
}

// Path names the message in messages, e.g. "messages[2]".
func (c *RowContext) Path(m Message) string {
	return fmt.Sprintf("%s[%d]", c.Schema.List, m.Index)
}

// RoleName returns the message's role, or "" when it has none.
func (m Message) RoleName() string { return m.role }

// NewRowContext parses row and prepares it for the row rules. The parser is
// reused between rows by the caller.
func NewRowContext(row *dataset.Row, p *jsonpos.Parser, s *Settings) *RowContext {
	c := &RowContext{}
	c.Reset(row, p, s)
	return c
}

// Reset makes c the context of row, as NewRowContext does, but reuses the
// memory of the row c was for before: what c returned for that row, except
// the diagnostics of Run, is no longer valid. It saves two allocations a
// row to callers that check rows one after another.
func (c *RowContext) Reset(row *dataset.Row, p *jsonpos.Parser, s *Settings) {
	msgs, turns, spans, fold, texts := c.Messages[:0], c.turnBuf[:0], c.spanBuf[:0], c.foldBuf[:0], c.textBuf[:0]
	*c = RowContext{Row: row, Settings: s, InvalidUTF8: -1, turnBuf: turns, spanBuf: spans, foldBuf: fold, textBuf: texts, categories: c.categories, Arena: c.Arena}
	if row.Blank() {
		c.Blank = true
		return
	}
	root, err := p.Parse(row.Text)
	if err != nil {
		// Only a row that parses has had all its bytes checked by the
		// parser (JSON outside strings is ASCII).
		if units, ok := textpos.CheckUTF8(row.Text); ok {
			c.units = units
		} else {
			c.InvalidUTF8 = invalidUTF8(row.Text)
		}
		c.ParseErr = asSyntaxError(err)
		return
	}
	c.units, c.InvalidUTF8 = p.UTF8()
	c.loneSurrogate = p.HasLoneSurrogate()
	c.Root = root
	c.Format = dataset.Detect(root)
	c.Schema = schemaFor(c.Format)
	if c.Schema != nil {
		if list := root.Get(c.Schema.List); list.Kind() == jsonpos.Array {
			c.Messages = slices.Grow(msgs, list.Len())
			for i, v := range list.Elems() {
				role, content := v.Get2(c.Schema.Role, c.Schema.Content)
				m := Message{Index: i, Value: v, Role: role, Content: content}
				if m.Role.Kind() == jsonpos.String {
					m.role = internRole(m.Role)
				}
				c.Messages = append(c.Messages, m)
			}
			if c.Messages == nil {
				c.Messages = []Message{}
			}
		}
	}
}

func asSyntaxError(err error) *jsonpos.SyntaxError {
	if se, ok := err.(*jsonpos.SyntaxError); ok {
		return se
	}
	return &jsonpos.SyntaxError{Msg: err.Error()}
}

// Run applies every enabled row rule and returns the diagnostics found.
func (c *RowContext) Run() []Diagnostic {
	for _, r := range c.Settings.EnabledRowRules() {
		r.Row(c)
	}
	return c.diags
}

// EnabledRowRules returns the row rules that s does not turn off.
func (s *Settings) EnabledRowRules() []*Rule { return s.needed().rowRules }

// Diagnostics returns what the rules reported so far.
func (c *RowContext) Diagnostics() []Diagnostic { return c.diags }

// Report records a finding on the bytes [start, end) of the row.
func (c *RowContext) Report(code string, start, end int, fix *Fix, format string, args ...any) {
	sev := c.Settings.Severity(code)
	if sev == Off {
		return
	}
	c.diags = append(c.diags, Diagnostic{
		Code:     code,
		Severity: sev,
		Message:  fmt.Sprintf(format, args...),
		Range:    c.Row.Range(start, end),
		Offset:   c.Row.Offset + int64(start),
		Fix:      fix,
	})
}

// ReportValue records a finding on a JSON value or key of the row.
func (c *RowContext) ReportValue(code string, v interface {
	Start() int
	End() int
}, fix *Fix, format string, args ...any) {
	c.Report(code, v.Start(), v.End(), fix, format, args...)
}

// ReportRow records a finding on the whole row.
func (c *RowContext) ReportRow(code string, fix *Fix, format string, args ...any) {
	c.Report(code, 0, len(c.Row.Text), fix, format, args...)
}

// ReplaceRow returns a fix that replaces the whole row with text.
func (c *RowContext) ReplaceRow(title string, text []byte) *Fix {
	return &Fix{Title: title, Start: c.Row.Offset, End: c.Row.End(), NewText: text}
}

// Splice returns a fix that replaces the bytes [start, end) of the row.
func (c *RowContext) Splice(title string, start, end int, repl []byte) *Fix {
	t := c.Row.Text
	out := make([]byte, 0, len(t)-(end-start)+len(repl))
	out = append(append(append(out, t[:start]...), repl...), t[end:]...)
	return c.ReplaceRow(title, out)
}

// SpliceLater is Splice for a replacement that costs a pass over a long
// value (Q008's trimmed copy of a 30 KB answer): repl makes it from the
// bytes [start, end) of the row's text only when the fix is applied, and
// a finding that is only shown pays nothing for it. The fix applies to the
// row it was found on, which is all an editor or `ftls fix` gives it.
func (c *RowContext) SpliceLater(title string, start, end int, repl func(old []byte) ([]byte, error)) *Fix {
	n := len(c.Row.Text)
	f := c.ReplaceRow(title, nil)
	f.convert = func(row []byte) ([]byte, error) {
		if len(row) != n {
			return nil, fmt.Errorf("%s: the row changed since it was checked", title)
		}
		r, err := repl(row[start:end])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", title, err)
		}
		return slices.Concat(row[:start], r, row[end:]), nil
	}
	return f
}

// DeleteRow returns a fix that removes the row's line, terminator included.
func DeleteRow(title string, row *dataset.Row) *Fix {
	start, end := row.Offset, row.End()+int64(row.Term)
	if row.Term == 0 && start > 0 {
		start-- // the last line: take the newline before it instead
	}
	return &Fix{Title: title, Start: start, End: end, NewText: []byte{}}
}

// commonRoles are returned without allocating, since nearly every message
// has one of them.
var commonRoles = []string{"system", "user", "assistant", "tool", "human", "gpt"}

func internRole(v jsonpos.Value) string {
	raw := v.Raw()
	if len(raw) >= 2 && !v.HasEscapes() {
		body := raw[1 : len(raw)-1]
		for _, r := range commonRoles {
			if string(body) == r {
				return r
			}
		}
	}
	return v.Str()
}
