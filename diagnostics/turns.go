package diagnostics

import (
	"bytes"
	"strings"
	"sync"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/dedup"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// Turn is one turn of a row's conversation in chat terms, whatever the
// row's format: ShareGPT speakers and Alpaca fields are mapped to chat
// roles, so duplicates are found across formats.
type Turn struct {
	Role string
	Text []byte // the turn's text, aliasing the row where it has no escapes
}

// Turns returns the row's conversation. It is empty for rows that have
// none (invalid JSON, plain text).
func (c *RowContext) Turns() []Turn {
	if c.turns != nil || c.Root.Kind() != jsonpos.Object {
		return c.turns
	}
	turns := c.turnBuf[:0]
	add := func(role string, v jsonpos.Value) {
		if v.Kind() == jsonpos.String {
			turns = append(turns, Turn{role, c.decodeStr(v)})
		}
	}
	switch c.Format {
	case dataset.Chat:
		for _, m := range c.Messages {
			switch m.Content.Kind() {
			case jsonpos.String:
				turns = append(turns, Turn{m.role, c.decodeStr(m.Content)})
			case jsonpos.Array:
				turns = append(turns, Turn{m.role, c.contentText(m.Content)})
			default:
				turns = append(turns, Turn{Role: m.role})
			}
		}
	case dataset.ShareGPT:
		for _, m := range c.Messages {
			role := dataset.ShareGPTRoles[strings.ToLower(m.role)]
			if role == "" {
				role = m.role
			}
			add(role, m.Content)
		}
	case dataset.Alpaca:
		// The instruction, and the input after a blank line if it has
		// any: built in one allocation, or none when the instruction has
		// no escapes and stands alone.
		instr, in := c.Root.Get("instruction"), c.decodeStr(c.Root.Get("input"))
		prompt := []byte{}
		if len(bytes.TrimSpace(in)) == 0 {
			if b := c.decodeStr(instr); b != nil {
				prompt = b
			}
		} else {
			// Built in textBuf, as decodeStr does.
			start := len(c.textBuf)
			c.textBuf = append(append(instr.AppendStr(c.textBuf), "\n\n"...), in...)
			prompt = c.textBuf[start:len(c.textBuf):len(c.textBuf)]
		}
		add("system", c.Root.Get("system"))
		turns = append(turns, Turn{"user", prompt})
		add("assistant", c.Root.Get("output"))
	case dataset.PromptCompletion:
		add("user", c.Root.Get("prompt"))
		add("assistant", c.Root.Get("completion"))
	case dataset.ChatMLText:
		if segs, err := c.chatMLTurns(); err == nil {
			for _, s := range segs {
				turns = append(turns, Turn{s.Role, c.keepText(s.Content)})
			}
		}
	}
	if turns == nil {
		turns = []Turn{}
	}
	c.turns, c.turnBuf = turns, turns
	return turns
}

// chatMLTurns returns the turns of a ChatML text row's "text", parsed
// once for Turns, C016 and C017.
func (c *RowContext) chatMLTurns() ([]dataset.ChatMLTurn, error) {
	if !c.chatMLDone {
		c.chatMLDone = true
		c.chatML, c.chatMLErr = dataset.ParseChatML(c.Root.Get("text").Str())
	}
	return c.chatML, c.chatMLErr
}

// keepText returns s as bytes kept in textBuf, as decodeStr keeps a text.
func (c *RowContext) keepText(s string) []byte {
	if s == "" {
		return []byte{}
	}
	start := len(c.textBuf)
	c.textBuf = append(c.textBuf, s...)
	return c.textBuf[start:len(c.textBuf):len(c.textBuf)]
}

// decodeStr returns the text of the string v (nil for other kinds):
// aliasing the row where it has no escapes, else decoded into textBuf,
// which the next row reuses (a fresh buffer for each took more memory than
// the rest of the check). Earlier texts stay valid, since each is capped at
// its own end.
func (c *RowContext) decodeStr(v jsonpos.Value) []byte {
	if !v.HasEscapes() {
		return v.StrBytes()
	}
	start := len(c.textBuf)
	c.textBuf = v.AppendStr(c.textBuf)
	return c.textBuf[start:len(c.textBuf):len(c.textBuf)]
}

// contentText is ContentText of a list of parts made in textBuf, as
// decodeStr makes a string's text.
func (c *RowContext) contentText(v jsonpos.Value) []byte {
	start := len(c.textBuf)
	c.textBuf = appendPartsText(c.textBuf, v)
	if len(c.textBuf) == start {
		return []byte{} // as ContentText's "" would be
	}
	return c.textBuf[start:len(c.textBuf):len(c.textBuf)]
}

var sketchers = sync.Pool{New: func() any { return new(dedup.Sketcher) }}

// summarize fills the fields of info, and of ex, that duplicate and
// balance rules and statistics use.
// Each is computed only when a rule that needs it is enabled.
func (c *RowContext) summarize(info *RowInfo, ex *RowExtras) {
	s, need := c.Settings, c.Settings.needed()
	if need.has(DataCategory) {
		info.Category = c.Category()
	}
	// Decoding every turn's text costs as much as parsing the row; only do
	// it for the rules and statistics that read it.
	if !need.has(DataTurns) {
		return
	}
	turns := c.Turns()
	if len(turns) == 0 {
		return
	}
	for _, t := range turns {
		if t.Role == "user" {
			info.UserTurns++
		}
	}
	// The system prompt's hash, when taken, is reused for the fingerprint.
	system, systemAt := uint64(0), -1
	if need.has(DataSystem) {
		for k, t := range turns {
			if t.Role == "system" {
				system, systemAt = dedup.HashText(t.Text), k
				info.System = system | 1
				break
			}
		}
	}
	if s.CountTokens {
		c.countTokens(ex, turns)
	}
	if need.has(DataFingerprint) {
		// Each turn's text is hashed once and combined three ways.
		all, prompt, answer := dedup.NewFingerprint(), dedup.NewFingerprint(), dedup.NewFingerprint()
		answerLen := 0
		for k, t := range turns {
			role, text := roleHash(t.Role), system
			if k != systemAt {
				text = dedup.HashText(t.Text)
			}
			all.AddHash(role)
			all.AddHash(text)
			if t.Role == "assistant" {
				answer.AddHash(text)
				answerLen += len(bytes.TrimSpace(t.Text))
			} else {
				prompt.AddHash(role)
				prompt.AddHash(text)
			}
		}
		if tools := c.Root.Get("tools"); tools.Exists() {
			all.Add(tools.Raw())
		}
		info.Fingerprint, info.Prompt, info.Answer = all.Sum(), prompt.Sum(), answer.Sum()
		if answerLen >= minSameAnswer {
			info.AnswerKey = info.Answer | 1
		}
	}
	if need.has(DataEmbed) {
		prompt, answer := EmbedTexts(turns)
		ex.EmbedPrompt, ex.EmbedAnswer = EmbedKey(prompt), EmbedKey(answer)
	}
	sketched := false
	if need.has(DataSketch) {
		// The system prompt is left out: it is usually shared by every row
		// and would make short, different conversations look alike.
		k := sketchers.Get().(*dedup.Sketcher)
		k.Reset()
		for _, t := range turns {
			if t.Role == "user" || t.Role == "assistant" {
				k.Add(t.Text)
			}
		}
		if sig, ok := k.Sum(); ok {
			info.Sig = c.Arena.signature(&sig)
		}
		info.Words, sketched = int32(k.Words()), true
		sketchers.Put(k)
	}
	if need.has(DataWords) {
		for _, t := range turns {
			if !sketched && (t.Role == "user" || t.Role == "assistant") {
				info.Words += int32(dedup.CountWords(t.Text))
			}
			if t.Role == "assistant" && info.Opening == "" {
				info.Opening = opening(t.Text, c.Arena)
			}
		}
	}
}

var commonRoleHashes = func() map[string]uint64 {
	m := map[string]uint64{}
	for _, r := range commonRoles {
		m[r] = dedup.HashText([]byte(r))
	}
	return m
}()

func roleHash(role string) uint64 {
	if h, ok := commonRoleHashes[role]; ok {
		return h
	}
	return dedup.HashText([]byte(role))
}

// Category returns the row's category, read at the settings' dotted
// CategoryField path, or "" when it has none.
func (c *RowContext) Category() string {
	v := c.Root
	// The keys one by one: splitting the path allocated on every row.
	for path, more := c.Settings.CategoryField, true; more; {
		var key string
		key, path, more = strings.Cut(path, ".")
		if key == "" {
			return ""
		}
		v = v.Get(key)
	}
	if v.Kind() != jsonpos.String {
		return ""
	}
	if v.HasEscapes() {
		return v.Str()
	}
	// A file has a few categories and every row one of them: the strings
	// are kept, one per distinct category, rather than made per row.
	raw := v.StrBytes()
	if s, ok := c.categories[string(raw)]; ok {
		return s
	}
	s := string(raw)
	if c.categories == nil || len(c.categories) > maxCategories {
		c.categories = map[string]string{}
	}
	c.categories[s] = s
	return s
}

// maxCategories bounds the strings a RowContext keeps for Category: a
// field that differs on every row is not a category.
const maxCategories = 256

func (c *RowContext) countTokens(ex *RowExtras, turns []Turn) {
	tc := c.Settings.Tokens()
	ex.Tokens = int32(tc.CountChat(TokenMessages(c)).Total)
	for _, t := range turns {
		n := int32(tc.Count(string(t.Text)))
		switch t.Role {
		case "user":
			ex.UserTokens += n
		case "assistant":
			ex.AssistantTokens += n
		}
	}
}
