package lsp

import (
	"encoding/json"
	"errors"
	"slices"

	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

// The lifecycle of a session: initialize (the client's capabilities and
// settings), initialized, shutdown and exit.

func (s *Server) initialize(ctx *glsp.Context) (any, error) {
	p, err := decode[protocol.InitializeParams](ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.initialized {
		s.mu.Unlock()
		return nil, errors.New("initialize was already received")
	}
	s.initialized = true
	s.pullConfig = p.Capabilities.Workspace.Configuration
	s.createFiles = slices.Contains(p.Capabilities.Workspace.WorkspaceEdit.ResourceOperations, "create")
	var win struct {
		Capabilities struct {
			Window struct {
				WorkDoneProgress bool `json:"workDoneProgress"`
				ShowDocument     struct {
					Support bool `json:"support"`
				} `json:"showDocument"`
			} `json:"window"`
		} `json:"capabilities"`
	}
	_ = json.Unmarshal(ctx.Params, &win)
	s.workDoneProgress = win.Capabilities.Window.WorkDoneProgress
	s.showDocument = win.Capabilities.Window.ShowDocument.Support
	s.mu.Unlock()
	s.setRoots(ctx.Params)
	if len(p.InitializationOptions) > 0 {
		if _, err := s.cfg.setClient(p.InitializationOptions); err != nil {
			s.log.Warningf("initializationOptions: %v", err)
			msg := "ftls: invalid initializationOptions, using defaults: " + err.Error()
			s.goSafe("showMessage", func() { s.showMessage(protocol.MessageWarning, msg) })
		}
	}
	return protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			PositionEncoding:       "utf-16",
			TextDocumentSync:       protocol.TextDocumentSyncOptions{OpenClose: true, Change: protocol.SyncIncremental},
			HoverProvider:          true,
			CodeActionProvider:     protocol.CodeActionOptions{CodeActionKinds: []string{kindQuickFix, kindFixAll, kindInsertSections, kindSplit, kindInfo, kindGenerate, kindReview}},
			CompletionProvider:     &protocol.CompletionOptions{TriggerCharacters: []string{":", " "}},
			CodeLensProvider:       protocol.CodeLensOptions{},
			DocumentSymbolProvider: true,
			ExecuteCommandProvider: protocol.ExecuteCommandOptions{Commands: []string{cmdFixAll, cmdStats, cmdSplit, cmdInfo, cmdGenerate, cmdReview}},
		},
		ServerInfo: protocol.ServerInfo{Name: "ftls", Version: s.version},
	}, nil
}

func (s *Server) initializedNotification(*glsp.Context) (any, error) {
	s.pullConfiguration()
	return nil, nil
}

func (s *Server) shutdownRequest(*glsp.Context) (any, error) {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	s.cancel()
	s.diags.stopAll()
	return nil, nil
}

func (s *Server) exit(*glsp.Context) (any, error) {
	s.mu.Lock()
	s.exited = true
	s.mu.Unlock()
	return nil, nil // glsp closes the connection, which ends Run
}
