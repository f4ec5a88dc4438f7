package diagnostics

func init() {
	register(&Rule{
		Code: "Q014", Name: "same-answer", Severity: Off,
		Needs:   DataRows | DataFingerprint,
		Summary: "the same answer to different prompts",
		Doc: Doc{
			What: "Reports a row whose answer (all its assistant turns, whitespace normalised, 40 characters or more) equals an earlier row's while its prompt differs. Exact copies of whole rows are D001's, and a row that is a near duplicate of an earlier one with the answer (D002's measure and threshold, when D002 is on) is a paraphrase, left alone. The diagnostic points at the earlier rows. Off by default: in real datasets nearly every shared answer is paraphrase augmentation (\"Who are you?\" and \"What is your name?\" answered by one identity answer, one fact asked three ways), which no test on the words tells from an answer given to the wrong question; turn it on (`--rule Q014=info`) for a generated dataset whose prompts should all differ.",
			Why:  "One answer to different questions cannot address them all: it is a generator's fallback, a copy-paste slip or a canned reply. The model learns to answer without reading the question.",
			Bad:  `line 3: "How do I reset my password?" and line 40: "How do I change my email?", both answered "Go to Settings > Account and follow the instructions there."`,
			Good: "an answer written for each prompt",
			Fix:  "Rewrite the answers so that each addresses its prompt, or delete the extra rows.",
		},
		File: checkSameAnswer,
	})
}

func checkSameAnswer(f *FileContext) {
	for _, rows := range f.Groups().Answers.Shared() {
		first := int(rows[0])
		// Rows whose prompt an earlier row of the group had are exact
		// duplicates (D001) or repeats of one: only new prompts count.
		prompts := map[uint64]bool{f.Rows[first].Prompt: true}
		var reported []int
		for k, r := range rows[1:] {
			i := int(r)
			if prompts[f.Rows[i].Prompt] || paraphrase(f, i, rows[:k+1]) {
				continue
			}
			prompts[f.Rows[i].Prompt] = true
			reported = append(reported, i)
		}
		for _, i := range reported {
			related := []Related{f.RelatedRow(first, "first row with this answer")}
			for _, j := range rows[1:] {
				if int(j) != i && len(related) < 5 && int(j) < i {
					related = append(related, f.RelatedRow(int(j), "same answer"))
				}
			}
			f.ReportRelated("Q014", i, nil, related, "same answer as line %d to a different prompt (%d rows share it)", f.Line(first), len(rows))
		}
	}
}
