package diagnostics

func init() {
	register(&Rule{
		Code: "D001", Name: "exact-duplicate", Severity: Warning, Fixable: true,
		Needs:   DataRows | DataFingerprint,
		Summary: "the same conversation appears earlier in the file",
		Doc: Doc{
			What: "Reports a row whose conversation (roles, text and tool definitions) equals an earlier row's once whitespace is normalised; JSON key order and metadata do not matter. The diagnostic points at the first copy.",
			Why:  "A repeated example is trained on twice as hard, skewing the model towards it, and it tells you nothing new; copies usually come from merging files or re-running a generator.",
			Bad:  "line 3 and line 9 both hold {\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}]}",
			Good: "keep line 3, delete line 9",
			Fix:  "Deletes the later copy.",
		},
		File: checkExactDuplicates,
	})
}

func checkExactDuplicates(f *FileContext) {
	for _, rows := range f.Groups().Prints.Shared() {
		j := int(rows[0])
		for _, r := range rows[1:] {
			i := int(r)
			f.ReportRelated("D001", i, f.DeleteRowFix("Delete this duplicate", i),
				[]Related{f.RelatedRow(j, "first copy")},
				"duplicate of line %d", f.Line(j))
		}
	}
}
