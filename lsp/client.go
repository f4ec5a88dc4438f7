package lsp

import "github.com/ftls-dev/ftls/lsp/protocol"

// Messages to the client: notifications from any goroutine, requests
// only from goroutines other than a handler's (lsp-notes: a call from a
// handler deadlocks glsp's read loop).

// Notify sends a notification to the client; it is safe from any goroutine.
func (s *Server) Notify(method string, params any) {
	s.mu.Lock()
	n := s.notify
	s.mu.Unlock()
	if n != nil {
		n(method, params)
	}
}

// callAsync sends a request to the client from a new goroutine, since a
// call from a handler would wait for a reply that only the (busy) read loop
// can deliver.
func (s *Server) callAsync(method string, params any, result any, done func()) {
	s.mu.Lock()
	c := s.call
	s.mu.Unlock()
	if c == nil {
		return
	}
	s.goSafe(method, func() {
		c(method, params, result)
		if done != nil {
			done()
		}
	})
}

func (s *Server) showMessage(typ int, msg string) {
	s.Notify("window/showMessage", protocol.ShowMessageParams{Type: typ, Message: msg})
}

// callSync sends a request to the client and waits for the answer; only
// from a goroutine other than a handler's.
func (s *Server) callSync(method string, params, result any) {
	s.mu.Lock()
	c := s.call
	s.mu.Unlock()
	if c != nil {
		c(method, params, result)
	}
}

// showFile asks the client to show the file at uri, without taking the
// focus from the document the user is in; nothing when the client cannot.
func (s *Server) showFile(uri string) {
	s.mu.Lock()
	can := s.showDocument
	s.mu.Unlock()
	if !can {
		return
	}
	var res struct {
		Success bool `json:"success"`
	}
	s.callAsync("window/showDocument", protocol.ShowDocumentParams{URI: uri, TakeFocus: false}, &res, func() {
		if !res.Success {
			s.log.Infof("the editor did not show %s", uri)
		}
	})
}

// applyResourceEdit sends workspace/applyEdit (from a goroutine, as every
// call to the client) and reports the outcome to done.
func (s *Server) applyResourceEdit(label string, edit protocol.ResourceWorkspaceEdit, done func(ok bool, reason string)) {
	var res protocol.ApplyWorkspaceEditResult
	s.callAsync("workspace/applyEdit", protocol.ApplyResourceEditParams{Label: label, Edit: edit}, &res, func() {
		done(res.Applied, res.FailureReason)
	})
}

func orUnknown(reason string) string {
	if reason == "" {
		return "the editor gave no reason"
	}
	return reason
}
