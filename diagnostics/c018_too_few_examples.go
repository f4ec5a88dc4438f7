package diagnostics

func init() {
	register(&Rule{
		Code: "C018", Name: "too-few-examples", Severity: Error,
		Summary: "fewer examples than the target accepts",
		Doc: Doc{
			What: "With `--target openai`, reports a file with fewer than 10 examples.",
			Why:  "OpenAI's fine-tuning endpoint refuses such a file, after the upload.",
			Bad:  "a training file with 5 rows",
			Good: "a training file with at least 10 rows (50–100 is where results start to show)",
			Fix:  "Add examples, for instance with `ftls generate`.",
		},
		File: checkTooFew,
	})
}

func checkTooFew(f *FileContext) {
	const minExamples = 10
	if f.Settings.Target != TargetOpenAI {
		return
	}
	if n := f.Examples(); n > 0 && n < minExamples {
		f.ReportFile("C018", "file has %s; OpenAI fine-tuning requires at least %d", plural(n, "example"), minExamples)
	}
}
