package diagnostics

import "slices"

func init() {
	register(&Rule{
		Code: "B002", Name: "unplanned-category", Severity: Warning, Fixable: true,
		Needs:   DataRows | DataCategory,
		Summary: "a row's category is missing or not in the plan",
		Doc: Doc{
			What: "Reports rows without a category (at the configured `category_field`, `metadata.category` by default) when the plan lists categories or most rows have one, and rows whose category the plan does not list.",
			Why:  "Uncategorised rows escape every balance check and every split by category; an unknown name is usually a typo that splits one category in two.",
			Bad:  `{"messages": [...], "metadata": {"category": "retruns"}}`,
			Good: `{"messages": [...], "metadata": {"category": "returns"}}`,
			Fix:  "A category that is a near miss of a planned one is renamed.",
		},
		File: checkUnplannedCategory,
	})
}

func checkUnplannedCategory(f *FileContext) {
	plan := f.Settings.Plan
	var names []string
	if plan != nil {
		for _, c := range plan.Categories {
			names = append(names, c.Name)
		}
	}
	_, total := f.categoryCounts()
	objects := f.Examples()
	requireCategory := len(names) > 0 || (total > 0 && 2*total >= objects)
	for i, r := range f.Rows {
		switch {
		case !r.Object:
		case r.Category == "":
			if requireCategory {
				f.ReportRow("B002", i, nil, "row has no category at %q", f.Settings.CategoryField)
			}
		case len(names) > 0 && !slices.Contains(names, r.Category):
			if want := suggest(r.Category, names); want != "" {
				f.ReportRow("B002", i, renameCategoryFix(f, i, r.Category, want), "category %q is not in the plan; did you mean %q?", r.Category, want)
			} else {
				f.ReportRow("B002", i, nil, "category %q is not in the plan (%s)", r.Category, quoteList(names))
			}
		}
	}
}
