package diagnostics

import (
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
