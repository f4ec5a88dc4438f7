package diagnostics

import (
	"strings"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "C017", Name: "chatml-tokens", Severity: Warning,
		Summary: "ChatML markers unbalanced or leaked into content",
		Doc: Doc{
			What: "Reports raw ChatML text whose `<|im_start|>`/`<|im_end|>` markers do not pair up, and special tokens such as `<|im_end|>` or `<|endoftext|>` inside message content.",
			Why:  "Special tokens in content end the turn early or are split into junk tokens, depending on the tokenizer; unbalanced markers make turns bleed into each other.",
			Bad:  `{"role": "assistant", "content": "Hello!<|im_end|>"}`,
			Good: `{"role": "assistant", "content": "Hello!"}`,
			Fix:  "Remove the markers from content; let the trainer's chat template add them.",
		},
		Row: checkChatMLTokens,
	})
}

func checkChatMLTokens(c *RowContext) {
	if c.Format == dataset.ChatMLText {
		if _, err := c.chatMLTurns(); err != nil {
			c.ReportValue("C017", c.Root.Get("text"), nil, "raw ChatML text is malformed: %v", err)
		}
		return
	}
	if !maySpellSpecialToken(c.Row.Text) {
		return // one pass over the row instead of one per message
	}
	for _, m := range c.Messages {
		if m.Content.Kind() != jsonpos.String || !maySpellSpecialToken(m.Content.Raw()) {
			continue
		}
		s := m.Content.Str()
		for _, tok := range specialTokens {
			if strings.Contains(s, tok) {
				c.ReportValue("C017", m.Content, nil, "%s.%s contains the special token %q; the chat template adds it, content must not", c.Path(m), c.Schema.Content, tok)
				break
			}
		}
	}
}
