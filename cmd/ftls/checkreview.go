package main

import (
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
)

// reviewedFile is a dataset checked with its review cache, for the
// summary; index is its place in the results.
type reviewedFile struct {
	path   string
	review *workspace.Review
	index  int
}

// withReview attaches the cached review verdicts of the dataset at path
// to its options (the R rules read them; no model is called) and reports
// the sidecar's damaged lines. It returns nil when the dataset has no
// sidecar.
func withReview(path string, index int, opts *engine.Options, cache *settingsCache, stderr io.Writer) *reviewedFile {
	if path == stdinPath || plan.IsPath(path) {
		return nil
	}
	p, _ := cache.plan(path)
	s, rv, err := workspace.WithReview(opts.Settings, path, p)
	if err != nil {
		fmt.Fprintf(stderr, "ftls: note: review cache of %s not read: %v\n", path, err)
		return nil
	}
	if rv == nil {
		return nil
	}
	for _, pr := range rv.Problems {
		fmt.Fprintf(stderr, "ftls: %s\n", pr.Error())
	}
	opts.Settings = s
	return &reviewedFile{path: path, review: rv, index: index}
}

// printReviewStatus prints how many rows of each reviewed dataset have a
// verdict. Unreviewed rows (never sent, or changed since) are a count,
// not a finding: on a dataset reviewed in part, a finding per row would
// bury the real ones.
func printReviewStatus(w io.Writer, files []*reviewedFile, results []*engine.Result) {
	for _, f := range files {
		if results[f.index] == nil {
			continue
		}
		st := workspace.ReviewStatus(results[f.index], f.review)
		fmt.Fprintf(w, "review: %s: %d of %d rows reviewed, %d flagged, %d unreviewed (run `ftls review` for those)\n",
			f.path, st.Reviewed, st.Rows, st.Flagged, st.Unreviewed)
	}
}
