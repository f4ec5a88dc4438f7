package diagnostics

func init() {
	register(&Rule{
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
	})
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
