package diagnostics

func init() {
	register(&Rule{
		Code: "P005", Name: "plan-output-escapes", Severity: Error,
		Summary: "output path leaves the plan's folder",
		Doc: Doc{
			What: "Reports an `output` path (train, validation or info file) that is absolute, that climbs out of the plan's folder with `..`, or that goes through a symbolic link pointing outside that folder.",
			Why:  "ftls writes these files when it generates, splits and documents a dataset. A plan copied from somewhere else must not be able to make it overwrite files elsewhere on the machine, and a plan that names files by absolute path breaks for everyone else who checks out the project.",
			Bad:  "output: {train: /home/me/data/train.jsonl}",
			Good: "output: {train: data/train.jsonl}",
			Fix:  "Write the path relative to the folder of the plan file, and keep the files below it.",
		},
	})
}
