package lsp

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/rowview"
	"github.com/ftls-dev/ftls/internal/stats"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Hover on a row shows what the model will see (package rowview): the
// row's format, turns, roles, token counts per message, category, its
// duplicates, and the conversation rendered in ChatML. On the first line and on blank lines it
// shows the dataset's statistics. A hover never checks the file: it reads
// the line's text and the latest result, and counts the tokens of that one
// row.

func (s *Server) hover(ctx *glsp.Context) (any, error) {
	p, err := decode[protocol.TextDocumentPositionParams](ctx)
	if err != nil {
		return nil, err
	}
	snap, r := s.current(p.TextDocument.URI)
	if snap == nil || snap.kind != kindDataset {
		return nil, nil
	}
	ln := p.Position.Line
	if ln < 0 || ln >= snap.Len() {
		return nil, nil
	}
	l := snap.Line(ln)
	blank := len(bytes.TrimSpace(l.Content())) == 0
	var parts []string
	if ln == 0 || blank {
		parts = append(parts, s.statsHover(snap, r))
	}
	if !blank {
		settings := s.settingsOf(snap, r)
		var findings []diagnostics.Diagnostic
		if r != nil && r.snap == snap {
			findings = r.res.Diagnostics
		}
		parts = append(parts, rowview.Markdown(l.Content(), ln, settings, findings, func(path string, line int) string {
			uri := snap.uri
			if path != "" {
				uri = pathURI(path)
			}
			return fmt.Sprintf("%s#L%d", uri, line+1)
		}))
	}
	if len(parts) == 0 {
		return nil, nil
	}
	rng := protocol.Range{Start: protocol.Position{Line: ln}, End: snap.Position(snap.Start(ln) + int64(len(l.Content())))}
	return protocol.Hover{Contents: protocol.MarkupContent{Kind: "markdown", Value: strings.Join(parts, "\n\n---\n\n")}, Range: &rng}, nil
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
	res, err := engine.Check(s.ctx, snap.path, snap.Reader(), engine.Options{Settings: st, SizeHint: snap.Size()})
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
