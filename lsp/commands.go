package lsp

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tliron/glsp"
)

// workspace/executeCommand: the commands that code lenses and the large
// file "fix all" action point at.

func (s *Server) executeCommand(ctx *glsp.Context) (any, error) {
	p, err := decode[executeCommandParams](ctx)
	if err != nil {
		return nil, err
	}
	if p.Command == cmdGenerate {
		if len(p.Arguments) == 0 {
			return nil, &paramsError{errors.New("ftls.generate needs an argument")}
		}
		return nil, s.generateCommand(p.Arguments[0])
	}
	switch p.Command {
	case cmdSplit, cmdInfo, cmdStats, cmdFixAll:
	default:
		return nil, errors.New("unknown command " + p.Command)
	}
	var doc versionedTextDocumentIdentifier
	if len(p.Arguments) > 0 {
		if err := json.Unmarshal(p.Arguments[0], &doc); err != nil {
			return nil, &paramsError{err}
		}
	}
	snap, r := s.current(doc.URI)
	if snap == nil {
		return nil, fmt.Errorf("%s: document not open", doc.URI)
	}
	switch p.Command {
	case cmdSplit, cmdInfo:
		return nil, s.sourceCommand(p.Command, snap, doc.Version)
	case cmdStats:
		return s.statsHover(snap, r), nil
	case cmdFixAll:
		if snap.version != doc.Version {
			return nil, fmt.Errorf("%s changed since version %d; ask for the action again", doc.URI, doc.Version)
		}
		// Fixing a large file takes seconds: do it in the background and
		// send the edit with workspace/applyEdit, which the editor refuses
		// if the document changed meanwhile.
		s.goSafe("fix all", func() {
			edits, err := fixAllEdits(s.ctx, snap, s.settingsOf(snap, r))
			if err != nil {
				s.log.Errorf("fix all %s: %v", snap.uri, err)
				return
			}
			if len(edits) == 0 {
				return
			}
			var res applyWorkspaceEditResult
			s.callAsync("workspace/applyEdit", applyWorkspaceEditParams{Label: "ftls: fix all", Edit: *versionedEdit(snap, edits)}, &res, func() {
				if !res.Applied {
					s.log.Warningf("fix all %s: not applied: %s", snap.uri, res.FailureReason)
				}
			})
		})
		return nil, nil
	}
	return nil, errors.New("unknown command " + p.Command)
}
