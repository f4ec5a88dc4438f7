package diagnostics

// C020: a dataset with no rows at all (C018 counts too few).

func init() {
	register(&Rule{
		Code: "C020", Name: "empty-file", Severity: Error,
		Summary: "file has no rows",
		Doc: Doc{
			What: "Reports a dataset with no rows: an empty file, a file of blank lines only, or an empty JSON array.",
			Why:  "There is nothing to train on. An empty file is usually a failed export or a redirect that went wrong, and trainers refuse it, often long after the upload.",
			Bad:  "train.jsonl, 0 bytes",
			Good: `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`,
			Fix:  "Write the examples (for instance with `ftls generate`), or check the command that produced the file.",
		},
		File: checkEmptyFile,
	})
}

func checkEmptyFile(f *FileContext) {
	// Blank rows are never JSON objects, so every one of them is kept:
	// the file is empty when all its rows are here and all are blank.
	if len(f.Rows) != f.Tally.Rows {
		return
	}
	for _, r := range f.Rows {
		if !r.Blank {
			return
		}
	}
	switch {
	case f.Array:
		f.ReportFile("C020", "the JSON array is empty: the dataset has no rows")
	case f.Tally.Rows == 0:
		f.ReportFile("C020", "file is empty: the dataset has no rows")
	default:
		f.ReportFile("C020", "file holds only blank lines: the dataset has no rows")
	}
}
