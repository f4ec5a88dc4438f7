package lsp

import (
	"context"
	"errors"
	"time"
)

// Edits the server starts itself (generation, "fix all" on a large file)
// go out with workspace/applyEdit, and the editor's answer is not proof:
// Neovim 0.7 and 0.10 answer applied: true to a versioned edit they drop
// as stale. So an edit counts as applied only once a didChange brings a
// version of the document that holds it. Until then the server waits;
// when the edit was refused, or never arrives, it is made again on the
// latest version and sent again, one edit at a time per document.

// verifyTimeout is how long after the editor's answer the server waits
// for a version that holds the edit. Neovim sends didChange within 150 ms.
const verifyTimeout = 5 * time.Second

// maxEditAttempts bounds how often an edit is remade after a refusal.
const maxEditAttempts = 5

var (
	errEditRefused    = errors.New("the editor did not apply the edit (the document kept changing)")
	errDocumentClosed = errors.New("the document was closed")
)

// editPlan is an edit made for one version of a document, and the test
// that a later version holds it.
type editPlan struct {
	edits []textEdit
	holds func(*snapshot) bool
}

// applyVerified asks build for an edit of the latest version of uri, sends
// it and returns the first version that holds it. build returns no edits
// when there is nothing (left) to do; then the latest version is
// returned as it is.
func (s *Server) applyVerified(ctx context.Context, label, uri string, build func(*snapshot) (editPlan, error)) (*snapshot, error) {
	for attempt := 1; attempt <= maxEditAttempts; attempt++ {
		snap := s.docs.get(uri)
		if snap == nil {
			return nil, errDocumentClosed
		}
		p, err := build(snap)
		if err != nil || len(p.edits) == 0 {
			return snap, err
		}
		var res applyWorkspaceEditResult
		s.callSync("workspace/applyEdit", applyWorkspaceEditParams{Label: label, Edit: *versionedEdit(snap, p.edits)}, &res)
		if !res.Applied {
			s.log.Warningf("%s: edit of %s version %d refused: %s", label, uri, snap.version, orUnknown(res.FailureReason))
		} else if got := s.awaitEdit(ctx, uri, snap, p.holds); got != nil {
			return got, nil
		} else {
			s.log.Warningf("%s: the editor said it applied the edit of %s version %d, but no later version holds it", label, uri, snap.version)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return nil, errEditRefused
}

// awaitEdit waits for a version of uri after base that holds the edit,
// and returns it; nil when none came within verifyTimeout.
func (s *Server) awaitEdit(ctx context.Context, uri string, base *snapshot, holds func(*snapshot) bool) *snapshot {
	timeout := time.NewTimer(verifyTimeout)
	defer timeout.Stop()
	seen := base
	for {
		cur, changed := s.docs.watch(uri)
		if cur == nil {
			return nil
		}
		if cur != seen {
			if holds(cur) {
				return cur
			}
			seen = cur
		}
		select {
		case <-changed:
		case <-timeout.C:
			return nil
		case <-ctx.Done():
			return nil
		}
	}
}

// rowsPresent counts how many of rows are lines of snap, each line
// counting once. It scans from the end, where inserted rows usually are.
func rowsPresent(snap *snapshot, rows [][]byte) int {
	want := make(map[string]int, len(rows))
	for _, r := range rows {
		want[string(r)]++
	}
	found := 0
	for i := len(snap.lines) - 1; i >= 0 && found < len(rows); i-- {
		c := snap.lines[i].content()
		if n := want[string(c)]; n > 0 {
			want[string(c)] = n - 1
			found++
		}
	}
	return found
}
