package info

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
)

// nextSteps chooses what to do next from what the report found, most
// urgent first, and ends with the steps every dataset goes through before
// and during training.
func nextSteps(r *Report) []string {
	var s []string
	add := func(format string, args ...any) { s = append(s, fmt.Sprintf(format, args...)) }
	train := strings.Join(r.trainNames(), " ")
	if train == "" {
		train = "FILE"
	}
	var all []string
	for _, f := range r.Files {
		if !f.Missing {
			all = append(all, f.Name)
		}
	}
	files := strings.Join(all, " ")

	if r.Errors > 0 {
		add("Fix the %s before anything else: `ftls fix %s` repairs what can be repaired safely, and `ftls check %s` lists what is left.",
			count(r.Errors, "error", "errors"), files, files)
	}
	if r.Leaked > 0 {
		add("%s of the validation file also %s in training (D004): move them back into the training file and split again with `ftls split %s`, so validation only holds examples the model has not seen.",
			count(r.Leaked, "example", "examples"), verb(r.Leaked, "appears", "appear"), train)
	}
	if r.Exact > 0 {
		add("Delete the %s (D001): a repeated example weighs more in training and teaches nothing new.", count(r.Exact, "exact duplicate", "exact duplicates"))
	}
	if r.Near > 0 {
		add("Go through the %s (D002) and keep the best example of each group.", count(r.Near, "near-duplicate", "near-duplicates"))
	}

	split := 0.1
	if r.Opts.Plan != nil {
		split = r.Opts.Plan.Validation.Split
	}
	// ftls split reads JSON Lines: a JSON array file is exported first.
	splitFile, export := train, ""
	if ext := filepath.Ext(train); strings.EqualFold(ext, ".json") {
		splitFile = strings.TrimSuffix(train, ext) + ".jsonl"
		export = fmt.Sprintf("convert the JSON array to JSON Lines with `ftls export %s -o %s`, then ", train, splitFile)
	}
	if v, ok := r.missingValidation(); ok && r.TrainExamples > 0 {
		add("Hold out a validation set: %s`ftls split %s` moves %s of each category into %s, keeping duplicates on one side.", export, splitFile, pct(split), v.Name)
	} else if !r.hasValidation() && r.TrainExamples >= 20 {
		add("Hold out 10-20 %% of the examples for validation: %s`ftls split %s` moves %s of each category into a validation file.", export, splitFile, pct(split))
	} else if vs := r.ValidationShare(); vs >= 0 && (vs < 0.10 || vs > 0.20) {
		add("The validation file holds %s of the examples; 10-20 %% is the usual range (B006).", pct(vs))
	}

	if t := r.Targets; t != nil {
		if t.Actual < t.Examples {
			msg := fmt.Sprintf("The plan asks for %s and the files hold %s: %s to go.", num(t.Examples, "example", "examples"), num(t.Actual, "", ""), num(t.Examples-t.Actual, "", ""))
			if short := shortCategories(r.Categories); short != "" {
				msg += " Most missing: " + short + "."
			}
			if r.Opts.Generate {
				msg += " `ftls generate` writes new examples for the categories that are short."
			}
			s = append(s, msg)
		} else if t.MinRecommended > 0 && t.Actual < t.MinRecommended {
			add("A %s task usually needs at least %s; the files hold %s.", t.Complexity, num(t.MinRecommended, "example", "examples"), num(t.Actual, "", ""))
		}
		if r.MultiTurn+r.SingleTurn >= 20 && OffTarget(t.ActualMultiTurn, t.MultiTurn) {
			if t.ActualMultiTurn < t.MultiTurn {
				add("Only %s of the conversations are multi-turn, against %s planned: add conversations that go on after the first answer.", pct(t.ActualMultiTurn), pct(t.MultiTurn))
			} else {
				add("%s of the conversations are multi-turn, against %s planned: add single-turn examples or change diversity.multi_turn.", pct(t.ActualMultiTurn), pct(t.MultiTurn))
			}
		}
		switch {
		case t.SystemMode == "consistent" && t.SystemActual > 1:
			add("The plan wants one system prompt and the files use %d: make them identical, since the model will be deployed with one.", t.SystemActual)
		case t.SystemMode == "varied" && t.SystemActual == 1 && r.Examples >= 20:
			add("The plan wants varied system prompts and every example uses the same one.")
		case t.SystemMode == "none" && t.SystemActual > 0:
			add("The plan wants no system prompt and %d %s one.", r.WithSystem, verb(r.WithSystem, "example has", "examples have"))
		}
	}
	if r.Cost.Truncated > 0 {
		add("%s longer than %s's limit of %s tokens and would be cut off in training (Q001): shorten or split %s.",
			count(r.Cost.Truncated, "example is", "examples are"), r.Opts.Model, num(r.Cost.Limit, "", ""), verb(r.Cost.Truncated, "it", "them"))
	}
	for _, f := range r.Findings {
		if f.Code == "C019" {
			add("OpenAI rejects the %q key the rows carry: upload the output of `ftls export %s -o upload.jsonl` instead of the file itself.", metadataKey(r), firstWord(train))
		}
	}

	// The steps every dataset goes through.
	add("Read a sample of %s from start to finish, looking for answers you would not want the model to give.", firstWord(train))
	if r.Cost.Examples > 0 {
		add("Load the files into your trainer. On OpenAI, %s train for %d %s by default, about %s billed tokens%s; set the epochs yourself if the loss says otherwise.",
			num(r.Cost.Examples, "example", "examples"), r.Cost.Epochs, verb(r.Cost.Epochs, "epoch", "epochs"), num64(r.Cost.Billed), currentCost(r.Cost))
	}
	if r.hasValidation() {
		add("While training, compare the validation loss with the training loss: when validation stops improving while training keeps dropping, the model is memorising; train for fewer epochs.")
	} else {
		add("While training, watch the loss; without a validation file you cannot tell learning from memorising, which is one more reason to split.")
	}
	return s
}

// shortCategories names the planned categories furthest below their
// planned count, with what they lack.
func shortCategories(cats []CategoryLine) string {
	type gap struct {
		name string
		n    int
	}
	var gaps []gap
	for _, c := range cats {
		if c.InPlan && c.Total < c.Planned {
			gaps = append(gaps, gap{c.Name, c.Planned - c.Total})
		}
	}
	sort.SliceStable(gaps, func(i, j int) bool { return gaps[i].n > gaps[j].n })
	var parts []string
	for i, g := range gaps {
		if i == 4 {
			rest := len(gaps) - i
			parts = append(parts, fmt.Sprintf("and %d more %s", rest, verb(rest, "category", "categories")))
			break
		}
		parts = append(parts, fmt.Sprintf("%s (%d)", g.name, g.n))
	}
	return strings.Join(parts, ", ")
}

func currentCost(c Cost) string {
	for _, row := range c.Rows {
		if row.Current && row.PerMTok >= 0 {
			return fmt.Sprintf(", %s on %s", usd(row.USD), row.Model)
		}
	}
	return ""
}

func metadataKey(r *Report) string {
	if r.Opts.MetadataKey != "" {
		return r.Opts.MetadataKey
	}
	return "metadata"
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
