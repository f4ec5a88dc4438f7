package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
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

// --- code actions ---

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
		pl, err = workspace.Governing(snap.path)
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
			s.showMessage(protocol.MessageError, "ftls: "+err.Error())
		}
	})
	return nil
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
		s.showMessage(protocol.MessageInfo, "ftls: "+prov.Note)
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
		s.showMessage(protocol.MessageInfo, fmt.Sprintf("ftls: nothing to generate: %s already meets the plan", filepath.Base(dataset)))
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
	msg := fmt.Sprintf("Generate %d examples for %s with %s at %s? Estimated cost %s", pv.Requested, what, prov.Model, generator.RedactURL(prov.BaseURL), cost)
	prov, ok, err := s.confirmRun(ctx, "Generate", msg, prov, pl, generator.ResolveOptions{Flags: cs, Plan: pl, Getenv: os.Getenv, Probe: true})
	if err != nil {
		return err
	}
	if !ok {
		s.log.Infof("generate %s: not confirmed", filepath.Base(dataset))
		return nil
	}
	job.Provider = prov
	// The file the plan names does not exist and is not open: create it.
	if open == nil {
		if _, err := os.Stat(dataset); errors.Is(err, os.ErrNotExist) {
			s.mu.Lock()
			create := s.createFiles
			s.mu.Unlock()
			if create {
				var res protocol.ApplyWorkspaceEditResult
				s.callSync("workspace/applyEdit", protocol.ApplyResourceEditParams{Label: "ftls: create " + filepath.Base(dataset), Edit: protocol.ResourceWorkspaceEdit{DocumentChanges: []any{
					protocol.CreateFile{Kind: "create", URI: uri, Options: &protocol.CreateFileOptions{IgnoreIfExists: true}},
				}}}, &res)
				if !res.Applied {
					s.log.Warningf("generate: creating %s was refused (%s); writing on disk", dataset, orUnknown(res.FailureReason))
				}
			}
			// Otherwise (or if refused) the FileSink creates it.
		}
	}

	report, done := s.startProgress("ftls-generate-", cancel)
	defer done()
	report(protocol.WorkDoneProgress{Kind: "begin", Title: "Generating examples", Cancellable: true,
		Message: fmt.Sprintf("0 / %d with %s", pv.Requested, prov.Model), Percentage: pctOf(0, pv.Requested)})
	rep, err := generator.Run(ctx, job, func(e generator.Event) {
		if e.Kind == generator.EventBatch {
			report(protocol.WorkDoneProgress{Kind: "report", Message: fmt.Sprintf("%d / %d", e.Total, e.Requested), Percentage: pctOf(e.Total, e.Requested)})
		}
	})
	cancelled := ctx.Err() != nil
	end := fmt.Sprintf("%d of %d examples added to %s", rep.Accepted, rep.Requested, filepath.Base(dataset))
	if cancelled {
		end = "cancelled: " + end
	}
	report(protocol.WorkDoneProgress{Kind: "end", Message: end})
	s.log.Infof("generate %s: %s (%s)", filepath.Base(dataset), end, rep.DroppedSummary())
	switch {
	case cancelled:
		s.showMessage(protocol.MessageInfo, "ftls: generation "+end)
		return nil
	case err != nil:
		return fmt.Errorf("generation stopped after %d of %d examples: %w", rep.Accepted, rep.Requested, err)
	}
	msg = "ftls: " + end
	if d := rep.DroppedTotal(); d > 0 {
		msg += fmt.Sprintf("; %d dropped (%s)", d, rep.DroppedSummary())
	}
	s.showMessage(protocol.MessageInfo, msg)
	return nil
}
