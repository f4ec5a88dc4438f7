package diagnostics

import (
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
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
	})
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
