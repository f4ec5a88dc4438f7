package diagnostics

// The C family: is each row a well-formed conversation?

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/ftls-dev/ftls/dataset"
	"github.com/ftls-dev/ftls/jsonpos"
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

func init() {
	register(
		&Rule{
			Code: "C001", Name: "no-messages", Severity: Error, Fixable: true,
			Summary: "row has no messages",
			Doc: Doc{
				What: "Reports an object that has no `messages` list and is not in any other format ftls knows (ShareGPT, Alpaca, prompt/completion, text).",
				Why:  "Without a conversation there is nothing to train on; usually the key is misspelled or the row was written by a different tool.",
				Bad:  `{"message": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
				Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
				Fix:  "A key that is a near miss of `messages` and holds a list is renamed.",
			},
			Row: checkNoMessages,
		},
		&Rule{
			Code: "C002", Name: "messages-not-list", Severity: Error,
			Summary: "messages is not a non-empty list",
			Doc: Doc{
				What: "Reports a `messages` (or ShareGPT `conversations`) value that is not a list, or is an empty list.",
				Why:  "Trainers iterate over the turns; anything else fails the load or yields an empty example.",
				Bad:  `{"messages": {"role": "user", "content": "Hi"}}`,
				Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
				Fix:  "Put the turns in a list.",
			},
			Row: checkMessagesList,
		},
		&Rule{
			Code: "C003", Name: "message-not-object", Severity: Error,
			Summary: "a message is not an object",
			Doc: Doc{
				What: "Reports an element of the turn list that is not an object.",
				Why:  "Each turn needs a role and content; a bare string loses who said it.",
				Bad:  `{"messages": ["Hi", "Hello!"]}`,
				Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
				Fix:  "Write each turn as an object with role and content.",
			},
			Row: checkMessageObjects,
		},
		&Rule{
			Code: "C004", Name: "missing-role", Severity: Error,
			Summary: "a message has no role",
			Doc: Doc{
				What: "Reports a message without a `role` (ShareGPT: `from`), or whose role is not a string.",
				Why:  "The role decides which turns the model learns to produce; without it the turn cannot be placed in the chat template.",
				Bad:  `{"content": "Hello!"}`,
				Good: `{"role": "assistant", "content": "Hello!"}`,
				Fix:  "Add the role.",
			},
			Row: checkMissingRole,
		},
		&Rule{
			Code: "C005", Name: "unknown-role", Severity: Error, Fixable: true,
			Summary: "a message has a role the format does not know",
			Doc: Doc{
				What: "Reports a role outside the format's set: system, user, assistant, tool (and the legacy function) for chat rows; human, gpt, system, function_call, observation, tool for ShareGPT rows. The `openai` target does not accept `developer`.",
				Why:  "An unknown role is rejected by OpenAI's endpoint and silently mapped or dropped by other trainers, so the example teaches something other than intended.",
				Bad:  `{"role": "asistant", "content": "Hello!"}`,
				Good: `{"role": "assistant", "content": "Hello!"}`,
				Fix:  "Renames known aliases and near misses (human→user, gpt/bot/model→assistant, asistant→assistant, System→system).",
			},
			Row: checkUnknownRole,
		},
		&Rule{
			Code: "C006", Name: "missing-content", Severity: Error,
			Summary: "a message has no content",
			Doc: Doc{
				What: "Reports a message without `content` (ShareGPT: `value`), or with null content, unless it is an assistant message that makes tool or function calls.",
				Why:  "A turn without text trains the model on nothing, or breaks the chat template.",
				Bad:  `{"role": "user"}`,
				Good: `{"role": "user", "content": "Where is my order?"}`,
				Fix:  "Add the text of the turn.",
			},
			Row: checkMissingContent,
		},
		&Rule{
			Code: "C007", Name: "wrong-type", Severity: Error, Fixable: true,
			Summary: "content or another field has the wrong type",
			Doc: Doc{
				What: "Reports content that is neither a string nor a list of typed parts, text parts without a string `text` (including LLaMA-Factory's parts that carry `value`), `tools` given as a string, and non-string fields of Alpaca, prompt/completion and text rows.",
				Why:  "Trainers expect exact types; a number or an object where text belongs fails the load or is stringified into the training text.",
				Bad:  `{"role": "user", "content": [{"type": "text", "value": "Hi"}]}`,
				Good: `{"role": "user", "content": [{"type": "text", "text": "Hi"}]}`,
				Fix:  "Text parts that use `value` are rewritten to use `text`.",
			},
			Row: checkTypes,
		},
		&Rule{
			Code: "C008", Name: "unknown-key", Severity: Error, Fixable: true,
			Summary: "a key the target does not accept",
			Doc: Doc{
				What: "With `--target openai`, reports message keys other than role, content, name, weight, tool_calls, tool_call_id and function_call, and top-level keys other than messages, tools, parallel_tool_calls and functions (the configured metadata key is exempt; see C019). With `--target generic`, reports only keys that look like misspellings of the known ones.",
				Why:  "OpenAI's endpoint rejects the whole file for one unexpected key; other trainers ignore it, so a misspelled `contnet` silently drops the text.",
				Bad:  `{"role": "assistant", "content": "Hello!", "loss_weight": 1.0}`,
				Good: `{"role": "assistant", "content": "Hello!", "weight": 1}`,
				Fix:  "LLaMA-Factory's `loss_weight` becomes `weight` on assistant messages, misspelled keys are renamed, and unknown top-level keys move into the metadata object.",
			},
			Row: checkUnknownKeys,
		},
		&Rule{
			Code: "C009", Name: "no-assistant", Severity: Error,
			Summary: "no assistant message",
			Doc: Doc{
				What: "Reports a conversation without any assistant turn (ShareGPT: gpt).",
				Why:  "Only assistant turns are trained; a row without one adds nothing and OpenAI rejects it.",
				Bad:  `{"messages": [{"role": "user", "content": "Hi"}]}`,
				Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
				Fix:  "Write the answer the model should learn.",
			},
			Row: checkNoAssistant,
		},
		&Rule{
			Code: "C010", Name: "last-not-assistant", Severity: Warning,
			Summary: "conversation does not end with the assistant",
			Doc: Doc{
				What: "Reports a conversation whose last turn is not the assistant's.",
				Why:  "Turns after the last assistant message are never trained; usually the answer was cut off or the turns are out of order.",
				Bad:  `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "Thanks"}]}`,
				Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
				Fix:  "Add the final answer or drop the trailing turns.",
			},
			Row: checkLastTurn,
		},
		&Rule{
			Code: "C011", Name: "system-not-first", Severity: Warning,
			Summary: "system message not first",
			Doc: Doc{
				What: "Reports a system message that is not the first message.",
				Why:  "Chat templates put the system prompt at the top; many drop or misplace a later one, and the model learns an order it never sees at inference.",
				Bad:  `{"messages": [{"role": "user", "content": "Hi"}, {"role": "system", "content": "Be brief."}, ...]}`,
				Good: `{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, ...]}`,
				Fix:  "Move the system message to the top.",
			},
			Row: checkSystemFirst,
		},
		&Rule{
			Code: "C012", Name: "repeated-role", Severity: Warning,
			Summary: "two consecutive messages with the same role",
			Doc: Doc{
				What: "Reports a message whose role is the same as the one before it (consecutive tool results are allowed).",
				Why:  "Alternation is what the model learns from; two user turns in a row usually mean a lost answer, and some templates reject them.",
				Bad:  `[{"role": "user", ...}, {"role": "user", ...}, {"role": "assistant", ...}]`,
				Good: `[{"role": "user", ...}, {"role": "assistant", ...}]`,
				Fix:  "Merge the two turns or add the missing one between them.",
			},
			Row: checkRepeatedRole,
		},
		&Rule{
			Code: "C013", Name: "tool-call-mismatch", Severity: Error, Fixable: true,
			Summary: "tool call and tool result do not match",
			Doc: Doc{
				What: "Reports malformed `tool_calls` (each needs an `id`, `type` \"function\" and a `function` with `name` and `arguments` as a JSON string), calls that no later `tool` message answers, and `tool` messages whose `tool_call_id` answers no earlier call.",
				Why:  "The model must learn which result belongs to which call; OpenAI rejects unanswered calls, and a mismatched id teaches the wrong association.",
				Bad:  `{"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"x": 1}}}]}`,
				Good: `{"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{\"x\": 1}"}}]}`,
				Fix:  "Arguments given as an object are encoded as a JSON string.",
			},
			Row: checkToolCalls,
		},
		&Rule{
			Code: "C014", Name: "invalid-weight", Severity: Error, Fixable: true,
			Summary: "weight is not 0 or 1, or not on an assistant message",
			Doc: Doc{
				What: "Reports a `weight` other than 0 or 1, and a `weight` on a message that is not the assistant's.",
				Why:  "OpenAI uses weight to include (1) or skip (0) an assistant turn in training and rejects anything else.",
				Bad:  `{"role": "user", "content": "Hi", "weight": 0.5}`,
				Good: `{"role": "assistant", "content": "Hello!", "weight": 0}`,
				Fix:  "1.0 and 0.0 become 1 and 0; a weight on a non-assistant message is removed.",
			},
			Row: checkWeight,
		},
		&Rule{
			Code: "C015", Name: "empty-content", Severity: Warning,
			Summary: "content is empty",
			Doc: Doc{
				What: "Reports a message, or an Alpaca/prompt-completion field, whose text is empty or only whitespace (an assistant turn with tool calls may be empty).",
				Why:  "An empty answer teaches the model to say nothing; an empty prompt teaches it to answer questions nobody asked.",
				Bad:  `{"role": "assistant", "content": ""}`,
				Good: `{"role": "assistant", "content": "Your order ships tomorrow."}`,
				Fix:  "Write the text, or delete the row.",
			},
			Row: checkEmptyContent,
		},
		&Rule{
			Code: "C016", Name: "other-format", Severity: Error, Fixable: true,
			Summary: "row is in another format than the file",
			Doc: Doc{
				What: "Reports a row whose format differs from the one expected: chat messages with `--target openai`, else the file's most frequent format. With `--target openai`, a file with no chat row at all (a whole Alpaca or ShareGPT dataset) is reported once, on its first row, with the `ftls export` command that converts it.",
				Why:  "A trainer reads a whole file with one schema; a row in another shape fails to load or is skipped.",
				Bad:  `{"instruction": "Say hi", "input": "", "output": "Hi!"}   (in a chat file)`,
				Good: `{"messages": [{"role": "user", "content": "Say hi"}, {"role": "assistant", "content": "Hi!"}]}`,
				Fix:  "ShareGPT, Alpaca, prompt/completion and raw ChatML rows are converted to chat messages; other keys are kept. A whole file in another format is converted by `ftls export --target openai FILE -o OUT`.",
			},
			File: checkOtherFormat,
		},
		&Rule{
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
		},
		&Rule{
			Code: "C018", Name: "too-few-examples", Severity: Error,
			Summary: "fewer examples than the target accepts",
			Doc: Doc{
				What: "With `--target openai`, reports a file with fewer than 10 examples.",
				Why:  "OpenAI's fine-tuning endpoint refuses such a file, after the upload.",
				Bad:  "a training file with 5 rows",
				Good: "a training file with at least 10 rows (50–100 is where results start to show)",
				Fix:  "Add examples, for instance with `ftls generate`.",
			},
			File: checkTooFew,
		},
		&Rule{
			Code: "C019", Name: "metadata-key", Severity: Info,
			Summary: "rows carry the metadata key, which OpenAI does not accept",
			Doc: Doc{
				What: "With `--target openai`, notes once per file that rows carry the configured metadata key (`metadata` by default), where ftls keeps categories and other bookkeeping.",
				Why:  "OpenAI rejects unknown top-level keys. The key is useful while building the dataset, so ftls does not flag each row; strip it when you upload.",
				Bad:  `{"messages": [...], "metadata": {"category": "returns"}}   (uploaded as is)`,
				Good: "ftls export --target openai train.jsonl -o upload.jsonl",
				Fix:  "Run `ftls export --target openai FILE -o OUT` and upload OUT.",
			},
			File: checkMetadataNote,
		},
	)
}

func checkNoMessages(c *RowContext) {
	if c.Format != dataset.Unknown || c.Root.Kind() != jsonpos.Object {
		return
	}
	var keys []string
	for k, v := range c.Root.Members() {
		name := k.Name()
		keys = append(keys, name)
		if v.Kind() == jsonpos.Array && suggest(name, []string{"messages"}) == "messages" {
			fix := c.Splice(`Rename "`+name+`" to "messages"`, k.Start(), k.End(), quoted("messages"))
			c.ReportValue("C001", k, fix, `row has no "messages"; did you mean "messages" instead of %q?`, name)
			return
		}
	}
	if len(keys) == 0 {
		c.ReportRow("C001", nil, `row is an empty object; it needs "messages"`)
		return
	}
	if len(keys) > 5 {
		keys = append(keys[:5], "…")
	}
	// Keys are the row's text, which may not be UTF-8; messages must be.
	c.ReportRow("C001", nil, `row has no "messages" and matches no known format (keys: %s)`, strings.ToValidUTF8(strings.Join(keys, ", "), "\uFFFD"))
}

func checkMessagesList(c *RowContext) {
	if c.Schema == nil {
		return
	}
	list := c.Root.Get(c.Schema.List)
	switch {
	case list.Kind() != jsonpos.Array:
		c.ReportValue("C002", list, nil, "%q is %s, not a list of messages", c.Schema.List, aKind(list.Kind()))
	case list.Len() == 0:
		c.ReportValue("C002", list, nil, "%q is empty", c.Schema.List)
	}
}

func checkMessageObjects(c *RowContext) {
	for _, m := range c.Messages {
		if m.Value.Kind() != jsonpos.Object {
			c.ReportValue("C003", m.Value, nil, "%s is %s, not an object with %q and %q", c.Path(m), aKind(m.Value.Kind()), c.Schema.Role, c.Schema.Content)
		}
	}
}

func checkMissingRole(c *RowContext) {
	for _, m := range c.Messages {
		switch {
		case m.Value.Kind() != jsonpos.Object:
		case !m.Role.Exists():
			c.ReportValue("C004", m.Value, nil, "%s has no %q", c.Path(m), c.Schema.Role)
		case m.Role.Kind() != jsonpos.String:
			c.ReportValue("C004", m.Role, nil, "%s.%s is %s, not a string", c.Path(m), c.Schema.Role, aKind(m.Role.Kind()))
		}
	}
}

func checkUnknownRole(c *RowContext) {
	allowed := c.roles()
	for _, m := range c.Messages {
		role := m.RoleName()
		if m.Role.Kind() != jsonpos.String || slices.Contains(allowed, role) {
			continue
		}
		path := c.Path(m) + "." + c.Schema.Role
		if c.Format == dataset.Chat && (role == "function_call" || role == "observation") {
			c.ReportValue("C005", m.Role, nil, `%s %q is LLaMA-Factory's; chat rows express it with an assistant "tool_calls" and a "tool" message`, path, role)
			continue
		}
		want := ""
		if c.Format == dataset.Chat {
			want = roleAliases[strings.ToLower(role)]
		}
		if want == "" || !slices.Contains(allowed, want) {
			want = suggest(role, allowed)
		}
		if want == "" {
			c.ReportValue("C005", m.Role, nil, "%s %q is not a role; use %s", path, role, quoteList(allowed))
			continue
		}
		fix := c.Splice(`Change role to "`+want+`"`, m.Role.Start(), m.Role.End(), quoted(want))
		c.ReportValue("C005", m.Role, fix, "%s %q is not a role; did you mean %q?", path, role, want)
	}
}

// makesCalls reports whether an assistant message carries tool or function
// calls, which lets it go without content.
func makesCalls(m Message) bool {
	return m.Value.Get("tool_calls").Kind() == jsonpos.Array || m.Value.Get("function_call").Kind() == jsonpos.Object
}

func checkMissingContent(c *RowContext) {
	for _, m := range c.Messages {
		if m.Value.Kind() != jsonpos.Object {
			continue
		}
		missing := !m.Content.Exists() || m.Content.Kind() == jsonpos.Null
		if !missing || (c.Format == dataset.Chat && m.RoleName() == "assistant" && makesCalls(m)) {
			continue
		}
		if m.Content.Exists() {
			c.ReportValue("C006", m.Content, nil, "%s.%s is null; only assistant messages with tool calls may omit it", c.Path(m), c.Schema.Content)
		} else {
			c.ReportValue("C006", m.Value, nil, "%s has no %q", c.Path(m), c.Schema.Content)
		}
	}
}

func checkTypes(c *RowContext) {
	switch c.Format {
	case dataset.Chat:
		checkChatTypes(c)
	case dataset.ShareGPT:
		for _, m := range c.Messages {
			if m.Content.Exists() && m.Content.Kind() != jsonpos.String && m.Content.Kind() != jsonpos.Null {
				c.ReportValue("C007", m.Content, nil, "%s.value is %s, not a string", c.Path(m), aKind(m.Content.Kind()))
			}
		}
		// LLaMA-Factory's ShareGPT format defines "tools" as a JSON string;
		// only a chat row for OpenAI needs it as a list.
		if c.Settings.Target == TargetOpenAI {
			checkToolsString(c)
		}
	case dataset.Alpaca:
		checkStringFields(c, "instruction", "input", "output", "system")
	case dataset.PromptCompletion:
		checkStringFields(c, "prompt", "completion")
	case dataset.ChatMLText, dataset.PlainText:
		checkStringFields(c, "text")
	}
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
				path := c.Path(m) + ".content[" + itoa(i) + "]"
				if part.Kind() != jsonpos.Object {
					c.ReportValue("C007", part, nil, "%s is %s, not a content part object", path, aKind(part.Kind()))
					continue
				}
				typ := part.Get("type")
				if typ.Kind() != jsonpos.String {
					c.ReportValue("C007", part, nil, `%s has no "type"`, path)
					continue
				}
				if typ.Str() != "text" {
					if c.Settings.Target == TargetOpenAI && !slices.Contains(openAIPartTypes, typ.Str()) {
						c.ReportValue("C007", typ, nil, "%s has type %q, which OpenAI fine-tuning does not accept", path, typ.Str())
					}
					continue
				}
				text := part.Get("text")
				switch {
				case text.Kind() == jsonpos.String:
				case !text.Exists() && part.Get("value").Kind() == jsonpos.String:
					valueParts = true
					c.ReportValue("C007", part.Get("value"), nil, `%s carries its text in "value" (LLaMA-Factory); content parts use "text"`, path)
				case !text.Exists():
					c.ReportValue("C007", part, nil, `%s is a text part without "text"`, path)
				default:
					c.ReportValue("C007", text, nil, "%s.text is %s, not a string", path, aKind(text.Kind()))
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

func checkUnknownKeys(c *RowContext) {
	if c.Format == dataset.Chat {
		for _, m := range c.Messages {
			if m.Value.Kind() == jsonpos.Object {
				checkMessageKeys(c, m)
			}
		}
	}
	if c.Settings.Target == TargetOpenAI && c.Format == dataset.Chat {
		checkTopLevelKeys(c)
	}
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

func checkNoAssistant(c *RowContext) {
	if len(c.Messages) == 0 || hasAssistant(c) || !rolesKnown(c) {
		return
	}
	list := c.Root.Get(c.Schema.List)
	c.ReportValue("C009", list, nil, "conversation has no %q message, so nothing in it is trained", c.Schema.Assistant)
}

func checkLastTurn(c *RowContext) {
	n := len(c.Messages)
	if n == 0 || !hasAssistant(c) || !rolesKnown(c) {
		return
	}
	last := c.Messages[n-1]
	if role := last.RoleName(); role != "" && role != c.Schema.Assistant {
		c.ReportValue("C010", last.Value, nil, "conversation ends with a %q message; turns after the last %q are not trained", role, c.Schema.Assistant)
	}
}

func checkSystemFirst(c *RowContext) {
	for _, m := range c.Messages[min(1, len(c.Messages)):] {
		if m.RoleName() == "system" {
			c.ReportValue("C011", m.Value, nil, "%s is a system message; it belongs first", c.Path(m))
		}
	}
}

func checkRepeatedRole(c *RowContext) {
	for i := 1; i < len(c.Messages); i++ {
		prev, cur := c.Messages[i-1].RoleName(), c.Messages[i].RoleName()
		if cur != "" && cur == prev && cur != "tool" && cur != "observation" && cur != "function" {
			c.ReportValue("C012", c.Messages[i].Value, nil, "%s repeats the role %q of the message before it", c.Path(c.Messages[i]), cur)
		}
	}
}

func checkWeight(c *RowContext) {
	for _, m := range c.Messages {
		w := m.Value.Get("weight")
		if !w.Exists() {
			continue
		}
		path := c.Path(m) + ".weight"
		if m.RoleName() != "assistant" {
			obj := rewriteObject(m.Value, func(k jsonpos.Key, _ jsonpos.Value) memberEdit { return memberEdit{drop: k.Name() == "weight"} })
			fix := c.Splice(`Remove "weight"`, m.Value.Start(), m.Value.End(), obj)
			c.ReportValue("C014", w, fix, "%s is set on a %q message; only assistant messages take a weight", path, m.RoleName())
			continue
		}
		f, ok := w.Float()
		raw := string(w.Raw())
		switch {
		case ok && (raw == "0" || raw == "1"):
		case ok && (f == 0 || f == 1):
			fix := c.Splice("Write weight as "+itoa(int(f)), w.Start(), w.End(), []byte(itoa(int(f))))
			c.ReportValue("C014", w, fix, "%s is %s; write it as the integer %d", path, raw, int(f))
		default:
			c.ReportValue("C014", w, nil, "%s is %s; it must be 0 (skip this turn) or 1 (train on it)", path, raw)
		}
	}
}

func checkEmptyContent(c *RowContext) {
	for _, m := range c.Messages {
		if m.Content.Kind() == jsonpos.String && isBlank(m.Content.Raw()) && !(m.RoleName() == "assistant" && makesCalls(m)) {
			c.ReportValue("C015", m.Content, nil, "%s.%s is empty", c.Path(m), c.Schema.Content)
		}
	}
	var fields []string
	switch c.Format {
	case dataset.Alpaca:
		fields = []string{"instruction", "output"}
	case dataset.PromptCompletion:
		fields = []string{"prompt", "completion"}
	case dataset.PlainText:
		fields = []string{"text"}
	}
	for _, f := range fields {
		if v := c.Root.Get(f); v.Kind() == jsonpos.String && isBlank(v.Raw()) {
			c.ReportValue("C015", v, nil, "%q is empty", f)
		}
	}
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

func checkOtherFormat(f *FileContext) {
	want := f.Dominant
	if f.Settings.Target == TargetOpenAI {
		want = dataset.Chat
	}
	if want == dataset.Unknown {
		return
	}
	if whole := otherFormats(f, want); whole != "" {
		// Not one stray row but a file in another format: said once, with
		// the command that converts it, instead of once per row.
		f.ReportFile("C016", "all %s rows are in %s format; OpenAI fine-tuning needs chat messages: convert the file with `ftls export --target openai FILE -o OUT`", thousands(f.Examples()-f.FormatCounts[dataset.Unknown]), whole)
		return
	}
	for i, r := range f.Rows {
		if !r.Object || r.Format == want || r.Format == dataset.Unknown {
			continue
		}
		why := "the file's rows are " + want.Title()
		if f.Settings.Target == TargetOpenAI {
			why = "OpenAI fine-tuning needs chat messages"
		}
		var fix *Fix
		if want == dataset.Chat && r.Convertible {
			fix = &Fix{Title: "Convert to chat messages", Start: r.Offset, End: r.Offset + int64(r.Len), convert: convertRow}
		}
		f.ReportRow("C016", i, fix, "row is in %s format; %s", r.Format.Title(), why)
	}
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

func checkTooFew(f *FileContext) {
	const minExamples = 10
	if f.Settings.Target != TargetOpenAI {
		return
	}
	if n := f.Examples(); n > 0 && n < minExamples {
		f.ReportFile("C018", "file has %s; OpenAI fine-tuning requires at least %d", plural(n, "example"), minExamples)
	}
}

func checkMetadataNote(f *FileContext) {
	if f.Settings.Target != TargetOpenAI || f.Settings.MetadataKey == "" {
		return
	}
	if n := f.Tally.Metadata; n > 0 {
		verb := "carry"
		if n == 1 {
			verb = "carries"
		}
		f.ReportFile("C019", "%s %s %q, which OpenAI rejects; upload the output of `ftls export --target openai FILE -o OUT`", plural(n, "row"), verb, f.Settings.MetadataKey)
	}
}

func checkChatMLTokens(c *RowContext) {
	if c.Format == dataset.ChatMLText {
		text := c.Root.Get("text")
		if _, err := dataset.ParseChatML(text.Str()); err != nil {
			c.ReportValue("C017", text, nil, "raw ChatML text is malformed: %v", err)
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

func checkToolCalls(c *RowContext) {
	if c.Format != dataset.Chat {
		return
	}
	var open []*toolCall
	last := len(c.Messages) - 1
	for i, m := range c.Messages {
		switch m.RoleName() {
		case "assistant":
			calls := checkCallList(c, m)
			// The calls of the final message are what the example teaches
			// the model to make (OpenAI's function-calling data ends this
			// way), so they have no results to wait for.
			if i < last {
				open = append(open, calls...)
			}
		case "tool":
			id := m.Value.Get("tool_call_id")
			if id.Kind() != jsonpos.String {
				c.ReportValue("C013", m.Value, nil, `%s is a tool result without a "tool_call_id"`, c.Path(m))
				continue
			}
			found := false
			for _, cl := range open {
				if cl.id == id.Str() && !cl.answered {
					cl.answered, found = true, true
					break
				}
			}
			if !found {
				c.ReportValue("C013", id, nil, "%s.tool_call_id %q answers no earlier tool call", c.Path(m), id.Str())
			}
		}
	}
	for _, cl := range open {
		if !cl.answered {
			c.ReportValue("C013", cl.at, nil, "tool call %q is never answered by a \"tool\" message", cl.id)
		}
	}
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
