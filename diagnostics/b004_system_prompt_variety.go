package diagnostics

func init() {
	register(&Rule{
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
	})
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
