// Package pairing decides which training file a validation file is checked
// against for leakage (D004) and its share of the examples (B006).
//
// The command line and the language server both ask this package, so a
// validation file gets the same partner in `ftls check` and in the editor:
//
//   - a plan that names the file as its validation output pairs it with
//     the plan's training output, whatever the names (Plan);
//   - otherwise the file's name decides: a validation file (IsValidation)
//     pairs with the training file of the same folder whose name has the
//     same stem once the role words are taken out (foo-train.jsonl and
//     foo-valid.jsonl, training_set.jsonl and validation_set.jsonl,
//     train.jsonl and valid.jsonl), or with the only training file of its
//     folder when no name matches (Partner).
//
// A validation file has at most one training file, so B006 is reported
// once per pair, and unrelated files of a shared folder are never compared.
package pairing

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/plan"
)

// validationName matches the names people give validation sets:
// validation_data.jsonl, valid.jsonl, lora-valid.jsonl, eval.jsonl,
// dev.jsonl, test_set.jsonl.
var validationName = regexp.MustCompile(`(^|[^a-z])(valid|validation|val|eval|evaluation|dev|test)([^a-z]|$)`)

// roleWords are the words taken out of a name to find its stem.
var roleWords = map[string]bool{
	"valid": true, "validation": true, "val": true, "eval": true, "evaluation": true, "dev": true, "test": true,
	"train": true, "training": true, "trn": true,
}

var wordSep = regexp.MustCompile(`[^a-z0-9]+`)

func base(path string) string {
	return strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
}

// IsValidation reports whether the name of the file at path is a
// validation set's name.
func IsValidation(path string) bool {
	if path == "" {
		return false
	}
	return validationName.MatchString(base(path))
}

// Stem returns the words of the file's name without its role words
// (train, training, valid, validation, val, eval, dev, test), joined by
// "-": "foo" for foo-train.jsonl and foo_valid.jsonl, "set" for
// training_set.jsonl, "" for train.jsonl and valid.jsonl.
func Stem(path string) string {
	var words []string
	for _, w := range wordSep.Split(base(path), -1) {
		if w != "" && !roleWords[w] {
			words = append(words, w)
		}
	}
	return strings.Join(words, "-")
}

// Partner returns the training file, among candidates, that the
// validation file valid is checked against, or "" when there is none.
// Candidates in valid's folder come first; only when there are none are
// the others considered (files given together on a command line). Among
// them, the one whose Stem is valid's wins; without a match, the only
// candidate when there is exactly one. Validation files and valid itself
// are never partners.
func Partner(valid string, candidates []string) string {
	if !IsValidation(valid) {
		return ""
	}
	var same, others []string
	for _, c := range candidates {
		if c == "" || sameFile(c, valid) || IsValidation(c) {
			continue
		}
		if filepath.Dir(c) == filepath.Dir(valid) {
			same = append(same, c)
		} else {
			others = append(others, c)
		}
	}
	pool := same
	if len(pool) == 0 {
		pool = others
	}
	pool = dedupe(pool)
	stem := Stem(valid)
	for _, c := range pool {
		if Stem(c) == stem {
			return c
		}
	}
	if len(pool) == 1 {
		return pool[0]
	}
	return ""
}

// Pairs pairs the files given together: for each validation file's index
// in paths, the index of its training file (Partner among paths).
func Pairs(paths []string) map[int]int {
	out := map[int]int{}
	for v, vp := range paths {
		if !IsValidation(vp) {
			continue
		}
		if t := Partner(vp, paths); t != "" {
			out[v] = slices.Index(paths, t)
		}
	}
	return out
}

// Folder returns the training file on disk (a .jsonl or .ndjson file, or a .json
// file holding an array, of valid's folder) that valid pairs with, or "". extra adds files
// that are not on disk yet, such as documents open in an editor.
func Folder(valid string, extra ...string) string {
	if !IsValidation(valid) {
		return ""
	}
	dir := filepath.Dir(valid)
	var candidates []string
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if e.IsDir() || !isDatasetName(e.Name()) && !isArrayFile(p) {
				continue
			}
			candidates = append(candidates, p)
		}
	}
	for _, x := range extra {
		if filepath.Dir(x) == dir {
			candidates = append(candidates, x)
		}
	}
	return Partner(valid, candidates)
}

func isDatasetName(name string) bool {
	if strings.HasSuffix(name, plan.Suffix) {
		return false
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jsonl", ".ndjson":
		return true
	}
	return false
}

// isArrayFile reports whether path is a .json file holding an array of
// rows.
func isArrayFile(path string) bool {
	if strings.ToLower(filepath.Ext(path)) != ".json" {
		return false
	}
	ok, _ := dataset.FileIsArray(path)
	return ok
}

// Plan returns the training output of p when p names path as its
// validation output, or "".
func Plan(p *plan.Plan, path string) string {
	if p == nil || p.Output.Train == "" {
		return ""
	}
	if _, isValid := p.Governs(path); !isValid {
		return ""
	}
	return p.OutputPath(p.Output.Train)
}

func sameFile(a, b string) bool {
	if a == b {
		return true
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == bb
}

func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.ContainsFunc(out, func(o string) bool { return sameFile(o, s) }) {
			out = append(out, s)
		}
	}
	return out
}
