package diagnostics

// The C family asks whether each row is a well-formed conversation. Each
// rule is a file of its own (c001_no_messages.go to c019_metadata_key.go);
// this file holds what several of them share: the formats' schemas, the
// checks of keys and types, tool calls.

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// Schema names the keys of a conversation format: the list of turns, and
// each turn's speaker and text.
type Schema struct {
	List, Role, Content string
	// Assistant is the role whose turns are trained.
	Assistant string
}

var (
	chatSchema     = &Schema{List: "messages", Role: "role", Content: "content", Assistant: "assistant"}
	shareGPTSchema = &Schema{List: "conversations", Role: "from", Content: "value", Assistant: "gpt"}
)

func schemaFor(f dataset.Format) *Schema {
	switch f {
	case dataset.Chat:
		return chatSchema
	case dataset.ShareGPT:
		return shareGPTSchema
	}
	return nil
}

var (
	openAIRoles   = []string{"system", "user", "assistant", "tool", "function"}
	genericRoles  = []string{"system", "developer", "user", "assistant", "tool", "function"}
	shareGPTFroms = []string{"system", "human", "gpt", "function_call", "observation", "tool", "user", "assistant"}

	// roleAliases are names other tools use for chat roles; a row using one
	// gets a fix that renames it.
	roleAliases = map[string]string{
		"human": "user", "usr": "user", "customer": "user", "prompter": "user",
		"gpt": "assistant", "bot": "assistant", "model": "assistant", "ai": "assistant",
		"chatgpt": "assistant", "chatbot": "assistant", "agent": "assistant", "asistant": "assistant",
		"assistent": "assistant", "assitant": "assistant", "assisstant": "assistant",
		"sys": "system", "system_prompt": "system",
	}

	messageKeys   = []string{"role", "content", "name", "weight", "tool_calls", "tool_call_id", "function_call"}
	openAIFields  = []string{"messages", "tools", "parallel_tool_calls", "functions"}
	specialTokens = []string{"<|im_start|>", "<|im_end|>", "<|endoftext|>", "<|eot_id|>",
		"<|start_header_id|>", "<|end_header_id|>", "<|begin_of_text|>", "<|end_of_text|>"}
)

// openAIPartTypes are the content part types of OpenAI's chat format;
// others, such as LLaMA-Factory's "reasoning" and "tool_call" parts, are
// rejected.
var openAIPartTypes = []string{"text", "image_url", "input_audio", "file", "refusal"}

func (c *RowContext) roles() []string {
	if c.Format == dataset.ShareGPT {
		return shareGPTFroms
	}
	if c.Settings.Target == TargetOpenAI {
		return openAIRoles
	}
	return genericRoles
}

// makesCalls reports whether an assistant message carries tool or function
// calls, which lets it go without content.
func makesCalls(m Message) bool {
	return m.Value.Get("tool_calls").Kind() == jsonpos.Array || m.Value.Get("function_call").Kind() == jsonpos.Object
}

func checkStringFields(c *RowContext, keys ...string) {
	for _, k := range keys {
		if v := c.Root.Get(k); v.Exists() && v.Kind() != jsonpos.String {
			c.ReportValue("C007", v, nil, "%q is %s, not a string", k, aKind(v.Kind()))
		}
	}
}

func checkToolsString(c *RowContext) {
	if tools := c.Root.Get("tools"); tools.Kind() == jsonpos.String {
		c.ReportValue("C007", tools, nil, `"tools" is a JSON-encoded string; chat rows carry the tool definitions as a list`)
	}
}

func checkChatTypes(c *RowContext) {
	checkToolsString(c)
	valueParts := false
	for _, m := range c.Messages {
		switch m.Content.Kind() {
		case jsonpos.Invalid, jsonpos.Null, jsonpos.String:
		case jsonpos.Array:
			for i, part := range m.Content.Elems() {
				// Named only for a finding: most parts have none.
				path := func() string { return c.Path(m) + ".content[" + itoa(i) + "]" }
				if part.Kind() != jsonpos.Object {
					c.ReportValue("C007", part, nil, "%s is %s, not a content part object", path(), aKind(part.Kind()))
					continue
				}
				typ := part.Get("type")
				if typ.Kind() != jsonpos.String {
					c.ReportValue("C007", part, nil, `%s has no "type"`, path())
					continue
				}
				if !typ.StrEqual("text") {
					if c.Settings.Target == TargetOpenAI && !slices.Contains(openAIPartTypes, typ.Str()) {
						c.ReportValue("C007", typ, nil, "%s has type %q, which OpenAI fine-tuning does not accept", path(), typ.Str())
					}
					continue
				}
				text := part.Get("text")
				switch {
				case text.Kind() == jsonpos.String:
				case !text.Exists() && part.Get("value").Kind() == jsonpos.String:
					valueParts = true
					c.ReportValue("C007", part.Get("value"), nil, `%s carries its text in "value" (LLaMA-Factory); content parts use "text"`, path())
				case !text.Exists():
					c.ReportValue("C007", part, nil, `%s is a text part without "text"`, path())
				default:
					c.ReportValue("C007", text, nil, "%s.text is %s, not a string", path(), aKind(text.Kind()))
				}
			}
		default:
			c.ReportValue("C007", m.Content, nil, "%s.content is %s; it must be a string or a list of content parts", c.Path(m), aKind(m.Content.Kind()))
		}
	}
	if valueParts {
		attachFix(c, "C007", fixValueParts(c))
	}
}

// attachFix gives every diagnostic of code reported so far on the row the
// same whole-row fix, for fixes that repair all occurrences at once.
func attachFix(c *RowContext, code string, fix *Fix) {
	if fix == nil {
		return
	}
	for i := range c.diags {
		if c.diags[i].Code == code && c.diags[i].Fix == nil {
			c.diags[i].Fix = fix
		}
	}
}

// fixValueParts renames "value" to "text" in every text part of the row.
func fixValueParts(c *RowContext) *Fix {
	type span struct{ start, end int }
	var keys []span
	for _, m := range c.Messages {
		for _, part := range m.Content.Elems() {
			if part.Get("type").Str() != "text" || part.Get("text").Exists() {
				continue
			}
			for k := range part.Members() {
				if k.Name() == "value" {
					keys = append(keys, span{k.Start(), k.End()})
				}
			}
		}
	}
	t := c.Row.Text
	out := make([]byte, 0, len(t))
	prev := 0
	for _, k := range keys {
		out = append(append(out, t[prev:k.start]...), `"text"`...)
		prev = k.end
	}
	out = append(out, t[prev:]...)
	return c.ReplaceRow(`Rename "value" to "text" in content parts`, out)
}

func checkMessageKeys(c *RowContext, m Message) {
	openai := c.Settings.Target == TargetOpenAI
	for k, v := range m.Value.Members() {
		if keyIn(k, messageKeys) {
			continue
		}
		name, path := k.Name(), c.Path(m)
		if name == "loss_weight" {
			if !openai {
				continue
			}
			var fix *Fix
			if w, ok := v.Float(); ok && (w == 0 || w == 1) && m.RoleName() == "assistant" && !m.Value.Get("weight").Exists() {
				fix = c.Splice(`Rename "loss_weight" to "weight"`, k.Start(), v.End(), []byte(`"weight":`+itoa(int(w))))
			} else if m.RoleName() != "assistant" && !m.Value.Get("weight").Exists() {
				obj := rewriteObject(m.Value, func(k2 jsonpos.Key, _ jsonpos.Value) memberEdit {
					return memberEdit{drop: k2.Start() == k.Start()}
				})
				fix = c.Splice(`Remove "loss_weight"`, m.Value.Start(), m.Value.End(), obj)
			}
			c.ReportValue("C008", k, fix, `%s has "loss_weight" (LLaMA-Factory); OpenAI uses "weight" (0 or 1) on assistant messages only`, path)
			continue
		}
		want := suggest(name, messageKeys)
		if want != "" && !m.Value.Get(want).Exists() {
			fix := c.Splice(`Rename "`+name+`" to "`+want+`"`, k.Start(), k.End(), quoted(want))
			c.ReportValue("C008", k, fix, "%s has unknown key %q; did you mean %q?", path, name, want)
			continue
		}
		if openai {
			c.ReportValue("C008", k, nil, "%s has key %q, which OpenAI fine-tuning does not accept", path, name)
		}
	}
}

func checkTopLevelKeys(c *RowContext) {
	meta := c.Settings.MetadataKey
	for k := range c.Root.Members() {
		if keyIn(k, openAIFields) || k.Equal(meta) {
			continue
		}
		name := k.Name()
		var fix *Fix
		if meta != "" {
			fix = moveIntoMetadata(c, k, meta)
		}
		c.ReportValue("C008", k, fix, "top-level key %q is not accepted by OpenAI fine-tuning (allowed: %s)", name, strings.Join(openAIFields, ", "))
	}
}

// moveIntoMetadata moves the member with key k into the metadata object,
// creating it when the row has none. It returns nil when metadata exists but
// is not an object, or already has that key.
func moveIntoMetadata(c *RowContext, k jsonpos.Key, meta string) *Fix {
	metaVal := c.Root.Get(meta)
	if metaVal.Exists() && (metaVal.Kind() != jsonpos.Object || metaVal.Get(k.Name()).Exists()) {
		return nil
	}
	moved := c.Root.Get(k.Name())
	var extra [][2][]byte
	if !metaVal.Exists() {
		extra = append(extra, [2][]byte{quoted(meta), rewriteObject(jsonpos.Value{}, nil, [2][]byte{k.Raw(), moved.Raw()})})
	}
	row := rewriteObject(c.Root, func(k2 jsonpos.Key, v jsonpos.Value) memberEdit {
		switch {
		case k2.Start() == k.Start():
			return memberEdit{drop: true}
		case metaVal.Exists() && k2.Name() == meta:
			return memberEdit{value: rewriteObject(v, func(jsonpos.Key, jsonpos.Value) memberEdit { return memberEdit{} }, [2][]byte{k.Raw(), moved.Raw()})}
		}
		return memberEdit{}
	}, extra...)
	return c.ReplaceRow(`Move "`+k.Name()+`" into "`+meta+`"`, row)
}

// rolesKnown reports whether every message has a role the format knows;
// when one does not, C005 explains the row and the rules that reason about
// the order of roles stay quiet rather than repeat it.
func rolesKnown(c *RowContext) bool {
	allowed := c.roles()
	for _, m := range c.Messages {
		if !slices.Contains(allowed, m.RoleName()) {
			return false
		}
	}
	return true
}

func hasAssistant(c *RowContext) bool {
	for _, m := range c.Messages {
		if m.RoleName() == c.Schema.Assistant {
			return true
		}
	}
	return false
}

// isBlank reports whether a raw JSON string literal holds only whitespace,
// written directly or as escapes.
func isBlank(raw []byte) bool {
	if len(raw) < 2 {
		return false
	}
	body := raw[1 : len(raw)-1]
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case ' ', '\t':
		case '\\':
			if i+1 >= len(body) || (body[i+1] != 'n' && body[i+1] != 't' && body[i+1] != 'r') {
				return false
			}
			i++
		default:
			return false
		}
	}
	return true
}

// otherFormats names the formats of a file none of whose recognised rows
// is in the wanted format (chat messages, for OpenAI), e.g. "Alpaca" or
// "Alpaca and ShareGPT"; "" when some rows are in it, or when only one row
// is recognised (its finding carries the fix).
func otherFormats(f *FileContext, want dataset.Format) string {
	if f.Settings.Target != TargetOpenAI || f.FormatCounts[want] > 0 {
		return ""
	}
	var names []string
	n := 0
	for fm, c := range f.FormatCounts {
		if c > 0 && dataset.Format(fm) != dataset.Unknown {
			names = append(names, dataset.Format(fm).Title())
			n += c
		}
	}
	if n < 2 {
		return ""
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// convertRow is the fix of C016: it reparses the row's current text and
// converts it to chat messages.
func convertRow(text []byte) ([]byte, error) {
	var p jsonpos.Parser
	root, err := p.Parse(text)
	if err != nil {
		return nil, err
	}
	return dataset.ToChat(root, dataset.Detect(root))
}

// maySpellSpecialToken is a cheap filter on JSON text: every special token
// starts with "<|", which JSON may also write with a \u003c escape. It
// looks for the '|', which is rare in text; searching for "\u003c|" went
// through every backslash of every escape.
func maySpellSpecialToken(raw []byte) bool {
	for i := bytes.IndexByte(raw, '|'); i >= 0; {
		if i >= 1 && raw[i-1] == '<' {
			return true
		}
		if i >= 6 && string(raw[i-6:i-1]) == `\u003` && raw[i-1]|0x20 == 'c' {
			return true
		}
		next := bytes.IndexByte(raw[i+1:], '|')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	return false
}

// keyIn reports whether k is one of names, without decoding k into a new
// string: every key of every row goes through it.
func keyIn(k jsonpos.Key, names []string) bool {
	raw, ok := k.RawName()
	if !ok {
		return slices.Contains(names, k.Name())
	}
	for _, n := range names {
		if string(raw) == n {
			return true
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }

// plural writes a count with its noun: "1 example", "9 examples".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}

// aKind names a JSON kind with its article, for messages: "an object",
// "a string", "null".
func aKind(k jsonpos.Kind) string {
	switch k {
	case jsonpos.Array, jsonpos.Object:
		return "an " + k.String()
	case jsonpos.Null:
		return "null"
	case jsonpos.True, jsonpos.False:
		return "a boolean"
	}
	return "a " + k.String()
}

// toolCall is a call made by an assistant message, waiting for its result.
type toolCall struct {
	id       string
	at       jsonpos.Value
	answered bool
}

// checkCallList checks the shape of an assistant message's tool_calls and
// returns the calls that have an id.
func checkCallList(c *RowContext, m Message) []*toolCall {
	calls := m.Value.Get("tool_calls")
	if !calls.Exists() {
		return nil
	}
	path := c.Path(m) + ".tool_calls"
	if calls.Kind() != jsonpos.Array {
		c.ReportValue("C013", calls, nil, "%s is %s, not a list", path, aKind(calls.Kind()))
		return nil
	}
	var out []*toolCall
	for i, tc := range calls.Elems() {
		p := path + "[" + itoa(i) + "]"
		if tc.Kind() != jsonpos.Object {
			c.ReportValue("C013", tc, nil, "%s is %s, not an object", p, aKind(tc.Kind()))
			continue
		}
		if id := tc.Get("id"); id.Kind() == jsonpos.String {
			out = append(out, &toolCall{id: id.Str(), at: id})
		} else {
			c.ReportValue("C013", tc, nil, `%s has no string "id"`, p)
		}
		if typ := tc.Get("type"); typ.Kind() != jsonpos.String || typ.Str() != "function" {
			c.ReportValue("C013", tc, nil, `%s needs "type": "function"`, p)
		}
		fn := tc.Get("function")
		if fn.Kind() != jsonpos.Object {
			c.ReportValue("C013", tc, nil, `%s has no "function" object`, p)
			continue
		}
		if name := fn.Get("name"); name.Kind() != jsonpos.String || name.Str() == "" {
			c.ReportValue("C013", fn, nil, `%s.function has no "name"`, p)
		}
		args := fn.Get("arguments")
		switch args.Kind() {
		case jsonpos.String:
			if !json.Valid([]byte(args.Str())) {
				c.ReportValue("C013", args, nil, "%s.function.arguments is not valid JSON", p)
			}
		case jsonpos.Object:
			fix := c.Splice("Encode arguments as a JSON string", args.Start(), args.End(), quoted(string(args.Raw())))
			c.ReportValue("C013", args, fix, "%s.function.arguments is an object; it must be a JSON-encoded string", p)
		default:
			c.ReportValue("C013", fn, nil, `%s.function.arguments must be a JSON-encoded string`, p)
		}
	}
	return out
}
