package rowview

import (
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/textpos"
)

func TestMarkdown(t *testing.T) {
	s := diagnostics.DefaultSettings()
	small := diagnostics.DefaultSettings()
	small.MaxTokens = 5
	dup := []diagnostics.Diagnostic{{Code: "D001", Message: "exact duplicate of line 1", Range: textpos.Range{Start: textpos.Position{Line: 1}},
		Related: []diagnostics.Related{{Range: textpos.Range{Start: textpos.Position{Line: 0}}}}}}
	link := func(path string, line int) string { return "doc#L" + string(rune('1'+line)) }
	tests := []struct {
		name     string
		text     string
		ln       int
		s        *diagnostics.Settings
		findings []diagnostics.Diagnostic
		want     []string
	}{
		{"chat row", `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello","weight":0}],"metadata":{"category":"greet"}}`, 1, s, dup,
			[]string{"**Row 2**", "2 turns (user, assistant)", "category `greet`", "| 1 | user |", "**total**", "weight 0: this turn is not trained", "<|im_start|>user\nhi<|im_end|>", "`D001` exact duplicate of line 1 ([line 1](doc#L1))"}},
		{"over the limit", `{"messages":[{"role":"user","content":"a long question with many words"},{"role":"assistant","content":"an answer"}]}`, 0, small, nil,
			[]string{"token limit 5 reached", "_Duplicates: checking…_"}},
		{"not JSON", `{"messages":[`, 0, s, nil, []string{"**Row 1** · not valid JSON"}},
		{"byte order mark on the first line", "\ufeff" + `{"prompt":"p","completion":"c"}`, 0, s, nil, []string{"**Row 1** · "}},
	}
	for _, tt := range tests {
		got := Markdown([]byte(tt.text), tt.ln, tt.s, tt.findings, link)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: no %q in\n%s", tt.name, w, got)
			}
		}
	}
}
