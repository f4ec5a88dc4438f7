package diagnostics

func init() {
	register(&Rule{
		Code: "D004", Name: "train-validation-leak", Severity: Error,
		Needs:   DataRows | DataFingerprint | DataSketch,
		Summary: "a validation example also in the training file",
		Doc: Doc{
			What: "Reports a row of a validation file that is an exact or near duplicate (see D001 and D002) of a row of its training file. Files are paired when `ftls check` is given both (a name containing valid, val, eval, dev or test marks the validation file) or by a plan's `output` section.",
			Why:  "The model has already seen a leaked example, so the validation loss flatters it and hides overfitting: the one number meant to tell you when to stop training is wrong.",
			Bad:  "validation_data.jsonl line 12 repeats training_data.jsonl line 431",
			Good: "every validation example is new to the training run",
			Fix:  "Delete the row from one of the files, or split again with `ftls split`, which keeps duplicates on one side.",
		},
	})
}
