package lsp

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/review"
	"github.com/ftls-dev/ftls/internal/workspace"
)

// The review cache in the editor: a dataset with a sidecar
// (DATASET.ftls-review, written by `ftls review`) is checked with settings
// whose R rules read its verdicts, through the same workspace.WithReview
// as `ftls check`, so that the editor shows on open exactly the R findings
// the command line prints, with no model call.

// reviewSidecar returns the dataset's review sidecar, its modification
// time and size, or "" when it has none.
func reviewSidecar(path string) (string, time.Time, int64) {
	if path == "" {
		return "", time.Time{}, 0
	}
	side := review.SidecarPath(path)
	st, err := os.Stat(side)
	if err != nil || !st.Mode().IsRegular() {
		return "", time.Time{}, 0
	}
	return side, st.ModTime(), st.Size()
}

// withReview attaches the dataset's cached verdicts to s; the sidecar's
// damaged lines are returned as an error, to be logged (the other lines
// still apply).
func withReview(s *diagnostics.Settings, path string, p *plan.Plan) (*diagnostics.Settings, error) {
	rs, rv, err := workspace.WithReview(s, path, p)
	if err != nil {
		return s, fmt.Errorf("review cache: %w", err)
	}
	if rv == nil || len(rv.Problems) == 0 {
		return rs, nil
	}
	errs := make([]error, 0, len(rv.Problems))
	for _, pr := range rv.Problems {
		errs = append(errs, pr)
	}
	return rs, errors.Join(errs...)
}
