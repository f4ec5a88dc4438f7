package diagnostics

import (
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
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
	})
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
