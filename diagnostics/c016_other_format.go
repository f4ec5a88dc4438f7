package diagnostics

import "github.com/ftls-dev/ftls/internal/dataset"

func init() {
	register(&Rule{
		Code: "C016", Name: "other-format", Severity: Error, Fixable: true,
		Summary: "row is in another format than the file",
		Doc: Doc{
			What: "Reports a row whose format differs from the one expected: chat messages with `--target openai`, else the file's most frequent format. With `--target openai`, a file with no chat row at all (a whole Alpaca or ShareGPT dataset) is reported once, on its first row, with the `ftls export` command that converts it.",
			Why:  "A trainer reads a whole file with one schema; a row in another shape fails to load or is skipped.",
			Bad:  `{"instruction": "Say hi", "input": "", "output": "Hi!"}   (in a chat file)`,
			Good: `{"messages": [{"role": "user", "content": "Say hi"}, {"role": "assistant", "content": "Hi!"}]}`,
			Fix:  "ShareGPT, Alpaca, prompt/completion and raw ChatML rows are converted to chat messages; other keys are kept. A whole file in another format is converted by `ftls export --target openai FILE -o OUT`.",
		},
		File: checkOtherFormat,
	})
}

func checkOtherFormat(f *FileContext) {
	want := f.Dominant
	if f.Settings.Target == TargetOpenAI {
		want = dataset.Chat
	}
	if want == dataset.Unknown {
		return
	}
	if whole := otherFormats(f, want); whole != "" {
		// Not one stray row but a file in another format: said once, with
		// the command that converts it, instead of once per row.
		f.ReportFile("C016", "all %s rows are in %s format; OpenAI fine-tuning needs chat messages: convert the file with `ftls export --target openai FILE -o OUT`", thousands(f.Examples()-f.FormatCounts[dataset.Unknown]), whole)
		return
	}
	for i, r := range f.Rows {
		if !r.Object || r.Format == want || r.Format == dataset.Unknown {
			continue
		}
		why := "the file's rows are " + want.Title()
		if f.Settings.Target == TargetOpenAI {
			why = "OpenAI fine-tuning needs chat messages"
		}
		var fix *Fix
		if want == dataset.Chat && r.Convertible {
			fix = &Fix{Title: "Convert to chat messages", Start: r.Offset, End: r.Offset + int64(r.Len), convert: convertRow}
		}
		f.ReportRow("C016", i, fix, "row is in %s format; %s", r.Format.Title(), why)
	}
}
