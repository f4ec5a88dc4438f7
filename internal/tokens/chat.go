package tokens

import "strings"

// Message is one chat message as the counting sees it. Content is all the
// text of the message: the caller flattens content parts, tool calls and
// the like into it. An empty Name means the message has no name.
type Message struct {
	Role, Name, Content string
}

// ChatCount is the token count of a conversation.
type ChatCount struct {
	// Total is the count of the whole conversation, reply priming included.
	Total int
	// PerMessage[i] is the count of message i, its overhead included.
	PerMessage []int
}

// Overheads of OpenAI's published chat counting (num_tokens_from_messages
// in the openai-cookbook), for every model since gpt-3.5-turbo-0613.
const (
	// TokensPerMessage frames every message (<|start|>role...<|end|>).
	TokensPerMessage = 3
	// TokensPerName is added when a message has a name.
	TokensPerName = 1
	// ReplyPriming primes the reply (<|start|>assistant<|message|>).
	ReplyPriming = 3
)

// CountChat counts a conversation as OpenAI's num_tokens_from_messages
// does: TokensPerMessage per message plus the tokens of its role and
// content, plus the tokens of its name and TokensPerName when it has a
// name, plus ReplyPriming for the conversation. An empty conversation
// counts ReplyPriming.
func (c *Counter) CountChat(msgs []Message) ChatCount {
	cc := ChatCount{Total: ReplyPriming, PerMessage: make([]int, len(msgs))}
	for i, m := range msgs {
		n := TokensPerMessage + c.Count(m.Role) + c.Count(m.Content)
		if m.Name != "" {
			n += c.Count(m.Name) + TokensPerName
		}
		cc.PerMessage[i] = n
		cc.Total += n
	}
	return cc
}

// UpperBound returns a bound on CountChat(msgs).Total, for any encoding,
// computed from byte lengths without tokenizing: every token covers at least
// one byte, so a text has at most as many tokens as bytes. When
// UpperBound(msgs) <= limit, exact counting can be skipped.
func UpperBound(msgs []Message) int {
	n := ReplyPriming
	for _, m := range msgs {
		n += TokensPerMessage + len(m.Role) + len(m.Content)
		if m.Name != "" {
			n += len(m.Name) + TokensPerName
		}
	}
	return n
}

// Limit returns the fine-tuning context limit, in tokens, of one training
// example for a model: 65536 for the gpt-4o, gpt-4o-mini and gpt-4.1
// families, 16385 for gpt-3.5-turbo (and its 0125 and 1106 snapshots),
// 4096 for gpt-3.5-turbo-0613. Fine-tuned model names
// ("ft:gpt-4o-mini-2024-07-18:org::id") give their base model's limit.
// ok is false for other models.
func Limit(model string) (limit int, ok bool) {
	m := strings.ToLower(strings.TrimSpace(model))
	if rest, found := strings.CutPrefix(m, "ft:"); found {
		m, _, _ = strings.Cut(rest, ":")
	}
	switch {
	case strings.HasPrefix(m, "gpt-4o"), strings.HasPrefix(m, "gpt-4.1"):
		return 65536, true
	case m == "gpt-3.5-turbo-0613":
		return 4096, true
	case m == "gpt-3.5-turbo", strings.HasPrefix(m, "gpt-3.5-turbo-"):
		return 16385, true
	}
	return 0, false
}
