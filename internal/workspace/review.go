package workspace

import (
	"os"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/review"
)

// JudgeModel is the judge model of a dataset, without asking any server:
// flag, then the plan's review.model, then its generation.model, then
// OPENAI_MODEL (read with getenv, nil for none), then the default.
func JudgeModel(flag string, p *plan.Plan, getenv func(string) string) string {
	if s := strings.TrimSpace(flag); s != "" {
		return s
	}
	if p != nil {
		if p.Has("review", "model") {
			return p.Review.Model
		}
		if p.Has("generation", "model") {
			return p.Generation.Model
		}
	}
	if getenv != nil {
		if m := strings.TrimSpace(getenv("OPENAI_MODEL")); m != "" {
			return m
		}
	}
	return plan.DefaultModel
}

// Review is a dataset's review cache as both shells show it.
type Review struct {
	Store *review.Store
	// Problems are the sidecar's lines that were skipped.
	Problems []review.Problem
}

// WithReview returns the settings to check a dataset with: s itself when
// the dataset has no review sidecar, else a copy whose R rules read the
// cached verdicts (for the plan's rubric) and apply the plan's threshold.
// No model is called. The review is nil without a sidecar.
func WithReview(s *diagnostics.Settings, dataset string, p *plan.Plan) (*diagnostics.Settings, *Review, error) {
	if _, err := os.Stat(review.SidecarPath(dataset)); err != nil {
		return s, nil, nil
	}
	rubric := review.NewRubric(p)
	st, probs, err := review.Load(dataset, rubric, JudgeModel("", p, os.Getenv))
	if err != nil {
		return s, nil, err
	}
	c := s.Clone()
	c.Review, c.ReviewThreshold = st, rubric.Threshold
	return c, &Review{Store: st, Problems: probs}, nil
}

// ReviewStatus counts the rows of a dataset checked with WithReview's
// settings by review state: reviewed, flagged, unreviewed (never
// reviewed, or changed since). The check computed every row's key; no
// second pass over the file is needed.
func ReviewStatus(res *engine.Result, r *Review) review.Status {
	keys := make([]string, 0, len(res.Rows))
	for _, row := range res.Rows {
		if row.Object {
			keys = append(keys, row.Extra().Review.String())
		}
	}
	return r.Store.Status(keys)
}
