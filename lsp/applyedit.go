package lsp

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Edits the server starts itself (generation, "fix all" on a large file)
// go out with workspace/applyEdit, and the editor's answer is not proof:
// Neovim 0.7 and 0.10 answer applied: true to a versioned edit they drop
// as stale. So an edit counts as applied only once a didChange brings a
// version of the document that holds it. Until then the server waits;
// when the edit was refused, or never arrives, it is made again on the
// latest version and sent again, one edit at a time per document. While
// the user types, an edit is often stale by the time it arrives (the
// editor holds its didChange back for a while), so a refused edit waits
// for the version that refused it to reach the server before it is made
// again.

// verifyTimeout is how long the server waits, once a version newer than
// the one it edited has come, for a version that holds the edit; and after
// a refusal, for the newer version that caused it. Neovim sends didChange
// 150 ms after the typing pauses.
const verifyTimeout = 3 * time.Second

// unverifiedTimeout is how long the server waits for any newer version
// after an editor said it applied an edit. Until one comes, sending the
// edit again could insert it twice: an editor that applied it may simply
// not have sent its didChange yet (Neovim holds it back while the user
// types).
const unverifiedTimeout = 60 * time.Second

// maxEditAttempts bounds how often an edit is made again.
const maxEditAttempts = 10

var (
	errEditRefused    = errors.New("the editor did not apply the edit (the document kept changing)")
	errDocumentClosed = errors.New("the document was closed")
	errUnverified     = errors.New("the editor said it applied the edit, but sent no change of the document since")
)

// editPlan is an edit made for one version of a document, and the test
// that a later version holds it.
type editPlan struct {
	edits []protocol.TextEdit
	holds func(*snapshot) bool
}

// applyVerified asks build for an edit of the latest version of uri, sends
// it and returns the first version that holds it. build returns no edits
// when there is nothing (left) to do; then the latest version is
// returned as it is.
func (s *Server) applyVerified(ctx context.Context, label, uri string, build func(*snapshot) (editPlan, error)) (*snapshot, error) {
	idle := 0 // refusals with no newer version to make the edit again on
	for attempt := 1; attempt <= maxEditAttempts; attempt++ {
		snap := s.docs.get(uri)
		if snap == nil {
			return nil, errDocumentClosed
		}
		p, err := build(snap)
		if err != nil || len(p.edits) == 0 {
			return snap, err
		}
		var res protocol.ApplyWorkspaceEditResult
		s.callSync("workspace/applyEdit", protocol.ApplyWorkspaceEditParams{Label: label, Edit: *versionedEdit(snap, p.edits)}, &res)
		if !res.Applied {
			// Refused edits are made again on the version that refused them.
			s.log.Infof("%s: edit of %s version %d refused: %s", label, uri, snap.version, orUnknown(res.FailureReason))
			if got, _ := s.awaitVersion(ctx, uri, snap, nil); got == nil && ctx.Err() == nil {
				if idle++; idle == 2 {
					// Nothing changes: the refusal is not about the version.
					return nil, fmt.Errorf("the editor refused the edit: %s", orUnknown(res.FailureReason))
				}
			}
		} else {
			got, newer := s.awaitVersion(ctx, uri, snap, p.holds)
			if got != nil {
				return got, nil
			}
			if !newer && ctx.Err() == nil {
				return nil, errUnverified
			}
			s.log.Warningf("%s: the editor said it applied the edit of %s version %d, but the versions since do not hold it", label, uri, snap.version)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return nil, errEditRefused
}

// awaitVersion waits for a version of uri after base that holds the
// edit, and returns it. With holds nil, any newer version does. It gives
// up verifyTimeout after the first newer version, or unverifiedTimeout
// after it started when none came; newer tells which.
func (s *Server) awaitVersion(ctx context.Context, uri string, base *snapshot, holds func(*snapshot) bool) (got *snapshot, newer bool) {
	timeout := time.NewTimer(unverifiedTimeout)
	if holds == nil {
		timeout.Reset(verifyTimeout)
	}
	defer timeout.Stop()
	seen := base
	for {
		cur, changed := s.docs.watch(uri)
		if cur == nil {
			return nil, newer
		}
		if cur != seen {
			if holds == nil || holds(cur) {
				return cur, true
			}
			if !newer {
				newer = true
				timeout.Reset(verifyTimeout)
			}
			seen = cur
		}
		select {
		case <-changed:
		case <-timeout.C:
			return nil, newer
		case <-ctx.Done():
			return nil, newer
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
	for i := snap.Len() - 1; i >= 0 && found < len(rows); i-- {
		c := snap.Line(i).Content()
		if n := want[string(c)]; n > 0 {
			want[string(c)] = n - 1
			found++
		}
	}
	return found
}
