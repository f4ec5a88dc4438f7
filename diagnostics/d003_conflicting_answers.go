package diagnostics

func init() {
	register(&Rule{
		Code: "D003", Name: "conflicting-answers", Severity: Info,
		Needs:   DataRows | DataFingerprint,
		Summary: "the same prompt with a different answer",
		Doc: Doc{
			What: "Notes rows whose turns before the answer (system and user messages) equal an earlier row's while the assistant's answer differs.",
			Why:  "Different answers to one prompt teach the model that either is right. That is fine for deliberate variety, and a bug when one answer is outdated.",
			Bad:  `"What is your refund window?" answered "30 days" on line 4 and "14 days" on line 80`,
			Good: "one consistent answer",
			Fix:  "Keep the answer you want the model to give, or make the prompts differ.",
		},
		File: checkConflictingAnswers,
	})
}

func checkConflictingAnswers(f *FileContext) {
	for _, rows := range f.Groups().Prompts.Shared() {
		j := int(rows[0])
		for _, r := range rows[1:] {
			if i := int(r); f.Rows[i].Answer != f.Rows[j].Answer {
				f.ReportRelated("D003", i, nil, []Related{f.RelatedRow(j, "same prompt, other answer")},
					"same prompt as line %d with a different answer", f.Line(j))
			}
		}
	}
}
