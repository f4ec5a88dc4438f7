package diagnostics

// The D family: examples that repeat other examples.

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/ftls-dev/ftls/dedup"
)

func init() {
	register(
		&Rule{
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
		},
		&Rule{
			Code: "D002", Name: "near-duplicate", Severity: Warning,
			Needs:   DataRows | DataSketch,
			Summary: "a conversation nearly the same as another",
			Doc: Doc{
				What: "Reports rows whose user and assistant text share most of their word 3-grams with another row (estimated Jaccard similarity at or above `near_duplicate_threshold`, 0.85 by default), grouped into clusters. System prompts are left out because they are usually shared by every row. Uses MinHash with locality-sensitive hashing, so the cost grows linearly with the file.",
				Why:  "Near copies, such as the same answer with a different name, or a template filled twice, add little and teach the model a pattern instead of a skill; they also make a validation split optimistic.",
				Bad:  `"Where is my order 123?" / "Your order 123 ships today."  and  "Where is my order 456?" / "Your order 456 ships today."`,
				Good: "one of them, or two genuinely different conversations",
				Fix:  "Rewrite or delete all but one row of each cluster; `ftls split` keeps a cluster on one side.",
			},
			File: checkNearDuplicates,
		},
		&Rule{
			Code: "D003", Name: "conflicting-answers", Severity: Info,
			Needs:   DataRows | DataFingerprint,
			Summary: "the same prompt with a different answer",
			Doc: Doc{
				What: "Notes rows whose turns before the answer (system and user messages) equal an earlier row's while the assistant's answer differs.",
				Why:  "Different answers to one prompt teach the model that either is right. That is fine for deliberate variety, and a bug when one answer is outdated.",
				Bad:  `"What is your refund window?" answered "30 days" on line 4 and "14 days" on line 80`,
				Good: "one consistent answer",
				Fix:  "Keep the answer you want the model to give, or make the prompts differ.",
			},
			File: checkConflictingAnswers,
		},
	)
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

func checkNearDuplicates(f *FileContext) {
	exact := func(a, b int32) bool {
		fa, fb := f.Rows[a].Fingerprint, f.Rows[b].Fingerprint
		return fa != 0 && fa == fb
	}
	var pairs []dedup.Pair
	if f.NearIndex != nil {
		pairs = f.NearIndex.Pairs(f.Settings.NearDuplicate, exact)
	} else {
		sigs := make([]*dedup.Signature, len(f.Rows))
		for i := range f.Rows {
			sigs[i] = f.Rows[i].Sig
		}
		pairs = dedup.Near(sigs, f.Settings.NearDuplicate, exact)
	}
	if len(pairs) == 0 {
		return
	}
	// The clusters are found among the paired rows only, numbered in file
	// order: the server runs this after every pause in typing, and a pass
	// over every row of the file cost more than the rest of the rule.
	rows := pairedRows(pairs)
	local := make(map[int32]int32, len(rows))
	for k, i := range rows {
		local[i] = int32(k)
	}
	linked := make([]dedup.Pair, len(pairs))
	for k, p := range pairs {
		linked[k] = dedup.Pair{A: local[p.A], B: local[p.B]}
	}
	root := dedup.Clusters(len(rows), linked)
	members := map[int32][]int{}
	for k, i := range rows {
		members[root[k]] = append(members[root[k]], int(i))
	}
	best := map[int32]dedup.Pair{} // the strongest link of each row to an earlier one
	for _, p := range pairs {
		if b, ok := best[p.B]; !ok || p.Similarity > b.Similarity {
			best[p.B] = p
		}
	}
	for k, row := range rows {
		p, ok := best[row]
		if !ok {
			continue
		}
		i, group := int(row), members[root[k]]
		related := []Related{f.RelatedRow(int(p.A), fmt.Sprintf("similar (%.2f)", p.Similarity))}
		for _, m := range group {
			if m != i && m != int(p.A) && len(related) < 5 {
				related = append(related, f.RelatedRow(m, "same cluster"))
			}
		}
		f.ReportRelated("D002", i, nil, related, "near-duplicate of line %d (similarity %.2f; cluster of %d rows)",
			f.Line(int(p.A)), p.Similarity, len(group))
	}
}

// pairedRows returns the rows that appear in pairs, in file order.
func pairedRows(pairs []dedup.Pair) []int32 {
	rows := make([]int32, 0, 2*len(pairs))
	for _, p := range pairs {
		rows = append(rows, p.A, p.B)
	}
	slices.Sort(rows)
	return slices.Compact(rows)
}

func checkConflictingAnswers(f *FileContext) {
	for _, rows := range f.Groups().Prompts.Shared() {
		j := int(rows[0])
		for _, r := range rows[1:] {
			if i := int(r); f.Rows[i].Answer != f.Rows[j].Answer {
				f.ReportRelated("D003", i, nil, []Related{f.RelatedRow(j, "same prompt, other answer")},
					"same prompt as line %d with a different answer", f.Line(j))
			}
		}
	}
}

func init() {
	register(&Rule{
		Code: "D004", Name: "train-validation-leak", Severity: Error,
		Needs:   DataRows | DataFingerprint | DataSketch,
		Summary: "a validation example also in the training file",
		Doc: Doc{
			What: "Reports a row of a validation file that is an exact or near duplicate (see D001 and D002) of a row of its training file. Files are paired when `ftls check` is given both (a name containing valid, val, eval, dev or test marks the validation file) or by a plan's `output` section.",
			Why:  "The model has already seen a leaked example, so the validation loss flatters it and hides overfitting: the one number meant to tell you when to stop training is wrong.",
			Bad:  "validation_data.jsonl line 12 repeats training_data.jsonl line 431",
			Good: "every validation example is new to the training run",
			Fix:  "Delete the row from one of the files, or split again with `ftls split`, which keeps duplicates on one side.",
		},
	})
}

// Leakage returns the D004 diagnostics of a validation file whose rows are
// valid against a training file at trainPath with rows train.
func Leakage(s *Settings, trainPath string, train, valid []RowInfo) []Diagnostic {
	sev := s.Severity("D004")
	if sev == Off {
		return nil
	}
	byPrint := map[uint64]int{}
	for i, r := range train {
		if r.Fingerprint != 0 {
			if _, ok := byPrint[r.Fingerprint]; !ok {
				byPrint[r.Fingerprint] = i
			}
		}
	}
	name := "the training file"
	if trainPath != "" {
		name += " " + filepath.Base(trainPath)
	}
	var out []Diagnostic
	report := func(v, t int, msg string) {
		out = append(out, Diagnostic{
			Code: "D004", Severity: sev, Message: msg,
			Range: valid[v].Range, Offset: valid[v].Offset,
			Related: []Related{{Path: trainPath, Range: train[t].Range, Message: "the training example"}},
		})
	}
	leaked := map[int]bool{}
	for i, r := range valid {
		if t, ok := byPrint[r.Fingerprint]; ok && r.Fingerprint != 0 {
			leaked[i] = true
			report(i, t, fmt.Sprintf("also in %s at line %d", name, train[t].Range.Start.Line+1))
		}
	}
	// Near duplicates: one LSH pass over both files, keeping only pairs
	// that cross from validation to training.
	sigs := make([]*dedup.Signature, 0, len(train)+len(valid))
	for _, r := range train {
		sigs = append(sigs, r.Sig)
	}
	for _, r := range valid {
		sigs = append(sigs, r.Sig)
	}
	n := int32(len(train))
	cross := func(a, b int32) bool { return (a < n) == (b < n) || leaked[int(max(a, b)-n)] }
	best := map[int32]dedup.Pair{}
	for _, p := range dedup.Near(sigs, s.NearDuplicate, cross) {
		v := max(p.A, p.B) - n
		if b, ok := best[v]; !ok || p.Similarity > b.Similarity {
			best[v] = p
		}
	}
	for i := range valid {
		if p, ok := best[int32(i)]; ok {
			t := int(min(p.A, p.B))
			report(i, t, fmt.Sprintf("near-duplicate of %s at line %d (similarity %.2f)", name, train[t].Range.Start.Line+1, p.Similarity))
		}
	}
	return out
}
