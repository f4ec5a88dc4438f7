package diagnostics

// The Q family: content that is well-formed but will train badly.

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/dataset"
	"github.com/ftls-dev/ftls/jsonpos"
	"github.com/ftls-dev/ftls/tokens"
)

func init() {
	register(
		&Rule{
			Code: "Q001", Name: "too-many-tokens", Severity: Warning,
			Summary: "example longer than the token limit",
			Doc: Doc{
				What: "Counts an example's tokens with the model's tokenizer (o200k_base for gpt-4o and newer, cl100k_base for gpt-3.5 and gpt-4), including the per-message overhead and tool definitions, and reports examples over the limit: 65,536 tokens for gpt-4o and gpt-4o-mini, 16,385 for gpt-3.5-turbo, or `max_tokens_per_example`.",
				Why:  "OpenAI truncates a long example from the end, so its last assistant turn, the part that was meant to be learned, is cut off or lost; other trainers drop it or run out of memory.",
				Bad:  "a 90,000-token conversation with gpt-4o-mini",
				Good: "the same conversation split into examples below 65,536 tokens each",
				Fix:  "Shorten the conversation or split it into several examples.",
			},
			Row: checkTokenLimit,
		},
		&Rule{
			Code: "Q008", Name: "surrounding-whitespace", Severity: Warning, Fixable: true,
			Summary: "content starts or ends with whitespace",
			Doc: Doc{
				What: "Reports message content (and Alpaca or prompt/completion text) that begins or ends with spaces, tabs or newlines.",
				Why:  "The model learns to produce the stray whitespace too, and leading spaces change how the first word is tokenized.",
				Bad:  `{"role": "assistant", "content": "  Sure, here you go.\n"}`,
				Good: `{"role": "assistant", "content": "Sure, here you go."}`,
				Fix:  "Trims the whitespace.",
			},
			Row: checkSurroundingWhitespace,
		},
	)
}

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
		var b strings.Builder
		for _, part := range v.Elems() {
			t := part.Get("text")
			if !t.Exists() {
				t = part.Get("value")
			}
			if t.Kind() == jsonpos.String {
				if b.Len() > 0 {
					b.WriteByte('\n')
				}
				b.WriteString(t.Str())
			}
		}
		return b.String()
	}
	return ""
}

func checkTokenLimit(c *RowContext) {
	if c.Root.Kind() != jsonpos.Object {
		return
	}
	limit := c.Settings.TokenLimit()
	// Tokens cover at least one byte each, so a row shorter than the limit
	// in bytes cannot exceed it; only long rows pay for the tokenizer.
	if len(c.Row.Text) <= limit {
		return
	}
	msgs := TokenMessages(c)
	if tokens.UpperBound(msgs) <= limit {
		return
	}
	n := c.Settings.Tokens().CountChat(msgs).Total
	if n <= limit {
		return
	}
	c.ReportRow("Q001", nil, "example has %s tokens, over the %s-token limit of %s; it would be truncated from the end, losing its last turns",
		thousands(n), thousands(limit), c.Settings.Model)
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func checkSurroundingWhitespace(c *RowContext) {
	check := func(v jsonpos.Value, path func() string) {
		if v.Kind() != jsonpos.String || !maybePadded(v.Raw()) || isBlank(v.Raw()) {
			return
		}
		s := v.Str()
		trimmed := strings.TrimSpace(s)
		if trimmed == s {
			return
		}
		fix := c.Splice("Trim whitespace", v.Start(), v.End(), quoted(trimmed))
		c.ReportValue("Q008", v, fix, "%s starts or ends with whitespace", path())
	}
	for _, m := range c.Messages {
		check(m.Content, func() string { return c.Path(m) + "." + c.Schema.Content })
	}
	switch c.Format {
	case dataset.Alpaca:
		for _, k := range []string{"instruction", "input", "output"} {
			check(c.Root.Get(k), func() string { return `"` + k + `"` })
		}
	case dataset.PromptCompletion:
		for _, k := range []string{"prompt", "completion"} {
			check(c.Root.Get(k), func() string { return `"` + k + `"` })
		}
	}
}

// maybePadded is a cheap look at a string literal's source for whitespace
// at either end, written directly or as an escape, so that most strings are
// never decoded.
func maybePadded(raw []byte) bool {
	n := len(raw)
	if n < 3 {
		return false
	}
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' }
	isEscape := func(c byte) bool { return c == 'n' || c == 't' || c == 'r' || c == 'f' || c == 'u' }
	head := isSpace(raw[1]) || (raw[1] == '\\' && isEscape(raw[2]))
	tail := isSpace(raw[n-2]) || (n >= 4 && raw[n-3] == '\\' && isEscape(raw[n-2])) || (n >= 8 && raw[n-7] == '\\')
	// Non-ASCII spaces written as themselves (U+00A0, U+3000…), which
	// strings.TrimSpace trims as it does their escaped forms.
	if !head && raw[1] >= utf8.RuneSelf {
		r, _ := utf8.DecodeRune(raw[1 : n-1])
		head = unicode.IsSpace(r)
	}
	if !tail && raw[n-2] >= utf8.RuneSelf {
		r, _ := utf8.DecodeLastRune(raw[1 : n-1])
		tail = unicode.IsSpace(r)
	}
	return head || tail
}
