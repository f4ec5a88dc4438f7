package diagnostics

import "github.com/ftls-dev/ftls/internal/dataset"

func init() {
	register(&Rule{
		Code: "Q015", Name: "no-user-turn", Severity: Warning,
		Summary: "a conversation with no user turn",
		Doc: Doc{
			What: "Reports a chat, ShareGPT or ChatML row whose turns all have known roles and none is the user's: only a system prompt and answers, or answers alone. (A missing or unknown role is C004's or C005's; an empty Alpaca instruction or prompt/completion prompt is C015's.)",
			Why:  "The model learns answers that respond to nothing: with only a system prompt before it, it learns to speak first, unprompted. Such rows usually lost their user turn in a conversion.",
			Bad:  `{"messages": [{"role": "system", "content": "You are upbeat."}, {"role": "assistant", "content": "You're great!"}]}`,
			Good: `{"messages": [{"role": "system", "content": "You are upbeat."}, {"role": "user", "content": "I failed my exam."}, {"role": "assistant", "content": "You can retake it, and now you know what to study."}]}`,
			Fix:  "Write the user turn the answer responds to, or delete the row.",
		},
		Row: checkNoUserTurn,
	})
}

func checkNoUserTurn(c *RowContext) {
	switch c.Format {
	case dataset.Chat, dataset.ShareGPT, dataset.ChatMLText:
	default:
		// An empty Alpaca instruction or prompt is C015's.
		return
	}
	turns := c.Turns()
	if len(turns) == 0 || c.Messages != nil && len(turns) != len(c.Messages) {
		return
	}
	for _, t := range turns {
		// A turn whose role is missing or unknown may be a user turn
		// misspelt; C004 and C005 report those.
		if t.Role == "user" || !nonUserRoles[t.Role] {
			return
		}
	}
	where := c.Root.Get("text")
	if c.Schema != nil && c.Messages != nil {
		where = c.Root.Get(c.Schema.List)
	}
	c.ReportValue("Q015", where, nil, "conversation has no user turn; the model learns answers that respond to nothing")
}

// nonUserRoles are the roles, in chat terms, of turns that are not the
// user's.
var nonUserRoles = map[string]bool{
	"system": true, "developer": true, "assistant": true, "tool": true, "function": true,
	"function_call": true, "observation": true, "ipython": true,
}
