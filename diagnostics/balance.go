package diagnostics

// The B family asks whether the dataset has the composition its plan asks
// for: file rules comparing counts with the governing plan (Settings.Plan),
// or with uniform targets when there is none. Each rule is a file of its
// own (b001_category_imbalance.go …); this file holds what they share.

import (
	"fmt"
	"math"
	"sort"

	"github.com/ftls-dev/ftls/internal/textpos"
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
