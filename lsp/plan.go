package lsp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/engine"
	"github.com/ftls-dev/ftls/plan"
	"github.com/ftls-dev/ftls/textpos"
	"github.com/ftls-dev/ftls/workspace"
)

// Plan files (*.plan.yaml) in the editor: their diagnostics (P001–P006,
// B005, B006) with quick fixes, hover documentation of every key with the
// actual numbers of the governed training file next to the planned ones,
// completion of keys and values, a code lens per category, and a source
// action that inserts the missing sections. Datasets governed by a plan
// get the plan's settings (governingPlan, used by config.go), as `ftls
// check` does.

// kindInsertSections is the source action that appends the plan's missing
// sections with commented defaults.
const kindInsertSections = "source.insertMissingSections.ftls"

// Completion item kinds.
const (
	completionProperty   = 10
	completionEnumMember = 20
)

type completionOptions struct {
	TriggerCharacters []string `json:"triggerCharacters"`
}

type completionItem struct {
	Label         string         `json:"label"`
	Kind          int            `json:"kind"`
	Detail        string         `json:"detail,omitempty"`
	Documentation *markupContent `json:"documentation,omitempty"`
	InsertText    string         `json:"insertText,omitempty"`
}

type completionList struct {
	IsIncomplete bool             `json:"isIncomplete"`
	Items        []completionItem `json:"items"`
}

// planAware sends requests about plan documents to planH and the others to
// datasetH.
func planAware(datasetH, planH handlerFunc) handlerFunc {
	return func(s *Server, ctx *glsp.Context) (any, error) {
		var p struct {
			TextDocument textDocumentIdentifier `json:"textDocument"`
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
	q, err := decode[textDocumentPositionParams](ctx)
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
	var rng Range
	if onKey {
		rng, _ = p.KeyRange(path...)
	} else {
		rng, _ = p.ValueRange(path...)
	}
	return hover{Contents: markupContent{Kind: "markdown", Value: md}, Range: &rng}, nil
}

// actualNote puts the actual number next to the planned one for the keys
// that plan a number.
func (s *Server) actualNote(p *plan.Plan, path []string) string {
	return workspace.ActualNote(p, path, func() *workspace.Actuals { return s.planActuals(p) })
}

// --- completion ---

func (s *Server) completion(ctx *glsp.Context) (any, error) {
	q, err := decode[textDocumentPositionParams](ctx)
	if err != nil {
		return nil, err
	}
	out := completionList{Items: []completionItem{}}
	snap := s.docs.get(q.TextDocument.URI)
	if snap == nil || snap.kind != kindPlan {
		return out, nil
	}
	text := snap.Text()
	c := plan.CursorAt(text, q.Position)
	if c.InComment {
		return out, nil
	}
	prefix := strings.ToLower(c.Prefix)
	if c.InValue {
		for _, v := range plan.EnumValues(c.Path...) {
			if strings.HasPrefix(strings.ToLower(v), prefix) {
				out.Items = append(out.Items, completionItem{Label: v, Kind: completionEnumMember})
			}
		}
		return out, nil
	}
	p := parseWithoutPrefix(snap.path, text, q.Position, c.Prefix)
	for _, k := range plan.Keys(c.Path...) {
		if !strings.HasPrefix(strings.ToLower(k), prefix) {
			continue
		}
		kp := append(append([]string(nil), c.Path...), k)
		if _, present := p.KeyRange(kp...); present {
			continue
		}
		item := completionItem{Label: k, Kind: completionProperty, InsertText: k + ": "}
		if d, ok := plan.KeyDoc(kp...); ok {
			item.Detail = d.Type
			item.Documentation = &markupContent{Kind: "markdown", Value: d.Markdown()}
			if strings.HasPrefix(d.Type, "mapping") || d.Type == "list of mappings" {
				item.InsertText = k + ":" // its keys go on the lines below
			}
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// parseWithoutPrefix parses the plan as it would be without the key being
// typed at pos (the prefix before pos and, when it is a bare word without
// a colon yet, the rest of that word after it).
// A half-typed key ("  t" on its own line) is a plain scalar where YAML
// wants a mapping entry: the parse of the text as it stands fails and
// indexes no key of that mapping, and completion would offer again the
// keys that are already written there.
func parseWithoutPrefix(path string, text []byte, pos Position, prefix string) *plan.Plan {
	if off, ok := textpos.NewLineIndex(text).Offset(pos); ok && off >= len(prefix) && string(text[off-len(prefix):off]) == prefix {
		end := off
		for end < len(text) && isKeyByte(text[end]) {
			end++
		}
		// A whole entry ("key: value") parses: only a bare word is cut.
		if rest := bytes.TrimLeft(text[end:], " \t"); len(rest) > 0 && rest[0] == ':' {
			end = off
		}
		trimmed := make([]byte, 0, len(text))
		trimmed = append(append(trimmed, text[:off-len(prefix)]...), text[end:]...)
		text = trimmed
	}
	p, _ := plan.Parse(path, text)
	return p
}

func isKeyByte(b byte) bool {
	return b == '_' || b == '-' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// --- code lens ---

func (s *Server) planCodeLens(ctx *glsp.Context) (any, error) {
	q, err := decode[struct {
		TextDocument textDocumentIdentifier `json:"textDocument"`
	}](ctx)
	if err != nil {
		return nil, err
	}
	lenses := []codeLens{}
	snap := s.docs.get(q.TextDocument.URI)
	if snap == nil {
		return lenses, nil
	}
	p := parsePlan(snap)
	targets := p.Targets()
	if len(targets) == 0 {
		return lenses, nil
	}
	a := s.planActuals(p)
	for _, t := range targets {
		rng, ok := p.KeyRange("categories", strconv.Itoa(t.Index))
		if !ok {
			continue
		}
		title := fmt.Sprintf("%s: planned %d", t.Name, t.Count)
		if a.Train == nil {
			title += " · " + a.Missing()
		} else {
			n := a.PerCat[t.Name]
			title += fmt.Sprintf(" · actual %d · %s", n, workspace.Shortfall(t.Count, n))
		}
		lenses = append(lenses, codeLens{Range: Range{Start: rng.Start, End: rng.Start}, Command: &command{Title: title}})
	}
	return lenses, nil
}

// --- code actions ---

func (s *Server) planCodeAction(ctx *glsp.Context) (any, error) {
	q, err := decode[codeActionParams](ctx)
	if err != nil {
		return nil, err
	}
	actions := []codeAction{}
	snap, r := s.current(q.TextDocument.URI)
	if snap == nil {
		return actions, nil
	}
	if wants(q.Context.Only, kindQuickFix) && r != nil && r.snap == snap {
		picked := map[int]bool{}
		for _, cd := range q.Context.Diagnostics {
			var data diagnosticData
			if json.Unmarshal(cd.Data, &data) == nil && data.Version == r.shownVersion && data.Fix >= 0 && data.Fix < len(r.res.Diagnostics) {
				picked[data.Fix] = true
			}
		}
		for i, d := range r.res.Diagnostics {
			if d.Fix != nil && overlaps(d.Range, q.Range) {
				picked[i] = true
			}
		}
		for i, d := range r.res.Diagnostics {
			if !picked[i] || d.Fix == nil {
				continue
			}
			edits, err := fixTextEdits(snap, d.Fix)
			if err != nil || len(edits) == 0 {
				continue
			}
			actions = append(actions, codeAction{
				Title: fmt.Sprintf("%s (%s)", d.Fix.Title, d.Code), Kind: kindQuickFix,
				Diagnostics: []lspDiagnostic{toLSP(r, i, d)}, IsPreferred: true,
				Edit: versionedEdit(snap, edits),
			})
		}
	}
	if wants(q.Context.Only, kindInsertSections) {
		p := parsePlan(snap)
		if !p.HasSyntaxError() {
			if missing := plan.MissingSections(p); len(missing) > 0 {
				text := snap.Text()
				insert := string(missing)
				switch {
				case len(text) == 0:
				case !strings.HasSuffix(string(text), "\n"):
					insert = "\n\n" + insert
				case !strings.HasSuffix(string(text), "\n\n"):
					insert = "\n" + insert
				}
				end := snap.Position(snap.Size())
				actions = append(actions, codeAction{
					Title: "Insert missing sections (ftls)", Kind: kindInsertSections,
					Edit: versionedEdit(snap, []textEdit{{Range: Range{Start: end, End: end}, NewText: insert}}),
				})
			}
		}
	}
	return actions, nil
}

// --- datasets governed by a plan ---

// discoverTTL is how long the plan found for a dataset is trusted before
// the folders are searched again; datasets are checked on every edit.
const discoverTTL = 2 * time.Second

var discovered struct {
	mu    sync.Mutex
	byDir map[string]discoverEntry
}

type discoverEntry struct {
	at   time.Time
	plan string
}

// governingPlan returns the plan file that governs the dataset at path
// (plan.Discover), with its modification time and size, or "" for none.
// Plans themselves are governed by nothing.
func governingPlan(path string) (planPath string, mod time.Time, size int64) {
	if path == "" || plan.IsPath(path) {
		return "", mod, 0
	}
	discovered.mu.Lock()
	if discovered.byDir == nil {
		discovered.byDir = map[string]discoverEntry{}
	}
	e, ok := discovered.byDir[path]
	discovered.mu.Unlock()
	if !ok || time.Since(e.at) > discoverTTL {
		found, err := plan.Discover(path)
		if err != nil {
			found = ""
		}
		e = discoverEntry{at: time.Now(), plan: found}
		discovered.mu.Lock()
		discovered.byDir[path] = e
		discovered.mu.Unlock()
	}
	if e.plan == "" {
		return "", mod, 0
	}
	if st, err := os.Stat(e.plan); err == nil {
		mod, size = st.ModTime(), st.Size()
	}
	return e.plan, mod, size
}

// didSave re-checks the open datasets when a plan is saved: the settings
// they are checked with come from the plan on disk.
func (s *Server) didSave(ctx *glsp.Context) (any, error) {
	p, err := decode[didCloseParams](ctx)
	if err != nil {
		return nil, err
	}
	if kindOf(p.TextDocument.URI, "") != kindPlan {
		return nil, nil
	}
	discovered.mu.Lock()
	discovered.byDir = nil // the plan's output may name other files now
	discovered.mu.Unlock()
	for _, d := range s.docs.all() {
		if d.kind == kindDataset {
			s.diags.schedule(d.uri, true)
		}
	}
	return nil, nil
}
