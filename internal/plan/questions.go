package plan

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Question is one requirement question `ftls init` asks on a terminal.
type Question struct {
	// Name matches the init flag that answers the question (--task-type).
	Name string
	// Prompt is the question itself.
	Prompt string
	// Default renders the current answer, shown in brackets and taken on
	// an empty reply.
	Default func(a Answers) string
	// Set parses a non-empty reply into a. It returns an error to ask
	// again, and optionally a note to show (a reply that is valid but goes
	// against a recommendation).
	Set func(a *Answers, reply string) (note string, err error)
}

// Questions returns the requirement questions in the order they are asked.
// Complexity comes before the number of examples, whose default depends on
// it.
func Questions() []Question {
	return []Question{
		{
			Name:    "task-type",
			Prompt:  "What is the model trained to do (customer-support, code-generation, summarization, ...)?",
			Default: func(a Answers) string { return a.TaskType },
			Set: func(a *Answers, r string) (string, error) {
				a.TaskType = r
				return "", nil
			},
		},
		{
			Name:    "domain",
			Prompt:  "Which domain or subject (e-commerce, legal, medical, finance, ...)?",
			Default: func(a Answers) string { return a.Domain },
			Set: func(a *Answers, r string) (string, error) {
				a.Domain = r
				return "", nil
			},
		},
		{
			Name:    "complexity",
			Prompt:  "How complex is the task (" + strings.Join(Complexities, ", ") + ")?",
			Default: func(a Answers) string { return a.Complexity },
			Set: func(a *Answers, r string) (string, error) {
				v, err := choose(r, Complexities)
				if err != nil {
					return "", err
				}
				if v != a.Complexity {
					// Move the size to the new recommendation unless it
					// was answered already.
					if lo, _, _ := RecommendedSize(a.Complexity); a.Examples == lo {
						a.Examples, _, _ = RecommendedSize(v)
					}
				}
				a.Complexity = v
				return "", nil
			},
		},
		{
			Name:    "examples",
			Prompt:  "How many examples?",
			Default: func(a Answers) string { return strconv.Itoa(a.Examples) },
			Set: func(a *Answers, r string) (string, error) {
				n, err := strconv.Atoi(strings.NewReplacer(",", "", "_", "", " ", "").Replace(r))
				if err != nil || n < 1 {
					return "", errors.New("enter a whole number of at least 1")
				}
				a.Examples = n
				if lo, hi, ok := RecommendedSize(a.Complexity); ok && n < lo {
					return fmt.Sprintf("note: %s tasks usually need %s-%s examples; the plan will warn (B005)", a.Complexity, thousands(lo), thousands(hi)), nil
				}
				return "", nil
			},
		},
		{
			Name:   "categories",
			Prompt: "Categories, separated by commas (or \"none\")?",
			Default: func(a Answers) string {
				if len(a.Categories) == 0 {
					return "none"
				}
				return strings.Join(a.Categories, ", ")
			},
			Set: func(a *Answers, r string) (string, error) {
				cats, err := ParseCategories(r)
				if err != nil {
					return "", err
				}
				a.Categories = cats
				return "", nil
			},
		},
		{
			Name:    "tone",
			Prompt:  "Tone of the answers (professional, friendly, concise, technical, ...)?",
			Default: func(a Answers) string { return a.Tone },
			Set: func(a *Answers, r string) (string, error) {
				a.Tone = r
				return "", nil
			},
		},
		{
			Name:    "response-length",
			Prompt:  "Length of the answers (" + strings.Join(ResponseLengths, ", ") + ")?",
			Default: func(a Answers) string { return a.ResponseLength },
			Set: func(a *Answers, r string) (string, error) {
				v, err := choose(r, ResponseLengths)
				if err != nil {
					return "", err
				}
				a.ResponseLength = v
				return "", nil
			},
		},
		{
			Name:    "multi-turn",
			Prompt:  "Share of multi-turn conversations (0-1 or a percentage; 0 = single-turn only)?",
			Default: func(a Answers) string { return fmtFloat(a.MultiTurn) },
			Set: func(a *Answers, r string) (string, error) {
				v, err := ParseShare(r)
				if err != nil {
					return "", err
				}
				a.MultiTurn = v
				return "", nil
			},
		},
		{
			Name:    "validation-split",
			Prompt:  "Share of examples held out for validation (10-20 % recommended)?",
			Default: func(a Answers) string { return fmtFloat(a.ValidationSplit) },
			Set: func(a *Answers, r string) (string, error) {
				v, err := ParseShare(r)
				if err != nil {
					return "", err
				}
				if v >= 1 {
					return "", errors.New("the split must leave examples to train on: enter less than 1")
				}
				a.ValidationSplit = v
				if v < RecommendedMinSplit-1e-9 || v > RecommendedMaxSplit+1e-9 {
					return "note: outside the recommended 10-20 %; the plan will warn (B006)", nil
				}
				return "", nil
			},
		},
		{
			Name:    "model",
			Prompt:  "Model that generates the examples?",
			Default: func(a Answers) string { return a.Model },
			Set: func(a *Answers, r string) (string, error) {
				a.Model = r
				return "", nil
			},
		},
	}
}

// choose matches a reply against choices: exactly, ignoring case, or by a
// prefix that only one choice has.
func choose(reply string, choices []string) (string, error) {
	r := strings.ToLower(strings.TrimSpace(reply))
	var prefixed []string
	for _, c := range choices {
		if r == c {
			return c, nil
		}
		if strings.HasPrefix(c, r) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0], nil
	}
	if s := suggest(r, choices); s != "" && len(r) >= 3 {
		return "", fmt.Errorf("enter %s (did you mean %s?)", orList(choices), s)
	}
	return "", fmt.Errorf("enter %s", orList(choices))
}

// ParseShare reads a share written as a fraction (0.2) or a percentage
// (20%).
func ParseShare(s string) (float64, error) {
	t := strings.TrimSpace(s)
	pct := strings.HasSuffix(t, "%")
	t = strings.TrimSpace(strings.TrimSuffix(t, "%"))
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v != v {
		return 0, fmt.Errorf("enter a share between 0 and 1, or a percentage such as 20%%")
	}
	if pct {
		v /= 100
	}
	if v < 0 || v > 1 {
		return 0, fmt.Errorf("enter a share between 0 and 1, or a percentage such as 20%%")
	}
	return v, nil
}

// ParseCategories reads comma-separated category names; "none" (or "-")
// means no categories.
func ParseCategories(s string) ([]string, error) {
	t := strings.TrimSpace(s)
	if t == "" || strings.EqualFold(t, "none") || t == "-" {
		return nil, nil
	}
	var out []string
	for _, part := range strings.Split(t, ",") {
		name := strings.TrimSpace(part)
		if name == "" {
			return nil, errors.New("a category name is empty; separate names with single commas")
		}
		out = append(out, name)
	}
	if err := duplicateCategory(out); err != nil {
		return nil, err
	}
	return out, nil
}

// categoryKey is what two category names that name the same category have
// in common: billing and Billing would split one topic in two (rows,
// targets and the balance check count them apart), so names equal but for
// case are the same category.
func categoryKey(name string) string { return strings.ToLower(name) }

// duplicateCategory reports the first name listed twice, or equal to an
// earlier one but for case.
func duplicateCategory(names []string) error {
	seen := map[string]string{}
	for _, name := range names {
		first, dup := seen[categoryKey(name)]
		switch {
		case dup && first == name:
			return fmt.Errorf("category %q is listed twice", name)
		case dup:
			return fmt.Errorf("categories %q and %q differ only in case; use one spelling", first, name)
		}
		seen[categoryKey(name)] = name
	}
	return nil
}
