package diagnostics

func init() {
	register(&Rule{
		Code: "P006", Name: "plan-file-missing", Severity: Warning,
		Summary: "training file named by the plan does not exist",
		Doc: Doc{
			What: "Reports an `output.train` file that does not exist when the plan has no `generation` section. With a `generation` section the file is created by the first generated batch, so its absence is normal and not reported; validation and info files are written by `ftls split` and `ftls info` and are never reported.",
			Why:  "A plan without generation describes a dataset that already exists. If the file it names is missing, the path is most likely wrong, and the plan governs no dataset: balance checks and lint settings never apply.",
			Bad:  "output: {train: trainig_data.jsonl}   # the file is training_data.jsonl",
			Good: "output: {train: training_data.jsonl}",
			Fix:  "Correct the path (relative to the plan's folder), or add a `generation` section if ftls should create the file.",
		},
	})
}
