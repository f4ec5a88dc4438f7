package plan

import (
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
)

// normalizeKey folds the spelling differences that are not typos: case,
// and dashes or spaces written for underscores.
func normalizeKey(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.NewReplacer("-", "_", " ", "_").Replace(s)
}

// suggest returns the candidate the user most likely meant by s, or "".
// A candidate matches when it is equal after normalizing, close in edit
// distance (at most 1 edit for short words, 2 for longer ones, 3 for long
// ones), or begins with s (at least four letters typed).
func suggest(s string, candidates []string) string {
	n := normalizeKey(s)
	if n == "" {
		return ""
	}
	limit := 1
	switch {
	case len(n) >= 9:
		limit = 3
	case len(n) >= 5:
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, c := range candidates {
		cn := normalizeKey(c)
		if cn == n {
			return c
		}
		if d := diagnostics.EditDistance(n, cn); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best != "" {
		return best
	}
	if len(n) >= 4 {
		for _, c := range candidates {
			if strings.HasPrefix(normalizeKey(c), n) {
				return c
			}
		}
	}
	return ""
}

// orList renders values as "a, b or c".
func orList(values []string) string {
	switch len(values) {
	case 0:
		return ""
	case 1:
		return values[0]
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
