// Package plan reads dataset plan files (*.plan.yaml).
//
// A plan writes down what a fine-tuning dataset must be: the task, its size
// and complexity, the categories and their weights, the style of the
// answers, the diversity to aim for, the system prompt approach, the
// validation split, how to generate examples and where the files go. It
// drives generation, the balance rules, splitting and statistics.
//
// Parse reads a plan with the position of every key and value (LSP
// positions, UTF-16 columns), fills in defaults for everything optional,
// and reports the P rules (and B005/B006) as diagnostics. The position
// index (KeyRange, ValueRange, PathAt) and the schema documentation (KeyDoc,
// Keys, EnumValues) serve the language server's hover, completion and code
// lens, and CursorAt tells completion what is being typed. Discover finds
// the plan that governs a dataset; Starter writes a commented plan from the
// answers to the requirement questions.
//
// Decisions worth knowing:
//
//   - Closed choices: size.complexity is simple, medium, complex or
//     domain-adaptation; style.response_length is brief (a sentence or two),
//     moderate (a short paragraph or a few), detailed (a thorough
//     explanation) or step-by-step (a numbered walk-through);
//     system_prompt.mode is consistent, varied or none. Task type, domain,
//     tone, formats and phrasing are free text with suggested values.
//   - Category weights are relative and counts exact; see validate.go for
//     what P004 reports and when P006 applies.
//   - YAML anchors, aliases and merge keys (<<) work; top-level keys that
//     start with "x-" are ignored, as a place to define anchors.
//   - A key set to null (nothing after the colon) counts as not set.
package plan

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ftls-dev/ftls/internal/config"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// Suffix is how the name of a plan file ends; Discover only looks at such
// files (and at the ".plan.yml" spelling, see IsPath).
const Suffix = ".plan.yaml"

// IsPath reports whether path names a plan file: it ends in ".plan.yaml"
// or ".plan.yml", in any case, and has a name before that.
func IsPath(path string) bool {
	base := strings.ToLower(filepath.Base(path))
	for _, suf := range []string{Suffix, ".plan.yml"} {
		if strings.HasSuffix(base, suf) && len(base) > len(suf) {
			return true
		}
	}
	return false
}

// Plan is one parsed plan file. Every field holds its effective value: what
// the file says, or the default when the file does not say it (Has tells
// the two apart). Values the schema rejects are reported and replaced by
// their defaults.
type Plan struct {
	// Path is the file the plan was read from, as given to Parse. Output
	// paths are relative to its folder.
	Path string `yaml:"-"`

	Version      int          `yaml:"version"`
	Task         Task         `yaml:"task"`
	Size         Size         `yaml:"size"`
	Categories   []Category   `yaml:"categories"`
	Style        Style        `yaml:"style"`
	Diversity    Diversity    `yaml:"diversity"`
	SystemPrompt SystemPrompt `yaml:"system_prompt"`
	Validation   Validation   `yaml:"validation"`
	Generation   Generation   `yaml:"generation"`
	Embeddings   Embeddings   `yaml:"embeddings"`
	Review       Review       `yaml:"review"`
	Output       Output       `yaml:"output"`
	// Lint holds the rule settings for the datasets the plan governs; it
	// has the keys of ftls.yaml.
	Lint config.Lint `yaml:"lint"`

	src      []byte
	lines    *textpos.LineIndex
	index    map[string]entry
	order    []string // index keys in document order
	findings []finding
	// syntaxErr is set when the file is not valid YAML.
	syntaxErr bool
}

// Task is what the model is trained to do.
type Task struct {
	Type        string `yaml:"type"`
	Domain      string `yaml:"domain"`
	Description string `yaml:"description"`
}

// Size is how many examples the dataset should have and how hard the task
// is.
type Size struct {
	Examples   int    `yaml:"examples"`
	Complexity string `yaml:"complexity"` // one of Complexities
}

// Category is one topic of the dataset. A category gets either a relative
// weight or an exact count of examples.
type Category struct {
	Name        string   `yaml:"name"`
	Weight      float64  `yaml:"weight"`
	Count       int      `yaml:"count"`
	Description string   `yaml:"description"`
	Scenarios   []string `yaml:"scenarios"`
}

// Style is how the assistant's answers should read.
type Style struct {
	Tone           string   `yaml:"tone"`
	ResponseLength string   `yaml:"response_length"` // one of ResponseLengths
	Formats        []string `yaml:"formats"`
}

// Diversity is how varied the conversations should be.
type Diversity struct {
	// MultiTurn is the share (0-1) of conversations with more than one user
	// turn.
	MultiTurn float64   `yaml:"multi_turn"`
	Turns     TurnRange `yaml:"turns"`
	Expertise Expertise `yaml:"expertise"`
	Phrasing  []string  `yaml:"phrasing"`
	Negatives bool      `yaml:"negatives"`
	EdgeCases []string  `yaml:"edge_cases"`
}

// TurnRange is the number of user turns in a multi-turn conversation,
// written [min, max] in the plan.
type TurnRange struct{ Min, Max int }

// Expertise is the share of each user expertise level; the three add up
// to 1.
type Expertise struct {
	Beginner     float64 `yaml:"beginner"`
	Intermediate float64 `yaml:"intermediate"`
	Expert       float64 `yaml:"expert"`
}

// SystemPrompt is how examples carry a system message.
type SystemPrompt struct {
	Mode    string   `yaml:"mode"` // one of SystemPromptModes
	Prompts []string `yaml:"prompts"`
}

// Validation is how the validation set is split off.
type Validation struct {
	Split float64 `yaml:"split"`
	Seed  int64   `yaml:"seed"`
}

// Generation configures the model that writes new examples.
type Generation struct {
	Model       string  `yaml:"model"`
	BaseURL     string  `yaml:"base_url"`
	BatchSize   int     `yaml:"batch_size"`
	Temperature float64 `yaml:"temperature"`
	Concurrency int     `yaml:"concurrency"`
	MaxRetries  int     `yaml:"max_retries"`
}

// Embeddings configures the semantic near-duplicate check (D005): the
// embedding model `ftls embed` calls, on the endpoint of the generation
// section, and when two rows are close. The check is on only when the
// plan has this section (Semantic).
type Embeddings struct {
	Model      string  `yaml:"model"`
	Threshold  float64 `yaml:"threshold"`
	Compare    string  `yaml:"compare"` // one of Compares
	BatchSize  int     `yaml:"batch_size"`
	Dimensions int     `yaml:"dimensions"` // 0: the model's own
}

// Compares are the values of embeddings.compare: rows are close when
// both their prompt and answer sides are, or when their prompts are.
var Compares = []string{"both", "prompt"}

// Review configures the judge model of `ftls review`, which scores rows
// against the plan and the quality checklist.
type Review struct {
	// Model is the judge; "" means generation.model's resolution.
	Model string `yaml:"model"`
	// Criteria are the checklist items to score (diagnostics.ReviewCriteria
	// names); empty means all of them.
	Criteria []string `yaml:"criteria"`
	// Threshold is the score (1-5) below which a criterion is a finding.
	Threshold int `yaml:"threshold"`
	// BatchSize is the rows sent in one request.
	BatchSize int `yaml:"batch_size"`
	// Concurrency is the requests in flight at once.
	Concurrency int `yaml:"concurrency"`
	// DuringGeneration reviews every generated batch before it is
	// appended (ftls generate --review).
	DuringGeneration bool `yaml:"during_generation"`
}

// Output names the files of the dataset, relative to the plan's folder,
// and where each row keeps its category.
type Output struct {
	Train         string `yaml:"train"`
	Validation    string `yaml:"validation"`
	Info          string `yaml:"info"`
	CategoryField string `yaml:"category_field"`
}

// entry is the position of one key and its value, as byte offsets.
type entry struct {
	keyStart, keyEnd int
	valStart, valEnd int
	null             bool // the value is YAML null (or absent after the colon)
	item             bool // a list element: it has no key of its own
}

func indexKey(path []string) string { return strings.Join(path, "\x1f") }

// Has reports whether the plan file sets the key at path to a non-null
// value, as opposed to leaving it to its default. List elements are
// addressed by their index: Has("categories", "0", "count").
func (p *Plan) Has(path ...string) bool {
	e, ok := p.index[indexKey(path)]
	return ok && !e.null
}

// KeyRange returns the range of the key at path. For a list element, which
// has no key, it is the range of the element itself.
func (p *Plan) KeyRange(path ...string) (textpos.Range, bool) {
	e, ok := p.index[indexKey(path)]
	if !ok {
		return textpos.Range{}, false
	}
	return p.lines.Range(e.keyStart, e.keyEnd), true
}

// ValueRange returns the range of the value at path. A null value (a key
// with nothing after its colon) has an empty range just after the colon.
func (p *Plan) ValueRange(path ...string) (textpos.Range, bool) {
	e, ok := p.index[indexKey(path)]
	if !ok {
		return textpos.Range{}, false
	}
	return p.lines.Range(e.valStart, e.valEnd), true
}

// KeySpan and ValueSpan return the byte offsets of a key or a value, for
// edits.
func (p *Plan) KeySpan(path ...string) (start, end int, ok bool) {
	e, ok := p.index[indexKey(path)]
	return e.keyStart, e.keyEnd, ok
}

// ValueSpan returns the byte offsets [start, end) of the value at path.
func (p *Plan) ValueSpan(path ...string) (start, end int, ok bool) {
	e, ok := p.index[indexKey(path)]
	return e.valStart, e.valEnd, ok
}

// PathAt returns the path of the innermost key or value that contains the
// position, and whether the position is on the key itself (rather than in
// its value). It returns nil when the position is outside every entry.
func (p *Plan) PathAt(pos textpos.Position) (path []string, onKey bool) {
	off, _ := p.lines.Offset(pos)
	best, bestLen := "", -1
	for _, k := range p.order {
		e := p.index[k]
		if !e.item && off >= e.keyStart && off <= e.keyEnd {
			if l := e.keyEnd - e.keyStart; bestLen < 0 || l <= bestLen {
				best, bestLen, onKey = k, l, true
			}
			continue
		}
		if off >= e.valStart && off <= e.valEnd && e.valEnd > e.valStart {
			if l := e.valEnd - e.valStart; bestLen < 0 || l <= bestLen {
				best, bestLen, onKey = k, l, false
			}
		}
	}
	if bestLen < 0 {
		return nil, false
	}
	return strings.Split(best, "\x1f"), onKey
}

// Source returns the text the plan was parsed from.
func (p *Plan) Source() []byte { return p.src }

// Lines returns the line index of the plan's text.
func (p *Plan) Lines() *textpos.LineIndex { return p.lines }

// Target is the planned number of examples of one category.
type Target struct {
	Name  string
	Count int
	// Share is Count divided by the planned size.
	Share float64
	// Index is the category's position in the plan's list.
	Index int
}

// Targets returns how many examples each category should get: categories
// with a count get it, and the examples left over (size.examples minus
// every count) are shared by the weighted categories in proportion to their
// weights, rounded so that the numbers add up. Categories repeated under
// the same name are counted once, at their first entry.
func (p *Plan) Targets() []Target {
	n := p.Size.Examples
	var out []Target
	seen := map[string]bool{}
	counted := 0
	var weighted []int
	var totalW float64
	for i, c := range p.Categories {
		if c.Name == "" || seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		out = append(out, Target{Name: c.Name, Index: i})
		if p.hasCount(i) {
			out[len(out)-1].Count = c.Count
			counted += c.Count
		} else {
			weighted = append(weighted, len(out)-1)
			totalW += c.Weight
		}
	}
	left := n - counted
	if left > 0 && totalW > 0 {
		type rem struct {
			at   int
			frac float64
		}
		var rems []rem
		given := 0
		for _, t := range weighted {
			exact := float64(left) * p.Categories[out[t].Index].Weight / totalW
			whole := int(exact)
			out[t].Count = whole
			given += whole
			rems = append(rems, rem{t, exact - float64(whole)})
		}
		// Largest remainder first; ties go to the earlier category.
		for given < left {
			best := -1
			for i, r := range rems {
				if best < 0 || r.frac > rems[best].frac {
					best = i
				}
			}
			if best < 0 {
				break
			}
			out[rems[best].at].Count++
			rems[best].frac = -1
			given++
		}
	}
	total := max(n, counted)
	for i := range out {
		if total > 0 {
			out[i].Share = float64(out[i].Count) / float64(total)
		}
	}
	return out
}

// hasCount reports whether category i has an explicit count, which takes
// precedence over its weight.
func (p *Plan) hasCount(i int) bool {
	return p.Has("categories", strconv.Itoa(i), "count")
}

// Category returns the first category named name.
func (p *Plan) Category(name string) (Category, bool) {
	for _, c := range p.Categories {
		if c.Name == name {
			return c, true
		}
	}
	return Category{}, false
}

// UnmarshalYAML reads [min, max].
func (r *TurnRange) UnmarshalYAML(n *yaml.Node) error {
	var v []int
	if err := n.Decode(&v); err != nil {
		return err
	}
	if len(v) != 2 {
		return fmt.Errorf("turns must be [min, max], got %d numbers", len(v))
	}
	r.Min, r.Max = v[0], v[1]
	return nil
}

// MarshalYAML writes [min, max].
func (r TurnRange) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(r.Min)},
		{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(r.Max)},
	}}, nil
}
