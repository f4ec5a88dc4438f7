package diagnostics

import (
	"bytes"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/tokens"
)

func init() {
	register(&Rule{
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
	})
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
	if (c.Format == dataset.Chat || c.Format == dataset.ShareGPT) && sourceBound(c) <= limit {
		return // a row of escaped code, longer in bytes than in text
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

// sourceBound is at least tokens.UpperBound(TokenMessages(c)) for a chat or
// ShareGPT row, from the messages' source alone, without decoding them: a
// decoded text is no longer than its source less half its backslashes (an
// escape holds one or two and shortens the text by a byte or more), and
// every text TokenMessages takes from a message lies in its source.
func sourceBound(c *RowContext) int {
	n := tokens.ReplyPriming
	for _, m := range c.Messages {
		raw := m.Value.Raw()
		n += tokens.TokensPerMessage + tokens.TokensPerName + len(m.RoleName()) + len(raw) - bytes.Count(raw, []byte{'\\'})/2
		if m.Content.Kind() == jsonpos.Array {
			n += m.Content.Len() // the newlines between the parts' texts
		}
	}
	if tools := c.Root.Get("tools"); tools.Exists() {
		n += tokens.TokensPerMessage + len("system") + len(tools.Raw())
	}
	return n
}
