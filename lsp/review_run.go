package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/generator/judge"
	"github.com/ftls-dev/ftls/internal/review"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// The ftls.review command: the rows of the document's current text (all
// those without a verdict, or the lines given) go to the judge, as `ftls
// review` sends them (package judge). The command returns at once; a
// goroutine resolves the provider (the client's settings, the plan's
// review.model, the environment), asks for confirmation with the cost
// estimate, reports $/progress per batch (cancellable with
// window/workDoneProgress/cancel), and writes the verdicts to the
// dataset's sidecar as they arrive. The document is then checked again,
// and its R findings appear.

// reviewCommand starts a review; it returns at once.
func (s *Server) reviewCommand(raw json.RawMessage) error {
	var args reviewArgs
	if err := json.Unmarshal(raw, &args); err != nil {
		return &paramsError{err}
	}
	snap := s.docs.get(args.URI)
	switch {
	case snap == nil:
		return fmt.Errorf("%s: document not open", args.URI)
	case snap.kind != kindDataset || snap.path == "":
		return fmt.Errorf("%s is not a dataset file", args.URI)
	}
	s.goSafe("review", func() {
		if err := s.runReview(snap, args); err != nil {
			s.log.Warningf("review %s: %v", filepath.Base(snap.path), err)
			s.showMessage(protocol.MessageError, "ftls: "+err.Error())
		}
	})
	return nil
}

// runReview is one review, in its own goroutine.
func (s *Server) runReview(snap *snapshot, args reviewArgs) error {
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	pl, err := workspace.Governing(snap.path)
	if err != nil {
		return err
	}
	flags := s.cfg.clientProvider()
	if pl != nil && pl.Has("review", "model") {
		flags.Model = pl.Review.Model
	}
	resolve := generator.ResolveOptions{Flags: flags, Plan: pl, Getenv: os.Getenv, Probe: true}
	prov, err := generator.ResolveProvider(ctx, resolve)
	if err != nil {
		return err
	}
	settings, _ := s.cfg.settingsFor(snap.path)
	all, err := review.ReadRows(ctx, snap.Text(), settings)
	if err != nil {
		return err
	}
	rows := all
	if len(args.Lines) > 0 {
		rows = slices.DeleteFunc(slices.Clone(all), func(r review.Row) bool { return !slices.Contains(args.Lines, r.Line) })
	}
	store, probs, err := review.Load(snap.path, review.NewRubric(pl), prov.Model)
	if err != nil {
		return err
	}
	for _, p := range probs {
		s.log.Warningf("%v", p)
	}
	job := judge.Job{Provider: prov, Store: store, Rows: rows, Live: review.Live(all), Score: true}
	if pl != nil {
		job.BatchSize, job.Concurrency = pl.Review.BatchSize, pl.Review.Concurrency
	}
	est := judge.EstimateRun(job)
	if est.Sent == 0 {
		s.showMessage(protocol.MessageInfo, "ftls: nothing to review: every row has a verdict")
		return nil
	}
	cost := "unknown (no price for this model)"
	if est.CostKnown {
		cost = fmt.Sprintf("$%.4f", est.Cost)
	}
	msg := fmt.Sprintf("Review %d rows of %s with %s at %s? %d requests, estimated cost %s", est.Sent, filepath.Base(snap.path), prov.Model, generator.RedactURL(prov.BaseURL), est.Requests, cost)
	prov, ok, err := s.confirmRun(ctx, "Review", msg, prov, pl, resolve)
	if err != nil || !ok {
		return err
	}
	job.Provider = prov

	report, done := s.startProgress("ftls-review-", cancel)
	defer done()
	report(protocol.WorkDoneProgress{Kind: "begin", Title: "Reviewing rows", Cancellable: true,
		Message: fmt.Sprintf("0 / %d with %s", est.Sent, prov.Model), Percentage: pctOf(0, est.Sent)})
	rep, err := judge.Run(ctx, job, func(e judge.Event) {
		if e.Message == "" {
			report(protocol.WorkDoneProgress{Kind: "report", Message: fmt.Sprintf("%d / %d", e.Done, e.Total), Percentage: pctOf(e.Done, e.Total)})
		}
	})
	cancelled := ctx.Err() != nil
	end := fmt.Sprintf("%d rows reviewed, %d flagged", rep.Judged, rep.Flagged)
	if len(rep.Notes) > 0 {
		end += fmt.Sprintf(", %d problems with the judge's answers (see the log)", len(rep.Notes))
		for _, n := range rep.Notes {
			s.log.Warningf("review %s: %s", filepath.Base(snap.path), n)
		}
	}
	if cancelled {
		end = "cancelled: " + end
	}
	report(protocol.WorkDoneProgress{Kind: "end", Message: end})
	// The sidecar changed: the document's settings are rebuilt with it.
	s.diags.schedule(snap.uri, true)
	if err != nil && !cancelled {
		return fmt.Errorf("review stopped after %d rows: %w", rep.Judged, err)
	}
	s.showMessage(protocol.MessageInfo, "ftls: review: "+end)
	return nil
}
