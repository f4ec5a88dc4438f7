package diagnostics

func init() {
	register(&Rule{
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
	})
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
