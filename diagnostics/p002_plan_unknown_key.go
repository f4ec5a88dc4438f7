package diagnostics

func init() {
	register(&Rule{
		Code: "P002", Name: "plan-unknown-key", Severity: Warning, Fixable: true,
		Summary: "plan key that the schema does not know",
		Doc: Doc{
			What: "Reports a key that has no meaning at its place in the plan, usually a typo or a key written under the wrong section. When a known key is close in spelling, the message names it and a fix renames the key; when the key exists in another section, the message says where.",
			Why:  "An unknown key is ignored, so the setting it was meant to carry silently keeps its default: a misspelled `batch_sise` leaves the batch size at 50.",
			Bad:  "generation:\n  temprature: 0.7",
			Good: "generation:\n  temperature: 0.7",
			Fix:  "Renames the key to the suggested one. Without a suggestion, move the key to the section it belongs to or delete it.",
		},
	})
}
