package lsp

import (
	"fmt"
	"sync"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/review"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// The review's code actions and code lens: "Review this row" on a row
// without a verdict, "Review the N unreviewed rows" on a dataset with any,
// both running the ftls.review command (review_run.go); and a lens above
// line 1, "N rows reviewed, M flagged", once the dataset has a review
// cache. The rewrite of a low-scored answer is the R finding's own quick
// fix (codeaction.go), a versioned edit that the editor refuses once the
// row has changed; by then the verdict is stale and the fix gone anyway.

const (
	cmdReview  = "ftls.review"
	kindReview = "source.review.ftls"
)

// reviewArgs are the command's argument.
type reviewArgs struct {
	URI     string `json:"uri"`
	Version int32  `json:"version"`
	// Lines are the 0-based lines of the rows to review; none means every
	// row without a verdict.
	Lines []int `json:"lines,omitempty"`
}

// reviewCounts caches a document's review status per result: code
// actions are asked on every cursor move.
type reviewCounts struct {
	mu    sync.Mutex
	byURI map[string]reviewCount
}

type reviewCount struct {
	res    *engine.Result
	st     *diagnostics.Settings
	status review.Status
}

func (c *reviewCounts) forget(uri string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.byURI, uri)
}

// reviewStatus counts the rows of snap by review state from its latest
// result, whose rows carry their review keys when the dataset has a review
// cache; without one, every row is unreviewed. No text is read again: code
// actions are asked on every cursor move, and glsp answers one request at
// a time.
func (s *Server) reviewStatus(snap *snapshot, r *result) review.Status {
	st := s.settingsOf(snap, r)
	store, ok := st.Review.(*review.Store)
	if !ok {
		n := r.res.Examples()
		return review.Status{Rows: n, Unreviewed: n}
	}
	c := &s.reviewCounts
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byURI[snap.uri]; ok && e.res == r.res && e.st == st {
		return e.status
	}
	keys := make([]string, 0, len(r.res.Rows))
	for _, row := range r.res.Rows {
		if row.Object {
			keys = append(keys, row.Extra().Review.String())
		}
	}
	status := store.Status(keys)
	if c.byURI == nil {
		c.byURI = map[string]reviewCount{}
	}
	c.byURI[snap.uri] = reviewCount{res: r.res, st: st, status: status}
	return status
}

// reviewActions are the review actions of a dataset document.
func (s *Server) reviewActions(snap *snapshot, r *result, p protocol.CodeActionParams) []protocol.CodeAction {
	if snap == nil || snap.kind != kindDataset || snap.path == "" || r == nil || r.snap != snap || !wants(p.Context.Only, kindReview) {
		return nil
	}
	var out []protocol.CodeAction
	if ln := p.Range.Start.Line; ln >= 0 && ln < snap.Len() && s.unreviewedRow(snap, r, ln) {
		out = append(out, reviewAction("Review this row (ftls)", reviewArgs{URI: snap.uri, Version: snap.version, Lines: []int{ln}}))
	}
	if st := s.reviewStatus(snap, r); st.Unreviewed > 0 {
		title := fmt.Sprintf("Review the %d unreviewed rows (ftls)", st.Unreviewed)
		if st.Unreviewed == 1 {
			title = "Review the unreviewed row (ftls)"
		}
		out = append(out, reviewAction(title, reviewArgs{URI: snap.uri, Version: snap.version}))
	}
	return out
}

func reviewAction(title string, args reviewArgs) protocol.CodeAction {
	return protocol.CodeAction{Title: title, Kind: kindReview, Command: &protocol.Command{Title: title, Command: cmdReview, Arguments: []any{args}}}
}

// unreviewedRow reports whether line ln holds a conversation without a
// verdict.
func (s *Server) unreviewedRow(snap *snapshot, r *result, ln int) bool {
	var p jsonpos.Parser
	rc := diagnostics.NewRowContext(&dataset.Row{Line: ln, Text: snap.Line(ln).Content()}, &p, s.settingsOf(snap, r))
	if rc.Root.Kind() != jsonpos.Object || len(rc.Turns()) == 0 {
		return false
	}
	_, ok := rc.ReviewVerdict()
	return !ok
}

// reviewLens is the lens above line 1 of a dataset with a review cache.
func (s *Server) reviewLens(snap *snapshot, r *result) []protocol.CodeLens {
	if snap.path == "" || s.settingsOf(snap, r).Review == nil {
		return nil
	}
	st := s.reviewStatus(snap, r)
	title := fmt.Sprintf("ftls review: %d rows reviewed, %d flagged", st.Reviewed, st.Flagged)
	var cmd *protocol.Command
	if st.Unreviewed > 0 {
		title += fmt.Sprintf(" · review %d unreviewed", st.Unreviewed)
		cmd = &protocol.Command{Title: title, Command: cmdReview, Arguments: []any{reviewArgs{URI: snap.uri, Version: snap.version}}}
	} else {
		cmd = &protocol.Command{Title: title, Command: cmdStats, Arguments: []any{protocol.TextDocumentIdentifier{URI: snap.uri}}}
	}
	return []protocol.CodeLens{{Range: protocol.Range{}, Command: cmd}}
}
