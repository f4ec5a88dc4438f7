package diagnostics

func init() {
	register(&Rule{
		Code: "C019", Name: "metadata-key", Severity: Info,
		Summary: "rows carry the metadata key, which OpenAI does not accept",
		Doc: Doc{
			What: "With `--target openai`, notes once per file that rows carry the configured metadata key (`metadata` by default), where ftls keeps categories and other bookkeeping.",
			Why:  "OpenAI rejects unknown top-level keys. The key is useful while building the dataset, so ftls does not flag each row; strip it when you upload.",
			Bad:  `{"messages": [...], "metadata": {"category": "returns"}}   (uploaded as is)`,
			Good: "ftls export --target openai train.jsonl -o upload.jsonl",
			Fix:  "Run `ftls export --target openai FILE -o OUT` and upload OUT.",
		},
		File: checkMetadataNote,
	})
}

func checkMetadataNote(f *FileContext) {
	if f.Settings.Target != TargetOpenAI || f.Settings.MetadataKey == "" {
		return
	}
	if n := f.Tally.Metadata; n > 0 {
		verb := "carry"
		if n == 1 {
			verb = "carries"
		}
		f.ReportFile("C019", "%s %s %q, which OpenAI rejects; upload the output of `ftls export --target openai FILE -o OUT`", plural(n, "row"), verb, f.Settings.MetadataKey)
	}
}
