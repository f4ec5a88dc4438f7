package review

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/plan"
)

// rubricVersion changes when the judge's instructions change in a way
// that makes old verdicts incomparable.
const rubricVersion = "ftls-review-1"

// Rubric is what rows are judged against.
type Rubric struct {
	// Context describes the dataset for the judge: task, domain, style,
	// system prompt approach and categories.
	Context string
	// Criteria are the checklist items scored, in catalog order.
	Criteria []diagnostics.ReviewCriterion
	// Categories are the plan's categories with their descriptions.
	Categories []plan.Category
	// Threshold is the score below which a criterion is a finding; it is
	// not part of the hash (every score is kept).
	Threshold int
	// Hash identifies the rubric in the cache.
	Hash string
}

// NewRubric builds the rubric of a plan; nil means a dataset without a
// plan, judged on the checklist alone.
func NewRubric(p *plan.Plan) Rubric {
	r := Rubric{Threshold: diagnostics.DefaultReviewThreshold}
	names := []string(nil)
	if p != nil {
		names = p.Review.Criteria
		if p.Review.Threshold > 0 {
			r.Threshold = p.Review.Threshold
		}
		r.Categories = p.Categories
	}
	for _, c := range diagnostics.ReviewCriteria {
		if len(names) == 0 || slices.Contains(names, c.Name) {
			r.Criteria = append(r.Criteria, c)
		}
	}
	r.Context = describePlan(p)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", rubricVersion, r.Context)
	for _, c := range r.Criteria {
		fmt.Fprintf(h, "%s\x00%s\x00", c.Name, c.Question)
	}
	r.Hash = hex.EncodeToString(h.Sum(nil)[:6])
	return r
}

// describePlan writes what the judge must know of the plan.
func describePlan(p *plan.Plan) string {
	if p == nil {
		return "No plan describes this dataset: judge each row on its own terms, as training data for a helpful assistant."
	}
	var b strings.Builder
	t := p.Task
	fmt.Fprintf(&b, "Task: %s", orDash(t.Type))
	if t.Domain != "" {
		fmt.Fprintf(&b, " in the domain %s", t.Domain)
	}
	b.WriteString(".\n")
	if d := oneLine(t.Description); d != "" {
		fmt.Fprintf(&b, "Description: %s\n", d)
	}
	fmt.Fprintf(&b, "Tone: %s. Response length: %s.", orDash(p.Style.Tone), orDash(p.Style.ResponseLength))
	if len(p.Style.Formats) > 0 {
		fmt.Fprintf(&b, " Formats: %s.", strings.Join(p.Style.Formats, ", "))
	}
	b.WriteString("\n")
	switch sp := p.SystemPrompt; sp.Mode {
	case "none":
		b.WriteString("System prompt: none; rows should have no system message.\n")
	case "varied":
		fmt.Fprintf(&b, "System prompt: varied across rows (%d listed).\n", len(sp.Prompts))
	default:
		if len(sp.Prompts) > 0 {
			fmt.Fprintf(&b, "System prompt: the same in every row: %q\n", oneLine(sp.Prompts[0]))
		} else {
			b.WriteString("System prompt: the same in every row.\n")
		}
	}
	if len(p.Categories) > 0 {
		b.WriteString("Categories:\n")
		for _, c := range p.Categories {
			fmt.Fprintf(&b, "- %s", c.Name)
			if d := oneLine(c.Description); d != "" {
				fmt.Fprintf(&b, ": %s", d)
			}
			b.WriteString("\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// Category returns the description of a category of the plan, "" when the
// plan has none or no such category.
func (r Rubric) Category(name string) string {
	for _, c := range r.Categories {
		if c.Name == name {
			return oneLine(c.Description)
		}
	}
	return ""
}

// HasCriterion reports whether the rubric scores the criterion name.
func (r Rubric) HasCriterion(name string) bool {
	for _, c := range r.Criteria {
		if c.Name == name {
			return true
		}
	}
	return false
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
