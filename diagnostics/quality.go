package diagnostics

// The Q family: content that is well-formed but will train badly. Each
// rule is a file of its own (q001_too_many_tokens.go to
// q015_no_user_turn.go), with the searches only it uses; content.go and
// heuristics.go hold what several content rules share, this file the
// token counting and the turns' whitespace.

import (
	"fmt"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/tokens"
)

// TokenMessages flattens a row into the messages a tokenizer sees: text
// parts joined, tool calls as their function names and arguments, and the
// tool definitions as one extra message, since they count against the
// limit too.
func TokenMessages(c *RowContext) []tokens.Message {
	var msgs []tokens.Message
	switch c.Format {
	case dataset.Chat, dataset.ShareGPT:
		for _, m := range c.Messages {
			msg := tokens.Message{Role: m.RoleName(), Content: ContentText(m.Content)}
			if name := m.Value.Get("name"); name.Kind() == jsonpos.String {
				msg.Name = name.Str()
			}
			for _, tc := range m.Value.Get("tool_calls").Elems() {
				fn := tc.Get("function")
				msg.Content += fn.Get("name").Str() + fn.Get("arguments").Str()
			}
			msgs = append(msgs, msg)
		}
		if tools := c.Root.Get("tools"); tools.Exists() {
			msgs = append(msgs, tokens.Message{Role: "system", Content: string(tools.Raw())})
		}
	case dataset.Alpaca:
		msgs = append(msgs,
			tokens.Message{Role: "user", Content: c.Root.Get("instruction").Str() + "\n\n" + c.Root.Get("input").Str()},
			tokens.Message{Role: "assistant", Content: c.Root.Get("output").Str()})
	case dataset.PromptCompletion:
		msgs = append(msgs,
			tokens.Message{Role: "user", Content: c.Root.Get("prompt").Str()},
			tokens.Message{Role: "assistant", Content: c.Root.Get("completion").Str()})
	case dataset.ChatMLText, dataset.PlainText:
		msgs = append(msgs, tokens.Message{Content: c.Root.Get("text").Str()})
	}
	return msgs
}

// ContentText returns the text of a content value: the string itself, or
// the text of its text parts joined by newlines.
func ContentText(v jsonpos.Value) string {
	switch v.Kind() {
	case jsonpos.String:
		return v.Str()
	case jsonpos.Array:
		return string(appendPartsText(nil, v))
	}
	return ""
}

// appendPartsText appends to dst the texts of a list of content parts
// ("text", or "value" when there is no "text"), joined by newlines; parts
// without a string text are left out.
func appendPartsText(dst []byte, v jsonpos.Value) []byte {
	start := len(dst)
	for _, part := range v.Elems() {
		t := part.Get("text")
		if !t.Exists() {
			t = part.Get("value")
		}
		if t.Kind() == jsonpos.String {
			if len(dst) > start {
				dst = append(dst, '\n')
			}
			dst = t.AppendStr(dst)
		}
	}
	return dst
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
