package main

import (
	"path/filepath"
	"regexp"
	"strings"
)

// validationName matches the file names people give validation sets:
// validation_data.jsonl, valid.jsonl, lora-valid.jsonl, eval.jsonl,
// dev.jsonl, test_set.jsonl.
var validationName = regexp.MustCompile(`(^|[^a-z])(valid|validation|val|eval|evaluation|dev|test)([^a-z]|$)`)

func isValidationFile(path string) bool {
	base := strings.ToLower(strings.TrimSuffix(filepath.Base(path), filepath.Ext(path)))
	return validationName.MatchString(base)
}

// trainValidationPairs pairs each validation file among paths with the
// training files checked alongside it: those in the same folder, or every
// other file when its folder has none. It returns, for each validation
// file's index, the indexes of its training files.
func trainValidationPairs(paths []string) map[int][]int {
	pairs := map[int][]int{}
	for v, vp := range paths {
		if !isValidationFile(vp) {
			continue
		}
		var sameDir, others []int
		for t, tp := range paths {
			if t == v || isValidationFile(tp) {
				continue
			}
			if filepath.Dir(tp) == filepath.Dir(vp) {
				sameDir = append(sameDir, t)
			} else {
				others = append(others, t)
			}
		}
		if len(sameDir) > 0 {
			pairs[v] = sameDir
		} else if len(others) > 0 {
			pairs[v] = others
		}
	}
	return pairs
}
