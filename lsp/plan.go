package lsp

import (
	"encoding/json"
	"os"
	"sync"
	"time"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Plan files (*.plan.yaml) in the editor: their diagnostics (P001–P006,
// B005, B006) with quick fixes, hover documentation of every key with the
// actual numbers of the governed training file next to the planned ones,
// completion of keys and values, a code lens per category, and a source
// action that inserts the missing sections. Datasets governed by a plan
// get the plan's settings (governingPlan, used by config.go), as `ftls
// check` does.

// Completion item kinds.
const (
	completionProperty   = 10
	completionEnumMember = 20
)

// planAware sends requests about plan documents to planH and the others to
// datasetH.
func planAware(datasetH, planH handlerFunc) handlerFunc {
	return func(s *Server, ctx *glsp.Context) (any, error) {
		var p struct {
			TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
		}
		if len(ctx.Params) > 0 {
			_ = json.Unmarshal(ctx.Params, &p)
		}
		if snap := s.docs.get(p.TextDocument.URI); snap != nil && snap.kind == kindPlan {
			return planH(s, ctx)
		}
		return datasetH(s, ctx)
	}
}

// checkPlan checks one version of a plan document as `ftls check` checks a
// plan file: its findings with the severities of the settings of its
// folder layered with the plan's own lint section.
func (s *Server) checkPlan(snap *snapshot) *result {
	base, err := s.cfg.settingsFor(snap.path)
	if err != nil {
		s.log.Warningf("%s: %v", snap.uri, err)
	}
	p := parsePlan(snap)
	st, err := p.LintSettings(base)
	if err != nil {
		st = base
	}
	return &result{snap: snap, res: &engine.Result{Path: snap.path, Diagnostics: p.Diagnostics(st)}, settings: st, full: true}
}

// parsePlan parses the plan in snap; plans are small, so every request
// parses the version it is about.
func parsePlan(snap *snapshot) *plan.Plan {
	p, _ := plan.Parse(snap.path, snap.Text())
	return p
}

// planActuals reads the training (and validation) file the plan governs:
// the open document's latest full result, or the file on disk.
func (s *Server) planActuals(p *plan.Plan) *workspace.Actuals {
	return workspace.NewActuals(p, s.planDataset)
}

// syncReadLimit is the size of a dataset that is not open up to which a
// request about a plan reads it at once; a larger one is read in the
// background while the request answers "counting".
var syncReadLimit int64 = 16 << 20

var planReads struct {
	mu    sync.Mutex
	state map[string]*planRead
}

type planRead struct {
	running bool
	mod     time.Time
	size    int64
}

// planDataset returns the check of the dataset at path for a plan's
// figures: the open document's latest full result, or the file on disk,
// read in the background when it is large (pending is then true).
func (s *Server) planDataset(path string) (res *engine.Result, pending bool) {
	if s.docs.get(pathURI(path)) != nil {
		// Open: its latest full check, or none yet while it is checked.
		res = s.diags.trainingResult(path)
		return res, res == nil
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() <= syncReadLimit {
		return s.diags.trainingResult(path), false
	}
	planReads.mu.Lock()
	defer planReads.mu.Unlock()
	if planReads.state == nil {
		planReads.state = map[string]*planRead{}
	}
	r := planReads.state[path]
	if r == nil {
		r = &planRead{}
		planReads.state[path] = r
	}
	if r.running {
		return nil, true
	}
	if r.mod.Equal(st.ModTime()) && r.size == st.Size() {
		// Read already: trainingResult answers from its cache.
		return s.diags.trainingResult(path), false
	}
	r.running = true
	s.goSafe("plan dataset "+path, func() {
		defer func() {
			planReads.mu.Lock()
			r.running, r.mod, r.size = false, st.ModTime(), st.Size()
			planReads.mu.Unlock()
		}()
		s.diags.trainingResult(path)
	})
	return nil, true
}

// --- hover ---

func (s *Server) planHover(ctx *glsp.Context) (any, error) {
	q, err := decode[protocol.TextDocumentPositionParams](ctx)
	if err != nil {
		return nil, err
	}
	snap := s.docs.get(q.TextDocument.URI)
	if snap == nil {
		return nil, nil
	}
	p := parsePlan(snap)
	path, onKey := p.PathAt(q.Position)
	if path == nil {
		return nil, nil
	}
	doc, ok := plan.KeyDoc(path...)
	if !ok {
		return nil, nil
	}
	md := doc.Markdown()
	if note := s.actualNote(p, path); note != "" {
		md += "\n---\n\n" + note
	}
	var rng protocol.Range
	if onKey {
		rng, _ = p.KeyRange(path...)
	} else {
		rng, _ = p.ValueRange(path...)
	}
	return protocol.Hover{Contents: protocol.MarkupContent{Kind: "markdown", Value: md}, Range: &rng}, nil
}

// actualNote puts the actual number next to the planned one for the keys
// that plan a number.
func (s *Server) actualNote(p *plan.Plan, path []string) string {
	return workspace.ActualNote(p, path, func() *workspace.Actuals { return s.planActuals(p) })
}

// --- completion ---

// --- code lens ---

// --- code actions ---

// didSave re-checks the open datasets when a plan is saved: the settings
// they are checked with come from the plan on disk.
func (s *Server) didSave(ctx *glsp.Context) (any, error) {
	p, err := decode[protocol.DidCloseParams](ctx)
	if err != nil {
		return nil, err
	}
	if kindOf(p.TextDocument.URI, "") != kindPlan {
		return nil, nil
	}
	workspace.ForgetPlans() // the plan's output may name other files now
	for _, d := range s.docs.all() {
		if d.kind == kindDataset {
			s.diags.schedule(d.uri, true)
		}
	}
	return nil, nil
}
