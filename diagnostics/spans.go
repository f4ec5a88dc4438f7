package diagnostics

import (
	"bytes"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// span is one piece of a row's text as the content rules read it: a
// message's content, an Alpaca or prompt/completion field, or a text row's
// text. Turns joins an Alpaca instruction and input into one user turn; the
// content rules need them apart, to report on (and fix) the field at fault.
type span struct {
	role  string        // the chat role the text plays; "" in a plain text row
	msg   int           // the message's index, or -1 for a field
	field string        // the field's key when msg is -1
	value jsonpos.Value // where findings go: a string, or a content-part list
	text  []byte        // the decoded text
	open  brackets      // where text's first brackets stand, once searched for
}

// spans returns the row's texts, computed once for all the content rules.
func (c *RowContext) spans() []span {
	if c.spansDone {
		return c.spanList
	}
	c.spansDone = true
	out := c.spanBuf[:0]
	if c.Root.Kind() != jsonpos.Object {
		c.spanList = out
		return out
	}
	field := func(role, key string, text []byte) {
		if v := c.Root.Get(key); v.Kind() == jsonpos.String {
			if text == nil {
				text = c.decodeStr(v)
			}
			out = append(out, span{role: role, msg: -1, field: key, value: v, text: text})
		}
	}
	turns := c.Turns()
	switch c.Format {
	case dataset.Chat:
		// Turns has one entry per message in a chat row.
		for i, m := range c.Messages {
			if m.Content.Exists() && i < len(turns) {
				out = append(out, span{role: m.role, msg: i, value: m.Content, text: turns[i].Text})
			}
		}
	case dataset.ShareGPT:
		// Turns skips the messages whose value is not a string.
		j := 0
		for i, m := range c.Messages {
			if m.Content.Kind() == jsonpos.String && j < len(turns) {
				out = append(out, span{role: turns[j].Role, msg: i, value: m.Content, text: turns[j].Text})
				j++
			}
		}
	case dataset.Alpaca:
		field("system", "system", nil)
		field("user", "instruction", nil)
		field("user", "input", nil)
		var answer []byte
		if n := len(turns); n > 0 && turns[n-1].Role == "assistant" {
			answer = turns[n-1].Text
		}
		field("assistant", "output", answer)
	case dataset.PromptCompletion:
		var prompt, answer []byte
		if len(turns) == 2 {
			prompt, answer = turns[0].Text, turns[1].Text
		}
		field("user", "prompt", prompt)
		field("assistant", "completion", answer)
	case dataset.ChatMLText:
		// The findings go on the text; the roles come from its markers.
		text := c.Root.Get("text")
		for _, t := range turns {
			out = append(out, span{role: t.Role, msg: -1, field: "text", value: text, text: t.Text})
		}
	case dataset.PlainText:
		field("", "text", nil)
	}
	c.spanList, c.spanBuf = out, out
	return out
}

// where names the span's place in the row for a message, e.g.
// messages[2].content or "input".
func (c *RowContext) where(s *span) string {
	if s.msg >= 0 {
		return c.Path(c.Messages[s.msg]) + "." + c.Schema.Content
	}
	return `"` + s.field + `"`
}

// isPrompt reports whether the span is something the model reads rather
// than learns to write.
func (s *span) isPrompt() bool { return s.role == "user" }

// inCode reports whether offset i of text lies in fenced code or an inline
// code span: there braces, brackets and markers are the content, not
// residue.
func inCode(text []byte, i int) bool {
	if bytes.Count(text[:i], fence)%2 == 1 {
		return true
	}
	line := text[bytes.LastIndexByte(text[:i], '\n')+1 : i]
	return bytes.Count(line, []byte("`"))%2 == 1
}

var fence = []byte("```")

// looksLikeCode reports whether text reads as source code without fences:
// most of its lines end in ; { } or open with a keyword. Answers to coding
// tasks are often bare code, where template syntax is legitimate.
func looksLikeCode(text []byte) bool {
	lines, code := 0, 0
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		lines++
		switch line[len(line)-1] {
		case ';', '{', '}', ')', ':':
			code++
			continue
		}
		for _, kw := range codeOpenings {
			if bytes.HasPrefix(line, []byte(kw)) {
				code++
				break
			}
		}
	}
	return code >= 2 && 2*code >= lines
}

var codeOpenings = []string{"def ", "import ", "from ", "return ", "#include", "function ", "class ", "const ", "let ", "var ", "//", "public ", "SELECT ", "<", "@", "if ", "for ", "print("}

// hasFoldAt reports whether text has word (lower-case ASCII) at i,
// ignoring ASCII case.
func hasFoldAt(text []byte, i int, word string) bool {
	if i < 0 || len(text)-i < len(word) {
		return false
	}
	for k := 0; k < len(word); k++ {
		c := text[i+k]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[k] {
			return false
		}
	}
	return true
}

// containsFold reports whether text contains word (lower-case ASCII),
// ignoring ASCII case.
func containsFold(text []byte, word string) bool {
	for i := 0; i+len(word) <= len(text); i++ {
		j := indexFoldByte(text[i:], word[0])
		if j < 0 {
			return false
		}
		if i += j; hasFoldAt(text, i, word) {
			return true
		}
	}
	return false
}

// indexFoldByte is bytes.IndexByte ignoring the case of c, a lower-case
// ASCII byte.
func indexFoldByte(text []byte, c byte) int {
	lo := bytes.IndexByte(text, c)
	if c < 'a' || c > 'z' {
		return lo
	}
	limit := len(text)
	if lo >= 0 {
		limit = lo
	}
	if up := bytes.IndexByte(text[:limit], c-'a'+'A'); up >= 0 {
		return up
	}
	return lo
}

func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
