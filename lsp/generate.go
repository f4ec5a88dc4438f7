package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/plan"
	"github.com/ftls-dev/ftls/textpos"
	"github.com/ftls-dev/ftls/workspace"
)

// "Generate N examples": a code action and command that writes new
// examples with the generator (package generator) and inserts them into
// the training document.
//
// It is offered on a dataset governed by a plan (N = size.examples minus
// the rows present), on a category's entry in the plan document (N = the
// category's shortfall) and on a B001 imbalance diagnostic (N = the
// category's shortfall). The command returns at once; a goroutine resolves
// the provider, prepares the run (nothing sent), asks for confirmation
// with window/showMessageRequest, creates a work-done progress token,
// reports $/progress per batch, and inserts each accepted batch with a
// versioned workspace/applyEdit at the end of the training document. A
// window/workDoneProgress/cancel for the token cancels the run. When the
// training file is not open, the generator's FileSink appends to it on
// disk (atomically); a missing file the plan names is created first (with
// a createFile operation when the client supports it).
//
// The API key comes from the client settings (or the plan's environment)
// and goes to the generator only: it is never logged or shown; the
// generator redacts it from its errors.

const (
	cmdGenerate  = "ftls.generate"
	kindGenerate = "source.generate.ftls"
	// defaultGenerateBatch is N when the plan's target is already met.
	defaultGenerateBatch = 50
)

// generateArgs are the command's argument.
type generateArgs struct {
	// URI is the training document or the plan document the action was
	// offered on.
	URI      string `json:"uri"`
	Version  int32  `json:"version"`
	Category string `json:"category,omitempty"`
	Count    int    `json:"count,omitempty"`
}

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

// tokenString turns a JSON string or number token into a string.
func tokenString(raw json.RawMessage) string {
	var str string
	if json.Unmarshal(raw, &str) == nil {
		return str
	}
	return string(bytes.TrimSpace(raw))
}

// --- code actions ---

func generateTitle(n int, category string) string {
	ex := "examples"
	if n == 1 {
		ex = "example"
	}
	if category != "" {
		return fmt.Sprintf("Generate %d %s for %s (ftls)", n, ex, category)
	}
	return fmt.Sprintf("Generate %d %s (ftls)", n, ex)
}

func generateAction(kind, title string, args generateArgs) codeAction {
	return codeAction{Title: title, Kind: kind, Command: &command{Title: title, Command: cmdGenerate, Arguments: []any{args}}}
}

// datasetGenerateActions are the generate actions of a dataset document:
// the source action on the whole dataset and a quickfix per B001
// diagnostic in the range (or sent back by the client).
func (s *Server) datasetGenerateActions(snap *snapshot, r *result, p codeActionParams) []codeAction {
	if snap == nil || snap.kind != kindDataset || snap.path == "" || r == nil || r.snap != snap {
		return nil
	}
	pl, err := governing(snap.path)
	if err != nil || pl == nil {
		return nil
	}
	var out []codeAction
	counts, rows := map[string]int{}, 0
	for _, row := range r.res.Rows {
		if row.Object {
			rows++
			if row.Category != "" {
				counts[row.Category]++
			}
		}
	}
	if wants(p.Context.Only, kindGenerate) {
		// What the plan lacks counts the validation file too, as the
		// plan's hover and dataset_info.txt count "actual".
		n := pl.Size.Examples - rows
		if a := s.planActuals(pl); a.Train != nil && plan.SamePath(a.TrainPath, snap.path) {
			n = pl.Size.Examples - rows - a.ValidN
		}
		if n <= 0 {
			n = defaultGenerateBatch
		}
		out = append(out, generateAction(kindGenerate, generateTitle(n, ""), generateArgs{URI: snap.uri, Version: snap.version, Count: n}))
	}
	if wants(p.Context.Only, kindQuickFix) {
		targets := map[string]int{}
		for _, t := range pl.Targets() {
			targets[t.Name] = t.Count
		}
		seen := map[string]bool{}
		for i, d := range r.res.Diagnostics {
			if d.Code != "B001" || !overlaps(d.Range, p.Range) {
				continue
			}
			cat := d.Category
			if cat == "" || seen[cat] {
				continue
			}
			if _, planned := targets[cat]; !planned {
				continue
			}
			seen[cat] = true
			n := targets[cat] - counts[cat]
			if n <= 0 {
				continue // over target: generating elsewhere is the fix
			}
			a := generateAction(kindQuickFix, generateTitle(n, cat), generateArgs{URI: snap.uri, Version: snap.version, Category: cat, Count: n})
			a.Diagnostics = []lspDiagnostic{toLSP(r, i, d)}
			out = append(out, a)
		}
	}
	return out
}

// planGenerateActions are the generate actions of a plan document: one per
// category whose entry is in the range and whose target is not met.
func (s *Server) planGenerateActions(snap *snapshot, p codeActionParams) []codeAction {
	if snap == nil || snap.kind != kindPlan || !wants(p.Context.Only, kindGenerate) {
		return nil
	}
	pl := parsePlan(snap)
	if pl == nil || pl.HasSyntaxError() || pl.Output.Train == "" {
		return nil
	}
	var out []codeAction
	var a *workspace.Actuals
	for _, t := range pl.Targets() {
		rng, ok := pl.KeyRange("categories", strconv.Itoa(t.Index))
		if !ok {
			continue
		}
		// The whole entry: from its key to the next category's.
		end := rng.End
		if next, ok := pl.KeyRange("categories", strconv.Itoa(t.Index+1)); ok {
			end = next.Start
		} else if vr, ok := pl.ValueRange("categories", strconv.Itoa(t.Index)); ok {
			end = vr.End
		}
		if !overlaps(Range{Start: rng.Start, End: end}, p.Range) {
			continue
		}
		if a == nil {
			a = s.planActuals(pl)
		}
		n := t.Count - a.PerCat[t.Name]
		if n <= 0 {
			continue
		}
		out = append(out, generateAction(kindGenerate, generateTitle(n, t.Name), generateArgs{URI: snap.uri, Version: snap.version, Category: t.Name, Count: n}))
	}
	return out
}

// planCodeActionGenerate is the plan document's code actions with the
// generate actions added.
func (s *Server) planCodeActionGenerate(ctx *glsp.Context) (any, error) {
	res, err := s.planCodeAction(ctx)
	if err != nil {
		return res, err
	}
	actions, _ := res.([]codeAction)
	q, err := decode[codeActionParams](ctx)
	if err != nil {
		return actions, nil
	}
	return append(actions, s.planGenerateActions(s.docs.get(q.TextDocument.URI), q)...), nil
}

// --- the command ---

// generateCommand starts a run; it returns at once.
func (s *Server) generateCommand(raw json.RawMessage) error {
	var args generateArgs
	if err := json.Unmarshal(raw, &args); err != nil {
		return &paramsError{err}
	}
	snap := s.docs.get(args.URI)
	if snap == nil {
		return fmt.Errorf("%s: document not open", args.URI)
	}
	if snap.path == "" {
		return fmt.Errorf("%s is not a file", args.URI)
	}
	var pl *plan.Plan
	var err error
	switch snap.kind {
	case kindPlan:
		pl, _ = plan.Parse(snap.path, snap.Text())
	case kindDataset:
		pl, err = governing(snap.path)
		if err == nil && pl == nil {
			err = fmt.Errorf("no plan governs %s; generation needs a plan", filepath.Base(snap.path))
		}
	default:
		err = fmt.Errorf("%s is neither a dataset nor a plan", args.URI)
	}
	if err == nil && snap.kind == kindPlan && pl.HasSyntaxError() {
		err = errors.New("the plan has a syntax error")
	}
	if err == nil {
		// The same refusal as `ftls generate`'s.
		err = pl.ReadyToGenerate()
	}
	if err != nil {
		return err
	}
	dataset := snap.path
	if snap.kind == kindPlan {
		if dataset, err = pl.WritePath("train", pl.Output.Train); err != nil {
			return err
		}
		if dataset == "" {
			return errors.New("the plan names no output.train")
		}
	}
	if err := s.checkWrite(snap.path, dataset); err != nil {
		return err
	}
	s.goSafe("generate", func() {
		if err := s.runGenerate(pl, dataset, args); err != nil {
			s.log.Warningf("generate %s: %v", filepath.Base(dataset), err)
			s.showMessage(messageError, "ftls: "+err.Error())
		}
	})
	return nil
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

type messageActionItem struct {
	Title string `json:"title"`
}

type showMessageRequestParams struct {
	Type    int                 `json:"type"`
	Message string              `json:"message"`
	Actions []messageActionItem `json:"actions"`
}

type progressParams struct {
	Token string `json:"token"`
	Value any    `json:"value"`
}

type workDoneProgress struct {
	Kind        string `json:"kind"`
	Title       string `json:"title,omitempty"`
	Cancellable bool   `json:"cancellable,omitempty"`
	Message     string `json:"message,omitempty"`
	Percentage  *int   `json:"percentage,omitempty"`
}

func pctOf(done, total int) *int {
	p := 0
	if total > 0 {
		p = min(100, done*100/total)
	}
	return &p
}

// runGenerate is one run, in its own goroutine.
func (s *Server) runGenerate(pl *plan.Plan, dataset string, args generateArgs) error {
	cs := s.cfg.clientProvider()
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	prov, err := generator.ResolveProvider(ctx, generator.ResolveOptions{
		Flags: cs, Plan: pl, Getenv: os.Getenv, Probe: true,
	})
	if err != nil {
		return err
	}
	if prov.Note != "" {
		s.showMessage(messageInfo, "ftls: "+prov.Note)
	}
	uri := pathURI(dataset)
	job := generator.Job{
		Plan: pl, Settings: s.cfg.freshSettings(dataset), Provider: prov,
		Dataset: dataset, Count: args.Count, Category: args.Category,
	}
	open := s.docs.get(uri)
	if open != nil {
		job.Existing = open.Text()
		job.Sink = &editorSink{s: s, ctx: ctx, uri: uri}
	}
	pv, err := generator.Prepare(ctx, job)
	if err != nil {
		return err
	}
	if pv.Requested == 0 {
		s.showMessage(messageInfo, fmt.Sprintf("ftls: nothing to generate: %s already meets the plan", filepath.Base(dataset)))
		return nil
	}
	job.Count = pv.Requested
	what := "the plan's categories"
	if args.Category != "" {
		what = args.Category
	}
	cost := "unknown (no price for this model)"
	if pv.CostKnown {
		cost = fmt.Sprintf("$%.2f", pv.Cost)
	}
	var answer *messageActionItem
	// The endpoint is named because the plan can set it: a plan from
	// someone else's repository must not receive the key unnoticed. The
	// rule is ResolveProvider's, as on the command line; a confirmation
	// is recorded in the user's configuration folder, never the workspace.
	msg := fmt.Sprintf("Generate %d examples for %s with %s at %s? Estimated cost %s", pv.Requested, what, prov.Model, generator.RedactURL(prov.BaseURL), cost)
	actions := []messageActionItem{{Title: "Generate"}, {Title: "Cancel"}}
	const trustAction = "Send my API key there and generate"
	if prov.PlanEndpoint != "" {
		msg += ". The plan chose this endpoint and your API key is not sent to it unless you trust it (remembered for this plan)."
		actions = []messageActionItem{{Title: "Generate without the key"}, {Title: trustAction}, {Title: "Cancel"}}
	}
	s.callSync("window/showMessageRequest", showMessageRequestParams{
		Type: messageInfo, Message: msg, Actions: actions,
	}, &answer)
	if answer == nil || (answer.Title != "Generate" && answer.Title != "Generate without the key" && answer.Title != trustAction) {
		s.log.Infof("generate %s: not confirmed", filepath.Base(dataset))
		return nil
	}
	if answer.Title == trustAction {
		if err := generator.TrustPlanEndpoint(pl.Path, prov.PlanEndpoint); err != nil {
			return err
		}
		again, err := generator.ResolveProvider(ctx, generator.ResolveOptions{Flags: cs, Plan: pl, Getenv: os.Getenv, Probe: true})
		if err != nil {
			return err
		}
		prov, job.Provider = again, again
	}
	// The file the plan names does not exist and is not open: create it.
	if open == nil {
		if _, err := os.Stat(dataset); errors.Is(err, os.ErrNotExist) {
			s.mu.Lock()
			create := s.createFiles
			s.mu.Unlock()
			if create {
				var res applyWorkspaceEditResult
				s.callSync("workspace/applyEdit", applyResourceEditParams{Label: "ftls: create " + filepath.Base(dataset), Edit: resourceWorkspaceEdit{DocumentChanges: []any{
					createFile{Kind: "create", URI: uri, Options: &createFileOptions{IgnoreIfExists: true}},
				}}}, &res)
				if !res.Applied {
					s.log.Warningf("generate: creating %s was refused (%s); writing on disk", dataset, orUnknown(res.FailureReason))
				}
			}
			// Otherwise (or if refused) the FileSink creates it.
		}
	}

	token := "ftls-generate-" + strconv.FormatInt(s.gens.seq.Add(1), 10)
	s.mu.Lock()
	progress := s.workDoneProgress
	s.mu.Unlock()
	if progress {
		s.callSync("window/workDoneProgress/create", map[string]any{"token": token}, nil)
	}
	s.gens.add(token, cancel)
	defer s.gens.remove(token)
	report := func(v workDoneProgress) {
		if progress {
			s.Notify("$/progress", progressParams{Token: token, Value: v})
		}
	}
	report(workDoneProgress{Kind: "begin", Title: "Generating examples", Cancellable: true,
		Message: fmt.Sprintf("0 / %d with %s", pv.Requested, prov.Model), Percentage: pctOf(0, pv.Requested)})
	rep, err := generator.Run(ctx, job, func(e generator.Event) {
		if e.Kind == generator.EventBatch {
			report(workDoneProgress{Kind: "report", Message: fmt.Sprintf("%d / %d", e.Total, e.Requested), Percentage: pctOf(e.Total, e.Requested)})
		}
	})
	cancelled := ctx.Err() != nil
	end := fmt.Sprintf("%d of %d examples added to %s", rep.Accepted, rep.Requested, filepath.Base(dataset))
	if cancelled {
		end = "cancelled: " + end
	}
	report(workDoneProgress{Kind: "end", Message: end})
	s.log.Infof("generate %s: %s (%s)", filepath.Base(dataset), end, generator.FormatDropped(rep.Dropped, rep.InvalidRules))
	switch {
	case cancelled:
		s.showMessage(messageInfo, "ftls: generation "+end)
		return nil
	case err != nil:
		return fmt.Errorf("generation stopped after %d of %d examples: %w", rep.Accepted, rep.Requested, err)
	}
	msg = "ftls: " + end
	if d := rep.DroppedTotal(); d > 0 {
		msg += fmt.Sprintf("; %d dropped (%s)", d, generator.FormatDropped(rep.Dropped, rep.InvalidRules))
	}
	s.showMessage(messageInfo, msg)
	return nil
}

// editorSink inserts each batch at the end of the open training document
// with a verified workspace/applyEdit (applyedit.go): a batch counts as
// added only once a version of the document holds every one of its rows,
// and a refused batch is sent again at the end of the latest version.
// Batches go one at a time. When the document was closed meanwhile, the
// batch is appended on disk.
type editorSink struct {
	s   *Server
	ctx context.Context
	uri string
	mu  sync.Mutex
}

func (k *editorSink) Append(rows [][]byte) error {
	if len(rows) == 0 {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	label := fmt.Sprintf("ftls: add %d generated examples", len(rows))
	_, err := k.s.applyVerified(k.ctx, label, k.uri, func(snap *snapshot) (editPlan, error) {
		return appendRowsEdit(snap, rows), nil
	})
	if errors.Is(err, errDocumentClosed) {
		return (&generator.FileSink{Path: uriPath(k.uri)}).Append(rows)
	}
	if err != nil {
		return fmt.Errorf("inserting %d examples into %s: %w", len(rows), filepath.Base(uriPath(k.uri)), err)
	}
	return nil
}

// appendRowsEdit inserts rows after the last row of snap, in its line
// ending, and holds once every row is a line of the document. The edit
// starts at the end of the last line with content, never past the final
// line end: Neovim turns an insertion there into an extra blank line.
func appendRowsEdit(snap *snapshot, rows [][]byte) editPlan {
	eol := []byte("\n")
	last := -1
	for i := len(snap.Lines) - 1; i >= 0; i-- {
		if l := snap.Lines[i]; len(bytes.TrimSpace(l.Content())) > 0 {
			last = i
			if l.Term() == 2 {
				eol = []byte("\r\n")
			}
			break
		}
	}
	text := bytes.Join(rows, eol)
	at := Position{}
	if last >= 0 {
		at = Position{Line: last, Character: textpos.UTF16Len(snap.Lines[last].Content())}
		text = append(eol, text...)
	}
	return editPlan{
		edits: []textEdit{{Range: Range{Start: at, End: at}, NewText: string(text)}},
		holds: func(cur *snapshot) bool { return rowsPresent(cur, rows) == len(rows) },
	}
}
