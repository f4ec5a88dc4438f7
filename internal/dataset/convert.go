package dataset

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// ShareGPTRoles maps the speaker names of ShareGPT rows to chat roles. Tool
// turns (function_call, observation) are absent on purpose: their arguments
// and results need restructuring that cannot be done safely by a fix.
var ShareGPTRoles = map[string]string{
	"system":    "system",
	"human":     "user",
	"user":      "user",
	"gpt":       "assistant",
	"assistant": "assistant",
	"bot":       "assistant",
	"chatgpt":   "assistant",
	"bard":      "assistant",
}

// ErrNotConvertible is wrapped by ToChat's errors for rows that cannot be
// converted without guessing.
var ErrNotConvertible = errors.New("cannot be converted safely")

type chatMessage struct{ role, content string }

// ToChat rewrites a row of format f as an OpenAI chat row. Keys that the
// conversion does not consume are kept, after "messages", with their source
// text unchanged.
func ToChat(row jsonpos.Value, f Format) ([]byte, error) {
	msgs, consumed, err := toMessages(row, f)
	if err != nil {
		return nil, err
	}
	return encodeChat(row, msgs, consumed), nil
}

// CanConvert returns the error ToChat would return for row, without
// encoding the converted row: the check runs on every row of a file.
func CanConvert(row jsonpos.Value, f Format) error {
	switch f {
	case Alpaca:
		return alpacaConvertible(row)
	case ShareGPT:
		return shareGPTConvertible(row)
	case PromptCompletion:
		return promptCompletionConvertible(row)
	}
	_, _, err := toMessages(row, f)
	return err
}

func toMessages(row jsonpos.Value, f Format) (msgs []chatMessage, consumed []string, err error) {
	switch f {
	case ShareGPT:
		msgs, consumed, err = fromShareGPT(row)
	case Alpaca:
		msgs, consumed, err = fromAlpaca(row)
	case PromptCompletion:
		msgs, consumed, err = fromPromptCompletion(row)
	case ChatMLText:
		msgs, consumed, err = fromChatMLText(row)
	default:
		err = fmt.Errorf("%s rows %w", f.Title(), ErrNotConvertible)
	}
	return msgs, consumed, err
}

func encodeChat(row jsonpos.Value, msgs []chatMessage, consumed []string) []byte {
	out := append(make([]byte, 0, len(row.Raw())+64), `{"messages":[`...)
	for i, m := range msgs {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, `{"role":`...)
		out = jsonpos.AppendQuote(out, m.role)
		out = append(out, `,"content":`...)
		out = jsonpos.AppendQuote(out, m.content)
		out = append(out, '}')
	}
	out = append(out, ']')
	for k, v := range row.Members() {
		name := k.Name()
		if name == "messages" || slices.Contains(consumed, name) {
			continue
		}
		out = append(out, ',')
		out = append(out, k.Raw()...)
		out = append(out, ':')
		out = append(out, v.Raw()...)
	}
	return append(out, '}')
}

// shareGPTConvertible returns why a ShareGPT row cannot be converted, or
// nil: the checks of fromShareGPT without its copy of every text.
func shareGPTConvertible(row jsonpos.Value) error {
	conv := row.Get("conversations")
	if conv.Kind() != jsonpos.Array || conv.Len() == 0 {
		return fmt.Errorf("conversations is not a non-empty list, so the row %w", ErrNotConvertible)
	}
	if tools := row.Get("tools"); tools.Exists() {
		return fmt.Errorf("rows with tools %w", ErrNotConvertible)
	}
	for i, turn := range conv.Elems() {
		from, value := turn.Get("from"), turn.Get("value")
		if from.Kind() != jsonpos.String || value.Kind() != jsonpos.String {
			return fmt.Errorf("conversations[%d] lacks a string from or value, so the row %w", i, ErrNotConvertible)
		}
		if _, ok := ShareGPTRoles[strings.ToLower(from.Str())]; !ok {
			return fmt.Errorf("conversations[%d].from %q has no chat role, so the row %w", i, from.Str(), ErrNotConvertible)
		}
	}
	return nil
}

func fromShareGPT(row jsonpos.Value) ([]chatMessage, []string, error) {
	if err := shareGPTConvertible(row); err != nil {
		return nil, nil, err
	}
	var msgs []chatMessage
	consumed := []string{"conversations"}
	if sys := row.Get("system"); sys.Kind() == jsonpos.String {
		msgs = append(msgs, chatMessage{"system", sys.Str()})
		consumed = append(consumed, "system")
	}
	for _, turn := range row.Get("conversations").Elems() {
		role := ShareGPTRoles[strings.ToLower(turn.Get("from").Str())]
		msgs = append(msgs, chatMessage{role, turn.Get("value").Str()})
	}
	return msgs, consumed, nil
}

// alpacaConvertible returns why an Alpaca row cannot be converted, or
// nil: the checks of fromAlpaca, which C016 runs on every row, without
// building anything.
func alpacaConvertible(row jsonpos.Value) error {
	instr, input, output := row.Get("instruction"), row.Get("input"), row.Get("output")
	if instr.Kind() != jsonpos.String || output.Kind() != jsonpos.String {
		return fmt.Errorf("instruction and output must be strings, so the row %w", ErrNotConvertible)
	}
	if input.Exists() && input.Kind() != jsonpos.String {
		return fmt.Errorf("input is not a string, so the row %w", ErrNotConvertible)
	}
	if hist := row.Get("history"); hist.Exists() {
		if hist.Kind() != jsonpos.Array {
			return fmt.Errorf("history is not a list, so the row %w", ErrNotConvertible)
		}
		for i, pair := range hist.Elems() {
			if pair.Len() != 2 || pair.Index(0).Kind() != jsonpos.String || pair.Index(1).Kind() != jsonpos.String {
				return fmt.Errorf("history[%d] is not a [prompt, response] pair, so the row %w", i, ErrNotConvertible)
			}
		}
	}
	return nil
}

func fromAlpaca(row jsonpos.Value) ([]chatMessage, []string, error) {
	if err := alpacaConvertible(row); err != nil {
		return nil, nil, err
	}
	instr, input, output := row.Get("instruction"), row.Get("input"), row.Get("output")
	var msgs []chatMessage
	consumed := []string{"instruction", "input", "output"}
	if sys := row.Get("system"); sys.Kind() == jsonpos.String {
		msgs = append(msgs, chatMessage{"system", sys.Str()})
		consumed = append(consumed, "system")
	}
	if hist := row.Get("history"); hist.Exists() {
		for _, pair := range hist.Elems() {
			msgs = append(msgs, chatMessage{"user", pair.Index(0).Str()}, chatMessage{"assistant", pair.Index(1).Str()})
		}
		consumed = append(consumed, "history")
	}
	prompt := instr.Str()
	if in := input.Str(); strings.TrimSpace(in) != "" {
		prompt += "\n\n" + in
	}
	msgs = append(msgs, chatMessage{"user", prompt}, chatMessage{"assistant", output.Str()})
	return msgs, consumed, nil
}

// promptCompletionConvertible returns why a prompt/completion row cannot
// be converted, or nil.
func promptCompletionConvertible(row jsonpos.Value) error {
	if row.Get("prompt").Kind() != jsonpos.String || row.Get("completion").Kind() != jsonpos.String {
		return fmt.Errorf("prompt and completion must be strings, so the row %w", ErrNotConvertible)
	}
	return nil
}

func fromPromptCompletion(row jsonpos.Value) ([]chatMessage, []string, error) {
	if err := promptCompletionConvertible(row); err != nil {
		return nil, nil, err
	}
	p, c := row.Get("prompt"), row.Get("completion")
	return []chatMessage{{"user", p.Str()}, {"assistant", c.Str()}}, []string{"prompt", "completion"}, nil
}

func fromChatMLText(row jsonpos.Value) ([]chatMessage, []string, error) {
	segs, err := ParseChatML(row.Get("text").Str())
	if err != nil {
		return nil, nil, fmt.Errorf("%v, so the row %w", err, ErrNotConvertible)
	}
	msgs := make([]chatMessage, len(segs))
	for i, s := range segs {
		msgs[i] = chatMessage{s.Role, s.Content}
	}
	return msgs, []string{"text"}, nil
}

// ChatMLTurn is one "<|im_start|>role\ncontent<|im_end|>" block.
type ChatMLTurn struct {
	Role, Content string
	Start         int // byte offset of the turn's start marker in the decoded text
}

// ParseChatML splits raw ChatML text into turns. It fails on text outside
// the blocks (other than whitespace), a missing end marker, a nested start
// marker or an empty role, naming the first problem.
func ParseChatML(text string) ([]ChatMLTurn, error) {
	var turns []ChatMLTurn
	pos := 0
	for {
		rest := text[pos:]
		i := strings.Index(rest, ChatMLStart)
		if i < 0 {
			if strings.Contains(rest, ChatMLEnd) {
				return nil, fmt.Errorf("%s without a matching %s", ChatMLEnd, ChatMLStart)
			}
			if strings.TrimSpace(rest) != "" {
				return nil, errors.New("text after the last <|im_end|>")
			}
			break
		}
		if strings.TrimSpace(rest[:i]) != "" {
			return nil, errors.New("text outside <|im_start|> … <|im_end|> blocks")
		}
		body := rest[i+len(ChatMLStart):]
		j := strings.Index(body, ChatMLEnd)
		if j < 0 {
			return nil, fmt.Errorf("%s at turn %d is never closed by %s", ChatMLStart, len(turns)+1, ChatMLEnd)
		}
		block := body[:j]
		if strings.Contains(block, ChatMLStart) {
			return nil, fmt.Errorf("turn %d opens a new %s before %s", len(turns)+1, ChatMLStart, ChatMLEnd)
		}
		role, content, _ := strings.Cut(block, "\n")
		role = strings.TrimSpace(role)
		if role == "" {
			return nil, fmt.Errorf("turn %d has no role after %s", len(turns)+1, ChatMLStart)
		}
		turns = append(turns, ChatMLTurn{Role: role, Content: content, Start: pos + i})
		pos += i + len(ChatMLStart) + j + len(ChatMLEnd)
	}
	if len(turns) == 0 {
		return nil, errors.New("no <|im_start|> blocks")
	}
	return turns, nil
}

// WithoutKey returns the source text of obj without its members named key.
// Other members keep their text byte for byte.
func WithoutKey(obj jsonpos.Value, key string) []byte {
	out := append(make([]byte, 0, len(obj.Raw())), '{')
	first := true
	for k, v := range obj.Members() {
		if k.Name() == key {
			continue
		}
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(append(append(out, k.Raw()...), ':'), v.Raw()...)
	}
	return append(out, '}')
}

// Compact removes the whitespace between the tokens of valid JSON, keeping
// strings and the order of keys as they are.
func Compact(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for _, ch := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case ch == '\\':
				escaped = true
			case ch == '"':
				inString = false
			}
		case ch == '"':
			inString = true
		case ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n':
			continue
		}
		out = append(out, ch)
	}
	return out
}
