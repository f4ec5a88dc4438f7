package diagnostics

import (
	"bytes"
	"strings"
)

func init() {
	register(&Rule{
		Code: "B007", Name: "system-prompt-not-planned", Severity: Warning,
		Summary: "a system prompt that is not the plan's",
		Doc: Doc{
			What: "When the plan's `system_prompt.mode` is `consistent` and it lists `prompts`, reports each row whose system prompt is none of them (compared with surrounding whitespace trimmed). Rows without a system prompt are left alone.",
			Why:  "The plan says which system prompt the model will be deployed with. Trained on another, the model learns behaviour tied to a prompt it will never see; and B004 only notices once a generated batch brings the plan's prompt in beside the old one.",
			Bad:  "prompts: [\"You are Northwind's support assistant.\"], and a row whose system prompt is \"You are a helpful assistant.\"",
			Good: "every row's system prompt is \"You are Northwind's support assistant.\"",
			Fix:  "Replace the system prompt with the plan's, or change the plan.",
		},
		Row: checkPlannedSystemPrompt,
	})
}

func checkPlannedSystemPrompt(c *RowContext) {
	plan := c.Settings.Plan
	if plan == nil || plan.SystemMode != "consistent" || len(plan.SystemPrompts) == 0 {
		return
	}
	for _, s := range c.spans() {
		if s.role != "system" {
			continue
		}
		text := string(bytes.TrimSpace(s.text))
		for _, p := range plan.SystemPrompts {
			if text == strings.TrimSpace(p) {
				return
			}
		}
		c.ReportValue("B007", s.value, nil, "system prompt is not the plan's (system_prompt.mode: consistent): %q", clip(s.text, 60))
		if n := len(c.diags); n > 0 && c.diags[n-1].Code == "B007" {
			c.diags[n-1].Related = []Related{{Path: plan.Path, Range: plan.SystemPromptsRange, Message: "the planned system prompt"}}
		}
		return
	}
}
