package diagnostics

import (
	"slices"
	"strings"
)

func init() {
	register(&Rule{
		Code: "Q005", Name: "over-templating", Severity: Warning,
		Needs:   DataRows | DataWords,
		Summary: "many answers start the same way",
		Doc: Doc{
			What: "Reports, once per opening, when more than 20 % (`over_templating_share`) of the assistant answers in a file of at least 20 rows begin with the same four words.",
			Why:  "Generated datasets drift into a template (\"Certainly! Here is...\"); the model learns the template rather than the task, and every answer it gives will start the same way.",
			Bad:  `400 of 1,000 answers start with "Great question! Here is"`,
			Good: "openings as varied as the questions",
			Fix:  "Regenerate part of the answers with varied openings, or edit them.",
		},
		File: checkOverTemplating,
	})
}

func checkOverTemplating(f *FileContext) {
	const minRows = 20
	maxShare := f.Settings.OverTemplatingShare
	// The rows are grouped by the hash of their opening (openingKey).
	openings := &f.Groups().Openings
	total := openings.Rows()
	if total < minRows {
		return
	}
	var groups [][]int32
	for _, rows := range openings.Shared() {
		if float64(len(rows)) > maxShare*float64(total) {
			groups = append(groups, rows)
		}
	}
	if maxShare*float64(total) < 1 { // a share so low that one row is over it
		openings.Singles(func(row int32) { groups = append(groups, []int32{row}) })
	}
	slices.SortFunc(groups, func(a, b []int32) int { return strings.Compare(f.Rows[a[0]].Opening, f.Rows[b[0]].Opening) })
	for _, rows := range groups {
		var related []Related
		for _, i := range rows[:min(len(rows), 5)] {
			related = append(related, f.RelatedRow(int(i), "starts the same way"))
		}
		first := int(rows[0])
		f.ReportRelated("Q005", first, nil, related, "%d of %d answers (%.0f %%) start with %q; vary the openings",
			len(rows), total, 100*float64(len(rows))/float64(total), f.Rows[first].Opening)
	}
}
