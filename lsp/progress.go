package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Work-done progress of generation and review runs, and their
// cancellation from the client's progress notification.

// generations are the runs in progress, by progress token.
type generations struct {
	mu   sync.Mutex
	runs map[string]context.CancelFunc
	seq  atomic.Int64
}

func (g *generations) add(token string, cancel context.CancelFunc) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.runs == nil {
		g.runs = map[string]context.CancelFunc{}
	}
	g.runs[token] = cancel
}

func (g *generations) remove(token string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	delete(g.runs, token)
}

func (g *generations) cancel(token string) bool {
	g.mu.Lock()
	c := g.runs[token]
	g.mu.Unlock()
	if c != nil {
		c()
	}
	return c != nil
}

// workDoneProgressCancel handles window/workDoneProgress/cancel. glsp's
// ProgressToken decodes empty, so the token is read from the raw params.
func (s *Server) workDoneProgressCancel(ctx *glsp.Context) (any, error) {
	var p struct {
		Token json.RawMessage `json:"token"`
	}
	if err := json.Unmarshal(ctx.Params, &p); err != nil {
		return nil, &paramsError{err}
	}
	tok := tokenString(p.Token)
	if s.gens.cancel(tok) {
		s.log.Infof("generation %s: cancelled by the client", tok)
	}
	return nil, nil
}

// startProgress creates a work-done progress (when the client supports
// it) for a run that cancel stops, and returns how to report on it and
// what to call when the run is over. From a goroutine: it calls the client.
func (s *Server) startProgress(prefix string, cancel context.CancelFunc) (report func(protocol.WorkDoneProgress), done func()) {
	token := prefix + strconv.FormatInt(s.gens.seq.Add(1), 10)
	s.mu.Lock()
	progress := s.workDoneProgress
	s.mu.Unlock()
	if progress {
		s.callSync("window/workDoneProgress/create", map[string]any{"token": token}, nil)
	}
	s.gens.add(token, cancel)
	report = func(v protocol.WorkDoneProgress) {
		if progress {
			s.Notify("$/progress", protocol.ProgressParams{Token: token, Value: v})
		}
	}
	return report, func() { s.gens.remove(token) }
}

// tokenString turns a JSON string or number token into a string.
func tokenString(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return string(bytes.TrimSpace(raw))
}

func pctOf(done, total int) *int {
	p := 0
	if total > 0 {
		p = min(100, done*100/total)
	}
	return &p
}
