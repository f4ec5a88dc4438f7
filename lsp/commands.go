package lsp

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

// workspace/executeCommand: the commands that code lenses and the large
// file "fix all" action point at.

func (s *Server) executeCommand(ctx *glsp.Context) (any, error) {
	p, err := decode[protocol.ExecuteCommandParams](ctx)
	if err != nil {
		return nil, err
	}
	if p.Command == cmdReview {
		if len(p.Arguments) == 0 {
			return nil, &paramsError{errors.New("ftls.review needs an argument")}
		}
		return nil, s.reviewCommand(p.Arguments[0])
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
	var doc protocol.VersionedTextDocumentIdentifier
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
		// Fixing a large file takes seconds: not in the request.
		s.goSafe("fix all", func() { s.fixAllInBackground(snap.uri) })
		return nil, nil
	}
	return nil, errors.New("unknown command " + p.Command)
}
