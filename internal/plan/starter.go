package plan

// Starter plans: `ftls init` writes one from the answers to the requirement
// questions, and the "insert missing sections" code action uses the same
// section texts.

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Answers are the answers to the requirement questions that shape a plan.
type Answers struct {
	TaskType    string
	Domain      string
	Description string
	Examples    int
	Complexity  string
	// Categories are category names, each given weight 1.
	Categories     []string
	Tone           string
	ResponseLength string
	// MultiTurn and ValidationSplit are used as given: 0 is a meaningful
	// answer (single-turn only; no validation set). Start from
	// DefaultAnswers.
	MultiTurn       float64
	ValidationSplit float64
	Model           string
}

// Default answers of the questions that have no plan default of their own.
const (
	DefaultTaskType = "instruction-following"
	DefaultDomain   = "general"
)

// DefaultAnswers returns the answers assumed for questions left
// unanswered.
func DefaultAnswers() Answers {
	lo, _, _ := RecommendedSize(DefaultComplexity)
	return Answers{
		TaskType:        DefaultTaskType,
		Domain:          DefaultDomain,
		Examples:        lo,
		Complexity:      DefaultComplexity,
		Tone:            DefaultTone,
		ResponseLength:  DefaultResponseLength,
		MultiTurn:       DefaultMultiTurn,
		ValidationSplit: DefaultSplit,
		Model:           DefaultModel,
	}
}

// withDefaults fills empty text answers and a missing size.
func (a Answers) withDefaults() Answers {
	d := DefaultAnswers()
	fill := func(s *string, def string) {
		if strings.TrimSpace(*s) == "" {
			*s = def
		}
	}
	fill(&a.TaskType, d.TaskType)
	fill(&a.Domain, d.Domain)
	fill(&a.Complexity, d.Complexity)
	fill(&a.Tone, d.Tone)
	fill(&a.ResponseLength, d.ResponseLength)
	fill(&a.Model, d.Model)
	if a.Examples <= 0 {
		a.Examples, _, _ = RecommendedSize(a.Complexity)
		if a.Examples == 0 {
			a.Examples = d.Examples
		}
	}
	return a
}

// Validate reports the first answer the plan schema would reject.
func (a Answers) Validate() error {
	a = a.withDefaults()
	if !slices.Contains(Complexities, a.Complexity) {
		return fmt.Errorf("complexity %q: want %s", a.Complexity, orList(Complexities))
	}
	if !slices.Contains(ResponseLengths, a.ResponseLength) {
		return fmt.Errorf("response length %q: want %s", a.ResponseLength, orList(ResponseLengths))
	}
	if a.MultiTurn < 0 || a.MultiTurn > 1 {
		return fmt.Errorf("multi-turn share %s: want a number between 0 and 1", fmtFloat(a.MultiTurn))
	}
	if a.ValidationSplit < 0 || a.ValidationSplit >= 1 {
		return fmt.Errorf("validation split %s: want a number from 0 to below 1", fmtFloat(a.ValidationSplit))
	}
	for _, c := range a.Categories {
		if strings.TrimSpace(c) == "" {
			return fmt.Errorf("empty category name")
		}
	}
	return duplicateCategory(a.Categories)
}

// Starter returns a commented plan built from the answers. Empty text
// answers and a zero Examples take their defaults; it parses without
// diagnostics when the answers pass Validate and follow the size and split
// recommendations.
func Starter(a Answers) []byte {
	a = a.withDefaults()
	var b strings.Builder
	b.WriteString(`# Dataset plan, read by ftls (https://github.com/ftls-dev/ftls).
#
# It records what the fine-tuning dataset must contain. ` + "`ftls check`" + ` compares
# the dataset with it; generation, splitting and statistics follow it. In an
# editor running the ftls language server, hover over a key for its meaning
# and the recommendation behind its default.
`)
	for _, s := range sections {
		b.WriteString("\n")
		b.WriteString(s.render(a))
	}
	return []byte(b.String())
}

// MissingSections returns the text of the top-level sections the plan does
// not have, each with explanatory comments and the values the plan already
// uses by default, so inserting the text changes nothing until it is
// edited. The text starts at column 0 and ends with a newline; it is empty
// when no section is missing.
func MissingSections(p *Plan) []byte {
	a := answersOf(p)
	var b strings.Builder
	for _, s := range sections {
		if _, ok := p.index[indexKey([]string{s.name})]; ok {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(s.render(a))
	}
	return []byte(b.String())
}

// answersOf returns the answers that reproduce the plan's values.
func answersOf(p *Plan) Answers {
	a := Answers{
		TaskType: p.Task.Type, Domain: p.Task.Domain, Description: p.Task.Description,
		Examples: p.Size.Examples, Complexity: p.Size.Complexity,
		Tone: p.Style.Tone, ResponseLength: p.Style.ResponseLength,
		MultiTurn: p.Diversity.MultiTurn, ValidationSplit: p.Validation.Split,
		Model: p.Generation.Model,
	}
	for _, c := range p.Categories {
		a.Categories = append(a.Categories, c.Name)
	}
	return a.withDefaults()
}

// yamlText renders s as a YAML scalar that reads back as s: plain when
// that is safe, double-quoted otherwise.
func yamlText(s string) string {
	out, err := yaml.Marshal(s)
	t := strings.TrimSuffix(string(out), "\n")
	if err != nil || strings.ContainsAny(t, "\n") || strings.HasPrefix(t, "|") || strings.HasPrefix(t, ">") {
		return strconv.Quote(s)
	}
	return t
}

type sectionText struct {
	name   string
	render func(a Answers) string
}

// sections are the plan's top-level sections in the order a starter plan
// lists them.
var sections = []sectionText{
	{"version", func(Answers) string {
		return "# Version of the plan format; always 1 for now.\nversion: 1\n"
	}},
	{"task", func(a Answers) string {
		return fmt.Sprintf(`# What the fine-tuned model should learn to do. Generation reads the
# description before every batch: name the product, the users and what the
# assistant must not do.
task:
  type: %s
  domain: %s
  description: %s
`, yamlText(a.TaskType), yamlText(a.Domain), yamlText(a.Description))
	}},
	{"size", func(a Answers) string {
		return fmt.Sprintf(`# How many examples, and how hard the task is. Usual sizes: simple 100-500,
# medium 500-2,000, complex 2,000-10,000+, domain-adaptation 1,000-5,000.
# Variety beats volume: 500 distinct examples teach more than 5,000
# near-copies. Start with a small batch, review it, then scale up.
size:
  examples: %d
  complexity: %s   # simple | medium | complex | domain-adaptation
`, a.Examples, yamlText(a.Complexity))
	}},
	{"categories", func(a Answers) string {
		var b strings.Builder
		b.WriteString(`# The topics the dataset covers. Weights are relative (weight 2 gets twice
# the examples of weight 1); give a category "count: N" instead for an exact
# number. Describe each category and list concrete scenarios: they keep
# generated examples from repeating each other.
`)
		if len(a.Categories) == 0 {
			b.WriteString(`categories: []
#  - name: order-status
#    weight: 2
#    description: questions about where an order is
#    scenarios: [late delivery, wrong address]
`)
			return b.String()
		}
		b.WriteString("categories:\n")
		for _, c := range a.Categories {
			fmt.Fprintf(&b, "  - name: %s\n    weight: 1\n    # description: what users ask about here\n    # scenarios: []\n", yamlText(c))
		}
		return b.String()
	}},
	{"style", func(a Answers) string {
		return fmt.Sprintf(`# How answers read. response_length: brief (a sentence or two), moderate (a
# short paragraph or a few), detailed (a thorough explanation) or
# step-by-step (a numbered walk-through).
style:
  tone: %s   # e.g. professional, friendly, concise, technical
  response_length: %s
  formats: []   # formats to use where they fit: code-blocks, lists, tables, json
`, yamlText(a.Tone), yamlText(a.ResponseLength))
	}},
	{"diversity", func(a Answers) string {
		return fmt.Sprintf(`# Variety to aim for; generation varies these from example to example so
# the dataset does not follow one template.
diversity:
  multi_turn: %s   # share of conversations with several user turns (0 = single-turn only)
  turns: [%d, %d]   # user turns in a multi-turn conversation: [min, max]
  expertise: {beginner: %s, intermediate: %s, expert: %s}
  phrasing: [question, command, statement]
  negatives: false   # true adds requests to decline and mistakes to correct
  edge_cases: []   # e.g. [ambiguous request, out-of-scope question]
`, fmtFloat(a.MultiTurn), DefaultMinTurns, DefaultMaxTurns,
			fmtFloat(DefaultBeginner), fmtFloat(DefaultIntermediate), fmtFloat(DefaultExpert))
	}},
	{"system_prompt", func(Answers) string {
		return `# consistent: one system prompt for every example; varied: several, rotated;
# none: no system message. With no prompt listed, generation writes one from
# the task description.
system_prompt:
  mode: consistent
  prompts: []
`
	}},
	{"validation", func(a Answers) string {
		return fmt.Sprintf(`# Share of examples `+"`ftls split`"+` holds out for validation; 10-20 %% is the
# usual range. The seed makes the split repeatable.
validation:
  split: %s
  seed: %d
`, fmtFloat(a.ValidationSplit), DefaultSeed)
	}},
	{"generation", func(a Answers) string {
		return fmt.Sprintf(`# The model that writes new examples, on any OpenAI-compatible endpoint. The
# API key comes from OPENAI_API_KEY, never from this file. Batches of 50-100
# let each batch fill the gaps the previous ones left.
generation:
  model: %s
  # base_url: http://localhost:8000/v1
  batch_size: %d
  temperature: %s
`, yamlText(a.Model), DefaultBatchSize, fmtFloat(DefaultTemperature))
	}},
	{"review", func(a Answers) string {
		return fmt.Sprintf(`# The judge of `+"`ftls review`"+`: it scores every row against this plan and
# the quality checklist (accurate, on the question, natural, following the
# system prompt, in its category). Scores below the threshold (of 5) are
# reported; verdicts are cached next to the dataset.
review:
  model: %s
  threshold: %d
  batch_size: %d
  during_generation: false
`, yamlText(a.Model), DefaultReviewThreshold, DefaultReviewBatchSize)
	}},
	{"output", func(Answers) string {
		return fmt.Sprintf(`# The dataset's files, relative to this plan's folder. A dataset named here
# is checked against this plan. Rows keep their category under
# category_field.
output:
  train: %s
  validation: %s
  info: %s
  category_field: %s
`, DefaultTrain, DefaultValidation, DefaultInfo, DefaultCategoryField)
	}},
	{"lint", func(Answers) string {
		return `# Rule settings for the datasets above, with the keys of ftls.yaml, e.g.
# rules: {Q008: off}. ` + "`ftls rules`" + ` lists the rules.
lint:
  rules: {}
`
	}},
}
