// Package rowview describes one row of a dataset for people: its format,
// turns and roles, its tokens per message against the limit, its category
// and duplicates, and the conversation as the chat template lays it out
// for training. The language server's hover shows it.
package rowview

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/internal/tokens"
)

// Limits of the rendering, so a huge row still hovers quickly.
const (
	maxRenderMessage = 2000
	maxRenderTotal   = 12000
	// maxTokenBytes is the longest row whose tokens are counted; counting
	// takes about a millisecond per 4 KB.
	maxTokenBytes = 256 << 10
)

// Markdown describes the row on line ln (text, without its line end)
// checked with s. With findings, the sorted findings of the document's
// latest check, it lists the row's duplicates and the rows that point at
// it, linked by link; nil findings say they are being checked.
func Markdown(text []byte, ln int, st *diagnostics.Settings, findings []diagnostics.Diagnostic, link func(path string, line int) string) string {
	if ln == 0 {
		text = bytes.TrimPrefix(text, []byte{0xEF, 0xBB, 0xBF})
	}
	row := dataset.Row{Line: ln, Text: text}
	var p jsonpos.Parser
	rc := diagnostics.NewRowContext(&row, &p, st)
	var b strings.Builder
	fmt.Fprintf(&b, "**Row %d**", ln+1)
	if rc.ParseErr != nil {
		fmt.Fprintf(&b, " · not valid JSON: %s", rc.ParseErr.Msg)
		writeFindings(&b, findings, ln, link)
		return b.String()
	}
	fmt.Fprintf(&b, " · %s", rc.Format.Title())
	var roles []string
	if rc.Format == dataset.Chat {
		for _, m := range rc.Messages {
			roles = append(roles, m.RoleName())
		}
	} else {
		for _, t := range rc.Turns() {
			roles = append(roles, t.Role)
		}
	}
	if len(roles) > 0 {
		fmt.Fprintf(&b, " · %d turns (%s)", len(roles), strings.Join(roles, ", "))
	}
	if c := rc.Category(); c != "" {
		fmt.Fprintf(&b, " · category `%s`", c)
	}
	b.WriteString("\n\n")

	limit := st.TokenLimit()
	var cc tokens.ChatCount
	var msgs []tokens.Message
	if len(text) > maxTokenBytes {
		fmt.Fprintf(&b, "Tokens: not counted on hover for a row of %.1f MB (limit %d); `ftls stats` counts them.\n",
			float64(len(text))/(1<<20), limit)
	} else {
		msgs = diagnostics.TokenMessages(rc)
	}
	if len(msgs) > 0 {
		cc = st.Tokens().CountChat(msgs)
		b.WriteString("| # | role | tokens |\n|---:|---|---:|\n")
		for i, m := range msgs {
			role := m.Role
			if role == "" {
				role = "text"
			}
			if i >= len(rc.Messages) && (rc.Format == dataset.Chat || rc.Format == dataset.ShareGPT) {
				role = "tools (definitions)"
			}
			fmt.Fprintf(&b, "| %d | %s | %d |\n", i+1, role, cc.PerMessage[i])
		}
		fmt.Fprintf(&b, "| | **total** | **%d** of %d (%s) |\n", cc.Total, limit, st.Tokens().Encoding())
	}
	writeFindings(&b, findings, ln, link)
	writeReview(&b, rc)
	b.WriteString("\n")
	b.WriteString(renderChatML(rc, cc, limit))
	return b.String()
}

// writeFindings lists the duplicate findings of the row and the rows that
// point at it.
func writeFindings(b *strings.Builder, ds []diagnostics.Diagnostic, ln int, link func(path string, line int) string) {
	if ds == nil {
		b.WriteString("\n_Duplicates: checking…_\n")
		return
	}
	i := sort.Search(len(ds), func(i int) bool { return ds[i].Range.Start.Line >= ln })
	var own []string
	for ; i < len(ds) && ds[i].Range.Start.Line == ln; i++ {
		d := ds[i]
		if !strings.HasPrefix(d.Code, "D") {
			continue
		}
		line := fmt.Sprintf("- `%s` %s", d.Code, d.Message)
		for _, rel := range d.Related {
			line += fmt.Sprintf(" ([line %d](%s))", rel.Range.Start.Line+1, link(rel.Path, rel.Range.Start.Line))
		}
		own = append(own, line)
	}
	var others []string
	for _, d := range ds {
		if !strings.HasPrefix(d.Code, "D") || d.Range.Start.Line == ln {
			continue
		}
		for _, rel := range d.Related {
			if rel.Path == "" && rel.Range.Start.Line == ln {
				others = append(others, fmt.Sprintf("- line %d: `%s` %s", d.Range.Start.Line+1, d.Code, d.Message))
				break
			}
		}
		if len(others) >= 20 {
			break
		}
	}
	if len(own)+len(others) == 0 {
		return
	}
	b.WriteString("\n**Duplicates**\n\n")
	for _, l := range append(own, others...) {
		b.WriteString(l + "\n")
	}
}

// renderChatML renders the conversation as the chat template lays it out
// for training, marking assistant turns with weight 0 and the place where
// the token limit cuts the example.
func renderChatML(rc *diagnostics.RowContext, cc tokens.ChatCount, limit int) string {
	type turn struct {
		role, text string
		untrained  bool
	}
	var turns []turn
	if rc.Format == dataset.Chat {
		for _, m := range rc.Messages {
			t := turn{role: m.RoleName(), text: boundedContent(m.Content)}
			for _, tc := range m.Value.Get("tool_calls").Elems() {
				fn := tc.Get("function")
				t.text += fmt.Sprintf("\n[tool call %s(%s)]", fn.Get("name").Str(), fn.Get("arguments").Raw())
			}
			if w, ok := m.Value.Get("weight").Float(); ok && w == 0 {
				t.untrained = true
			}
			turns = append(turns, t)
		}
	} else {
		for _, t := range rc.Turns() {
			turns = append(turns, turn{role: t.Role, text: string(t.Text)})
		}
	}
	if len(turns) == 0 {
		return ""
	}
	var body strings.Builder
	used, total, cut := 0, 0, false
	if len(cc.PerMessage) > 0 {
		total = 3 // reply priming, as counted
	}
	for i, t := range turns {
		if i < len(cc.PerMessage) && rc.Format == dataset.Chat {
			total += cc.PerMessage[i]
			if !cut && total > limit {
				fmt.Fprintf(&body, "✂ ─── token limit %d reached in this message: the rest of the example is cut off ───\n", limit)
				cut = true
			}
		}
		if t.untrained {
			body.WriteString("# weight 0: this turn is not trained\n")
		}
		text := t.text
		if len(text) > maxRenderMessage {
			text = textpos.Truncate(text, maxRenderMessage) + " …"
		}
		if used+len(text) > maxRenderTotal {
			fmt.Fprintf(&body, "… %d more message(s)\n", len(turns)-i)
			break
		}
		used += len(text)
		fmt.Fprintf(&body, "<|im_start|>%s\n%s<|im_end|>\n", t.role, text)
	}
	if !cut && rc.Format != dataset.Chat && cc.Total > limit {
		fmt.Fprintf(&body, "✂ ─── the example is over the token limit of %d: trainers cut it ───\n", limit)
	}
	fence := "```"
	for strings.Contains(body.String(), fence) {
		fence += "`"
	}
	return fence + "chatml\n" + body.String() + fence
}

// boundedContent is a message's text, or for a very long one the start of
// its JSON source, so that a hover never decodes megabytes to show two
// thousand characters.
func boundedContent(v jsonpos.Value) string {
	raw := v.Raw()
	if len(raw) <= 16*maxRenderMessage {
		return diagnostics.ContentText(v)
	}
	return textpos.Truncate(string(raw[:2*maxRenderMessage]), 2*maxRenderMessage)
}
