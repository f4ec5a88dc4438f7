package lsp

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/dataset"
	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/engine"
	"github.com/ftls-dev/ftls/jsonpos"
	"github.com/ftls-dev/ftls/stats"
	"github.com/ftls-dev/ftls/tokens"
)

// Hover on a row shows what the model will see: the row's format, turns,
// roles, token counts per message, category, its duplicates, and the
// conversation rendered in ChatML. On the first line and on blank lines it
// shows the dataset's statistics. A hover never checks the file: it reads
// the line's text and the latest result, and counts the tokens of that one
// row.

// Limits of the ChatML rendering, so a huge row still hovers quickly.
const (
	maxRenderMessage = 2000
	maxRenderTotal   = 12000
	// maxHoverTokenBytes is the longest row whose tokens a hover counts;
	// counting takes about a millisecond per 4 KB.
	maxHoverTokenBytes = 256 << 10
)

func (s *Server) hover(ctx *glsp.Context) (any, error) {
	p, err := decode[textDocumentPositionParams](ctx)
	if err != nil {
		return nil, err
	}
	snap, r := s.current(p.TextDocument.URI)
	if snap == nil || snap.kind != kindDataset {
		return nil, nil
	}
	ln := p.Position.Line
	if ln < 0 || ln >= len(snap.Lines) {
		return nil, nil
	}
	l := snap.Lines[ln]
	blank := len(bytes.TrimSpace(l.Content())) == 0
	var parts []string
	if ln == 0 || blank {
		parts = append(parts, s.statsHover(snap, r))
	}
	if !blank {
		settings := s.settingsOf(snap, r)
		parts = append(parts, renderRow(snap, r, ln, settings))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	rng := Range{Start: Position{Line: ln}, End: snap.Position(snap.Starts()[ln] + int64(len(l.Content())))}
	return hover{Contents: markupContent{Kind: "markdown", Value: strings.Join(parts, "\n\n---\n\n")}, Range: &rng}, nil
}

// settingsOf returns the settings the latest result used, or the current
// ones.
func (s *Server) settingsOf(snap *snapshot, r *result) *diagnostics.Settings {
	if r != nil && r.settings != nil {
		return r.settings
	}
	st, _ := s.cfg.settingsFor(snap.path)
	return st
}

// renderRow describes the row on line ln.
func renderRow(snap *snapshot, r *result, ln int, st *diagnostics.Settings) string {
	l := snap.Lines[ln]
	text := l.Content()
	if ln == 0 {
		text = bytes.TrimPrefix(text, bomBytes)
	}
	row := dataset.Row{Line: ln, Text: text, Term: l.Term()}
	var p jsonpos.Parser
	rc := diagnostics.NewRowContext(&row, &p, st)
	var b strings.Builder
	fmt.Fprintf(&b, "**Row %d**", ln+1)
	if rc.ParseErr != nil {
		fmt.Fprintf(&b, " · not valid JSON: %s", rc.ParseErr.Msg)
		writeFindings(&b, snap, r, ln)
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
	if len(text) > maxHoverTokenBytes {
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
	writeFindings(&b, snap, r, ln)
	b.WriteString("\n")
	b.WriteString(renderChatML(rc, cc, limit))
	return b.String()
}

// writeFindings lists the duplicate findings of the row and the rows that
// point at it, from the latest result of this very version.
func writeFindings(b *strings.Builder, snap *snapshot, r *result, ln int) {
	if r == nil || r.snap != snap {
		b.WriteString("\n_Duplicates: checking…_\n")
		return
	}
	ds := r.res.Diagnostics
	i := sort.Search(len(ds), func(i int) bool { return ds[i].Range.Start.Line >= ln })
	var own []string
	for ; i < len(ds) && ds[i].Range.Start.Line == ln; i++ {
		d := ds[i]
		if !strings.HasPrefix(d.Code, "D") {
			continue
		}
		line := fmt.Sprintf("- `%s` %s", d.Code, d.Message)
		for _, rel := range d.Related {
			uri := snap.uri
			if rel.Path != "" {
				uri = pathURI(rel.Path)
			}
			line += fmt.Sprintf(" ([line %d](%s#L%d))", rel.Range.Start.Line+1, uri, rel.Range.Start.Line+1)
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
			text = truncateUTF8(text, maxRenderMessage) + " …"
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
	return truncateUTF8(string(raw[:2*maxRenderMessage]), 2*maxRenderMessage)
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// statsCache keeps dataset statistics per document version: the plain ones
// computed from a result at once, the token figures in the background.
type statsCache struct {
	mu      sync.Mutex
	entries map[string]*statsEntry
}

type statsEntry struct {
	plain    *stats.Stats
	plainOf  *result
	tokens   *stats.Stats
	tokensOf *snapshot
	counting bool
	done     chan struct{} // closed when the running count ends
}

// maxWaitTokenBytes is the largest document whose token statistics a hover
// on its first line (or the stats lens) waits for, rather than saying they
// are being computed: counting takes about a millisecond per 4 KB, so the
// wait stays under about 150 ms.
const maxWaitTokenBytes = 512 << 10

func newStatsCache() *statsCache { return &statsCache{entries: map[string]*statsEntry{}} }

func (c *statsCache) forget(uri string) {
	c.mu.Lock()
	delete(c.entries, uri)
	c.mu.Unlock()
}

func (c *statsCache) clear() {
	c.mu.Lock()
	c.entries = map[string]*statsEntry{}
	c.mu.Unlock()
}

// datasetStats returns the statistics of the latest result r and the last
// token figures counted (of snap or of an earlier version: current tells).
// Counting tokens re-reads the whole document, so it starts in the
// background only when there are none yet, or when refresh asks for those
// of snap.
func (s *Server) datasetStats(snap *snapshot, r *result, refresh bool) (plain, withTokens *stats.Stats, current, counting bool) {
	c := s.stats
	c.mu.Lock()
	e := c.entries[snap.uri]
	if e == nil {
		e = &statsEntry{}
		c.entries[snap.uri] = e
	}
	if e.plainOf != r {
		e.plain, e.plainOf = stats.FromResult(r.res, s.settingsOf(snap, r).Tokens().Encoding()), r
	}
	plain = e.plain
	c.mu.Unlock()
	// A small document's figures are counted before the answer (a count
	// of an earlier version may be running: then once more for this one).
	wait := refresh && snap.Size() <= maxWaitTokenBytes
	for attempt := 0; ; attempt++ {
		var done chan struct{}
		withTokens, current, counting, done = s.startTokenCount(snap, e, refresh)
		if !wait || !counting || attempt == 2 {
			return plain, withTokens, current, counting
		}
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			wait = false
		case <-s.ctx.Done():
			wait = false
		}
	}
}

// startTokenCount starts counting the tokens of snap in the background
// when there are no figures yet, or when refresh asks for those of snap and
// no count is running.
func (s *Server) startTokenCount(snap *snapshot, e *statsEntry, refresh bool) (withTokens *stats.Stats, current, counting bool, done chan struct{}) {
	c := s.stats
	c.mu.Lock()
	withTokens, current = e.tokens, e.tokensOf == snap
	start := !e.counting && (e.tokens == nil || refresh && !current)
	if start {
		e.counting = true
		e.done = make(chan struct{})
	}
	counting, done = e.counting, e.done
	c.mu.Unlock()
	if start {
		s.goSafe("token statistics", func() { s.countTokens(snap, e) })
	}
	return withTokens, current, counting, done
}

func (s *Server) countTokens(snap *snapshot, e *statsEntry) {
	st := s.cfg.freshSettings(snap.path)
	st.CountTokens = true
	res, err := engine.Check(s.ctx, snap.path, snap.Reader(), engine.Options{Settings: st})
	c := s.stats
	c.mu.Lock()
	defer c.mu.Unlock()
	e.counting = false
	if e.done != nil {
		close(e.done)
		e.done = nil
	}
	if err != nil {
		s.log.Warningf("token statistics of %s: %v", snap.uri, err)
		return
	}
	e.tokens, e.tokensOf = stats.FromResult(res, st.Tokens().Encoding()), snap
}

// statsHover renders the dataset statistics.
func (s *Server) statsHover(snap *snapshot, r *result) string {
	if r == nil {
		return "**Dataset statistics**: checking…"
	}
	plain, withTokens, current, counting := s.datasetStats(snap, r, true)
	st := plain
	if withTokens != nil {
		// Token figures of this version, findings of the latest result.
		cp := *withTokens
		cp.Findings, cp.Errors, cp.Warnings = plain.Findings, plain.Errors, plain.Warnings
		cp.Duplicates, cp.NearDuplicates = plain.Duplicates, plain.NearDuplicates
		st = &cp
	}
	md := "**Dataset statistics**\n\n" + st.Markdown()
	switch {
	case counting:
		md += "\n_Token counts of this version are being computed; hover again in a moment._\n"
	case withTokens != nil && !current:
		md += "\n_Token counts are from an earlier version._\n"
	case r.snap != snap || !r.full:
		md += "\n_Cross-row figures are being updated._\n"
	}
	return md
}
