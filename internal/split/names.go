package split

import (
	"path/filepath"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
)

// ValidationName derives the validation file's name from the training
// file's: the word "training" or "train" becomes "validation"
// (training_data.jsonl -> validation_data.jsonl, TrainSet.jsonl ->
// ValidationSet.jsonl); a name without that word gets "_validation"
// before its extension (data.jsonl -> data_validation.jsonl). Both names
// are ones `ftls check` pairs for D004 and B006.
func ValidationName(path string) string {
	dir, base := filepath.Split(path)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	lower := strings.ToLower(stem)
	for _, word := range []string{"training", "train"} {
		for from := 0; ; {
			i := strings.Index(lower[from:], word)
			if i < 0 {
				break
			}
			i += from
			end := i + len(word)
			before := i == 0 || !isLetter(stem[i-1])
			after := end == len(stem) || !isLetter(stem[end]) || isUpper(stem[end]) && !isUpper(stem[end-1])
			if before && after {
				repl := "validation"
				switch {
				case strings.ToUpper(stem[i:end]) == stem[i:end]:
					repl = "VALIDATION"
				case isUpper(stem[i]):
					repl = "Validation"
				}
				return dir + stem[:i] + repl + stem[end:] + ext
			}
			from = i + 1
		}
	}
	return dir + stem + "_validation" + ext
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isUpper(c byte) bool  { return c >= 'A' && c <= 'Z' }

// CheckSettings returns s with every rule off and the row data Assign
// reads asked for: each row's category, fingerprints and near-duplicate
// signatures. The check that feeds a split reports nothing, so the rules
// would only cost time.
func CheckSettings(s *diagnostics.Settings) *diagnostics.Settings {
	c := s.Clone()
	for _, r := range diagnostics.All() {
		c.Severities[r.Code] = diagnostics.Off
	}
	c.Data |= diagnostics.DataRows | diagnostics.DataCategory | diagnostics.DataFingerprint | diagnostics.DataSketch
	c.CountTokens = false
	return c
}
