package diagnostics

// The B family: does the dataset have the composition its plan asks for?
// Every rule here is a file rule comparing counts with the governing plan
// (Settings.Plan), or with uniform targets when there is none.

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/ftls-dev/ftls/textpos"
)

// PlanTargets is what the governing plan asks of a dataset, with the place
// in the plan file of each number, so that findings can point there.
type PlanTargets struct {
	Path       string // the plan file
	Categories []CategoryTarget
	// Examples is size.examples; Complexity is size.complexity.
	Examples   int
	Complexity string
	SizeRange  textpos.Range
	// MultiTurn is diversity.multi_turn, when HasMultiTurn.
	MultiTurn      float64
	HasMultiTurn   bool
	MultiTurnRange textpos.Range
	// SystemMode is system_prompt.mode: consistent, varied or none.
	SystemMode      string
	SystemModeRange textpos.Range
	// SystemPrompts are system_prompt.prompts, written at
	// SystemPromptsRange.
	SystemPrompts      []string
	SystemPromptsRange textpos.Range
	// MinExamples is the smallest recommended size for Complexity, 0 if
	// unknown.
	MinExamples int
	// Train and Validation are the absolute paths of the plan's
	// output.train and output.validation, "" when not set.
	Train, Validation string
}

// CategoryTarget is one planned category.
type CategoryTarget struct {
	Name  string
	Count int
	Share float64
	Range textpos.Range // the category's entry in the plan
}

// A share is off target when it misses it by more than the settings'
// BalanceTolerance (in share points) and by more than shareRelative of the
// target. Small files are not judged at all.
const (
	shareRelative  = 0.25
	minBalanceRows = 20
)

func init() {
	register(
		&Rule{
			Code: "B001", Name: "category-imbalance", Severity: Warning,
			Needs:   DataRows | DataCategory,
			Summary: "a category's share is off its planned target",
			Doc: Doc{
				What: "Compares each category's share of the categorised rows with the plan's target (its weight over the sum of weights, or its count over size.examples), and with an even split when there is no plan. A share is off when it misses the target by more than 5 percentage points (`balance_tolerance`, 0.05) and by more than a quarter of the target. Files under 20 categorised rows are not judged.",
				Why:  "The model's behaviour follows the mix of its examples: an under-represented category is handled worse, an over-represented one crowds out the rest.",
				Bad:  "returns: 41 of 600 (6.8 %), planned 33 %",
				Good: "returns: 198 of 600 (33 %), planned 33 %",
				Fix:  "Generate examples for the short category (`ftls generate --category returns`), or remove some from the large one.",
			},
			File: checkCategoryBalance,
		},
		&Rule{
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
		},
		&Rule{
			Code: "B003", Name: "multi-turn-share", Severity: Warning,
			Needs:   DataRows | DataTurns,
			Summary: "the share of multi-turn conversations is off the plan",
			Doc: Doc{
				What: "Compares the share of conversations with more than one user turn with the plan's `diversity.multi_turn`, with the same tolerance as B001.",
				Why:  "A model trained on single turns loses the thread in conversations; one trained only on long ones over-elaborates short questions.",
				Bad:  "diversity.multi_turn: 0.3, and 2 % of the rows are multi-turn",
				Good: "about 30 % of the rows continue past the first answer",
				Fix:  "Generate multi-turn examples, or change the plan.",
			},
			File: checkMultiTurnShare,
		},
		&Rule{
			Code: "B004", Name: "system-prompt-variety", Severity: Warning,
			Needs:   DataRows | DataSystem,
			Summary: "system prompts do not follow the plan's approach",
			Doc: Doc{
				What: "With `system_prompt.mode: consistent`, reports a file using more than one system prompt; with `varied`, a file of 20 rows or more using only one; with `none`, rows that have a system prompt.",
				Why:  "The system prompt you deploy with should be the one trained on (consistent), or the model should learn to follow many (varied); an accidental mix gets neither.",
				Bad:  "mode: consistent, and 3 slightly different system prompts",
				Good: "mode: consistent, and one system prompt in every row",
				Fix:  "Make the prompts identical, or change the plan's mode.",
			},
			File: checkSystemVariety,
		},
	)
}

// offTarget reports whether share misses target by more than the
// tolerance.
func offTarget(share, target, tolerance float64) bool {
	d := math.Abs(share - target)
	return d > tolerance && d > shareRelative*target
}

func pct(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }

// planRelated points at a place in the plan file, when there is a plan.
func (f *FileContext) planRelated(rng textpos.Range, msg string) []Related {
	if f.Settings.Plan == nil {
		return nil
	}
	return []Related{{Path: f.Settings.Plan.Path, Range: rng, Message: msg}}
}

// categoryCounts returns the number of rows of each category and their
// total; the map must not be changed.
func (f *FileContext) categoryCounts() (map[string]int, int) {
	g := f.Groups()
	return g.Categories, g.CategoryTotal
}

func checkCategoryBalance(f *FileContext) {
	counts, total := f.categoryCounts()
	if total < minBalanceRows {
		return
	}
	targets := f.categoryTargets(counts)
	for _, t := range targets {
		share := float64(counts[t.Name]) / float64(total)
		if !offTarget(share, t.Share, f.Settings.BalanceTolerance) {
			continue
		}
		planned := "an even share of " + pct(t.Share)
		if f.Settings.Plan != nil {
			planned = "planned " + pct(t.Share)
		}
		f.reportFileRelated("B001", f.planRelated(t.Range, "planned here"), "%s: %d of %d (%s), %s",
			t.Name, counts[t.Name], total, pct(share), planned)
		if n := len(f.diags); n > 0 && f.diags[n-1].Code == "B001" {
			f.diags[n-1].Category = t.Name
		}
	}
}

// categoryTargets returns the plan's categories, or an even split of the
// categories found when there is no plan.
func (f *FileContext) categoryTargets(counts map[string]int) []CategoryTarget {
	if p := f.Settings.Plan; p != nil && len(p.Categories) > 0 {
		return p.Categories
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]CategoryTarget, len(names))
	for i, n := range names {
		out[i] = CategoryTarget{Name: n, Share: 1 / float64(len(names))}
	}
	return out
}

// reportFileRelated records a file-level finding with related places.
func (f *FileContext) reportFileRelated(code string, related []Related, format string, args ...any) {
	f.ReportFile(code, format, args...)
	if n := len(f.diags); n > 0 && f.diags[n-1].Code == code {
		f.diags[n-1].Related = related
	}
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

// renameCategoryFix replaces the row's category string. The row text is
// needed, so the fix is computed on demand.
func renameCategoryFix(f *FileContext, i int, from, to string) *Fix {
	r := f.Rows[i]
	field := f.Settings.CategoryField
	return &Fix{
		Title: fmt.Sprintf("Change category to %q", to),
		Start: r.Offset, End: r.Offset + int64(r.Len),
		convert: func(row []byte) ([]byte, error) { return replaceCategory(row, field, from, to) },
	}
}

func checkMultiTurnShare(f *FileContext) {
	plan := f.Settings.Plan
	if plan == nil || !plan.HasMultiTurn {
		return
	}
	multi, n := 0, 0
	for _, r := range f.Rows {
		if r.UserTurns > 0 {
			n++
			if r.UserTurns > 1 {
				multi++
			}
		}
	}
	if n < minBalanceRows {
		return
	}
	share := float64(multi) / float64(n)
	if offTarget(share, plan.MultiTurn, f.Settings.BalanceTolerance) {
		f.reportFileRelated("B003", f.planRelated(plan.MultiTurnRange, "planned here"),
			"multi-turn conversations: %d of %d (%s), planned %s", multi, n, pct(share), pct(plan.MultiTurn))
	}
}

func checkSystemVariety(f *FileContext) {
	plan := f.Settings.Plan
	if plan == nil || plan.SystemMode == "" {
		return
	}
	variants, with, rows := map[uint64]bool{}, 0, 0
	first := -1
	for i, r := range f.Rows {
		if r.UserTurns == 0 {
			continue
		}
		rows++
		if r.System != 0 {
			variants[r.System] = true
			with++
			if first < 0 {
				first = i
			}
		}
	}
	rel := f.planRelated(plan.SystemModeRange, "mode: "+plan.SystemMode)
	switch plan.SystemMode {
	case "consistent":
		if len(variants) > 1 {
			f.reportFileRelated("B004", rel, "%d different system prompts; the plan asks for one consistent prompt", len(variants))
		}
	case "varied":
		if rows >= minBalanceRows && len(variants) == 1 {
			f.reportFileRelated("B004", rel, "every row uses the same system prompt; the plan asks for varied prompts")
		}
	case "none":
		if with > 0 {
			f.reportFileRelated("B004", rel, "%d rows have a system prompt; the plan says none (first on line %d)", with, f.Line(first))
		}
	}
}
