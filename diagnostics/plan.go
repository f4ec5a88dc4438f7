package diagnostics

// The P family: problems in a dataset plan file (*.plan.yaml), and the two
// balance rules (B005, B006) that compare a plan's numbers with the size and
// split recommendations.
//
// The checks themselves live in package plan, which parses the YAML with
// positions; these entries give the rules their codes, severities and
// documentation. B005 and B006 have no row or file function yet: the plan
// validator reports them on the plan entry, and the cross-row engine will
// report them on datasets.

func init() {
	register(
		&Rule{
			Code: "P001", Name: "plan-yaml-syntax", Severity: Error,
			Summary: "plan file is not valid YAML",
			Doc: Doc{
				What: "Reports a plan file that the YAML parser cannot read: bad indentation, a tab used for indentation, an unclosed quote or bracket, a value containing `: ` that is not quoted, a key written twice in the same mapping, text that is not UTF-8, or a second YAML document in the file. The finding points at the line where the problem starts.",
				Why:  "Nothing in a plan that does not parse can be used: balance checks, generation, splitting and statistics all fall back to defaults, so the dataset is checked against a plan you did not write.",
				Bad:  "style:\n  tone: friendly\n response_length: brief",
				Good: "style:\n  tone: friendly\n  response_length: brief",
				Fix:  "Correct the YAML at the reported line. Indent with spaces only, and quote values that contain `: ` or start with a special character such as `@`, `*` or `&`.",
			},
		},
		&Rule{
			Code: "P002", Name: "plan-unknown-key", Severity: Warning, Fixable: true,
			Summary: "plan key that the schema does not know",
			Doc: Doc{
				What: "Reports a key that has no meaning at its place in the plan, usually a typo or a key written under the wrong section. When a known key is close in spelling, the message names it and a fix renames the key; when the key exists in another section, the message says where.",
				Why:  "An unknown key is ignored, so the setting it was meant to carry silently keeps its default: a misspelled `batch_sise` leaves the batch size at 50.",
				Bad:  "generation:\n  temprature: 0.7",
				Good: "generation:\n  temperature: 0.7",
				Fix:  "Renames the key to the suggested one. Without a suggestion, move the key to the section it belongs to or delete it.",
			},
		},
		&Rule{
			Code: "P003", Name: "plan-invalid-value", Severity: Error, Fixable: true,
			Summary: "plan value of the wrong type, out of range, or not an allowed choice",
			Doc: Doc{
				What: "Reports a value the schema does not accept: text where a number is needed, a share outside 0-1, a batch size outside 10-100, a choice that is not in the allowed list (the message lists them), a missing `version` or a version other than 1, a category without a name, an output path that is empty, and settings that contradict each other (a `consistent` system prompt with several prompts, expertise shares that do not add up to 1, the same file for training and validation).",
				Why:  "An invalid value is dropped and replaced by the default, so generation and checks would run with a setting you did not choose.",
				Bad:  "size: {examples: 600, complexity: hard}",
				Good: "size: {examples: 600, complexity: complex}",
				Fix:  "Use a value the message allows. A misspelled choice is replaced by the closest allowed one, a missing version is inserted, and a single value where a list is expected is wrapped in brackets.",
			},
		},
		&Rule{
			Code: "P004", Name: "plan-invalid-weights", Severity: Error,
			Summary: "category weights or counts that cannot be satisfied",
			Doc: Doc{
				What: "Reports category weights and counts that do not describe a distribution: a negative or non-numeric weight or count, weights that are all zero, a category that sets both `weight` and `count`, two categories with the same name, explicit counts that add up to more than `size.examples` (or that use up every example while other categories still have weights, or that fall short of `size.examples` when every category has a count), and a weight so small that its category gets no example at all.",
				Why:  "Generation targets and the balance check (B001) are computed from these numbers. When they contradict each other, one category is starved or the plan asks for more examples than it sizes.",
				Bad:  "size: {examples: 500}\ncategories:\n  - {name: returns, count: 400}\n  - {name: billing, count: 300}",
				Good: "size: {examples: 700}\ncategories:\n  - {name: returns, count: 400}\n  - {name: billing, count: 300}",
				Fix:  "Weights are relative: a category with weight 2 gets twice the share of one with weight 1. Use `count` only for categories that need an exact number; the examples left over are shared by the weighted categories.",
			},
		},
		&Rule{
			Code: "P005", Name: "plan-output-escapes", Severity: Error,
			Summary: "output path leaves the plan's folder",
			Doc: Doc{
				What: "Reports an `output` path (train, validation or info file) that is absolute, that climbs out of the plan's folder with `..`, or that goes through a symbolic link pointing outside that folder.",
				Why:  "ftls writes these files when it generates, splits and documents a dataset. A plan copied from somewhere else must not be able to make it overwrite files elsewhere on the machine, and a plan that names files by absolute path breaks for everyone else who checks out the project.",
				Bad:  "output: {train: /home/me/data/train.jsonl}",
				Good: "output: {train: data/train.jsonl}",
				Fix:  "Write the path relative to the folder of the plan file, and keep the files below it.",
			},
		},
		&Rule{
			Code: "P006", Name: "plan-file-missing", Severity: Warning,
			Summary: "training file named by the plan does not exist",
			Doc: Doc{
				What: "Reports an `output.train` file that does not exist when the plan has no `generation` section. With a `generation` section the file is created by the first generated batch, so its absence is normal and not reported; validation and info files are written by `ftls split` and `ftls info` and are never reported.",
				Why:  "A plan without generation describes a dataset that already exists. If the file it names is missing, the path is most likely wrong, and the plan governs no dataset: balance checks and lint settings never apply.",
				Bad:  "output: {train: trainig_data.jsonl}   # the file is training_data.jsonl",
				Good: "output: {train: training_data.jsonl}",
				Fix:  "Correct the path (relative to the plan's folder), or add a `generation` section if ftls should create the file.",
			},
		},
		&Rule{
			Code: "B005", Name: "dataset-too-small", Severity: Warning,
			Summary: "dataset size below the recommendation for its complexity",
			Doc: Doc{
				What: "Compares a dataset's planned size (`size.examples` in the plan) with the usual minimum for the task's complexity: 100 examples for simple tasks (100-500 is typical), 500 for medium ones (500-2,000), 2,000 for complex ones (2,000-10,000 or more) and 1,000 for domain adaptation (1,000-5,000). The message gives both numbers.",
				Why:  "Below these sizes a fine-tune tends to copy the surface of its few examples instead of learning the behaviour, and cannot cover the scenarios and edge cases the task has. More is not automatically better, though: a few hundred varied examples beat thousands of near-copies.",
				Bad:  "size: {examples: 200, complexity: complex}",
				Good: "size: {examples: 2000, complexity: complex}",
				Fix:  "Raise `size.examples`, or set `size.complexity` to what the task really is. Grow the dataset in batches and review each one.",
			},
			File: checkDatasetSize,
		},
		&Rule{
			Code: "B006", Name: "validation-split-off", Severity: Warning,
			Needs:   DataRows,
			Summary: "validation share outside 10-20 %",
			Doc: Doc{
				What: "Reports a validation share outside 10-20 % of all examples: `validation.split` in a plan, or the size of the validation file next to the training file.",
				Why:  "With less than a tenth held out, validation loss is too noisy to show overfitting; with more than a fifth, examples that could teach the model sit unused.",
				Bad:  "validation: {split: 0.05}",
				Good: "validation: {split: 0.1}",
				Fix:  "Set `validation.split` between 0.1 and 0.2, then split again with `ftls split`.",
			},
		},
	)
}

// checkDatasetSize is B005 on a dataset governed by a plan: the examples
// the file holds against the recommendation for the plan's complexity.
// The recommendation is for training sets: a validation file is exempt.
func checkDatasetSize(f *FileContext) {
	p := f.Settings.Plan
	if p == nil || p.MinExamples == 0 || f.Validation {
		return
	}
	if n := f.Examples(); n < p.MinExamples {
		f.reportFileRelated("B005", f.planRelated(p.SizeRange, "size.examples"),
			"dataset has %d examples; a %s task needs at least %d (the plan asks for %d)", n, p.Complexity, p.MinExamples, p.Examples)
	}
}

// ValidationShare returns B006 for a validation file of validN examples
// next to a training file of trainN, placed on the validation file's first
// row.
func ValidationShare(s *Settings, trainN int, valid []RowInfo) []Diagnostic {
	sev := s.Severity("B006")
	validN := 0
	for _, r := range valid {
		if r.Object {
			validN++
		}
	}
	if sev == Off || trainN+validN == 0 || validN == 0 {
		return nil
	}
	share := float64(validN) / float64(trainN+validN)
	if share >= 0.10 && share <= 0.20 {
		return nil
	}
	f := NewFileContext(s, valid, TallyOf(valid))
	f.ReportFile("B006", "validation holds %d of %d examples (%s); hold out 10-20 %%", validN, trainN+validN, pct(share))
	return f.diags
}
