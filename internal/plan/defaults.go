package plan

import (
	"fmt"
	"strconv"

	"github.com/ftls-dev/ftls/diagnostics"
)

// The version of the plan schema this package reads.
const Version = 1

// Allowed values of the closed choices.
var (
	// Complexities are the values of size.complexity, simplest first.
	Complexities = []string{"simple", "medium", "complex", "domain-adaptation"}
	// ResponseLengths are the values of style.response_length: a sentence
	// or two, a short paragraph or a few, a thorough explanation, or a
	// numbered walk-through.
	ResponseLengths = []string{"brief", "moderate", "detailed", "step-by-step"}
	// SystemPromptModes are the values of system_prompt.mode: one prompt for
	// every example, several prompts rotated across examples, or no system
	// message at all.
	SystemPromptModes = []string{"consistent", "varied", "none"}
)

// Defaults of every optional key. They are applied after parsing to each
// key the file does not set, and are what `ftls init` proposes.
const (
	DefaultComplexity     = "medium"
	DefaultTone           = "professional"
	DefaultResponseLength = "moderate"
	// A fifth of the conversations multi-turn, with 2-4 user turns each.
	DefaultMultiTurn = 0.2
	DefaultMinTurns  = 2
	DefaultMaxTurns  = 4
	// Expertise shares: mostly beginners and intermediates, some experts.
	DefaultBeginner     = 0.4
	DefaultIntermediate = 0.4
	DefaultExpert       = 0.2
	DefaultPromptMode   = "consistent"
	// 10 % held out for validation, the low end of the usual 10-20 %.
	DefaultSplit = 0.1
	DefaultSeed  = 42
	// Generation: batches of 50 (50-100 is the usual size; smaller batches
	// are allowed down to 10 for a first trial run).
	DefaultModel       = diagnostics.DefaultModel
	DefaultBatchSize   = 50
	DefaultTemperature = 0.9
	DefaultConcurrency = 2
	DefaultMaxRetries  = 3
	// Embeddings: a small, cheap model; 0.9 flags paraphrases of the same
	// conversation with that model and few rows that merely share a topic.
	DefaultEmbeddingModel     = "text-embedding-3-small"
	DefaultEmbeddingThreshold = 0.9
	DefaultEmbeddingCompare   = "both"
	DefaultEmbeddingBatch     = 100
	MaxEmbeddingBatch         = 2048
	// Review: batches of 10 rows, two requests at a time, findings below 3
	// of 5.
	DefaultReviewBatchSize   = 10
	MaxReviewBatchSize       = 50
	DefaultReviewConcurrency = 2
	DefaultReviewThreshold   = diagnostics.DefaultReviewThreshold
	// Output files, next to the plan.
	DefaultTrain         = "training_data.jsonl"
	DefaultValidation    = "validation_data.jsonl"
	DefaultInfo          = "dataset_info.txt"
	DefaultCategoryField = "metadata.category"
	// DefaultWeight is the weight of a category that sets neither weight
	// nor count.
	DefaultWeight = 1.0
)

// DefaultPhrasing are the kinds of user phrasing mixed when the plan does
// not list its own.
var DefaultPhrasing = []string{"question", "command", "statement"}

// Limits of the numeric keys.
const (
	MinBatchSize = 10
	MaxBatchSize = 100
	// The validation split must leave something to train on.
	RecommendedMinSplit = 0.10
	RecommendedMaxSplit = 0.20
)

// sizeTable is the usual dataset size for each complexity; max 0 means no
// upper bound ("10,000 and more").
var sizeTable = map[string][2]int{
	"simple":            {100, 500},
	"medium":            {500, 2000},
	"complex":           {2000, 10000},
	"domain-adaptation": {1000, 5000},
}

// RecommendedSize returns the usual range of examples for a complexity.
// For complex tasks max is a guide, not a limit: more is common.
func RecommendedSize(complexity string) (min, max int, ok bool) {
	r, ok := sizeTable[complexity]
	return r[0], r[1], ok
}

// applyDefaults fills every key the file leaves unset (or sets to a value
// that was rejected).
func (p *Plan) applyDefaults() {
	if !p.Has("version") {
		p.Version = Version
	}
	if !p.Has("size", "complexity") {
		p.Size.Complexity = DefaultComplexity
	}
	counted := 0
	for i := range p.Categories {
		c := &p.Categories[i]
		idx := strconv.Itoa(i)
		switch {
		case p.Has("categories", idx, "count"):
			counted += c.Count
			c.Weight = 0
		case !p.Has("categories", idx, "weight"):
			c.Weight = DefaultWeight
		}
	}
	if !p.Has("size", "examples") {
		// The low end of the recommendation, or what the counts need.
		lo, _, _ := RecommendedSize(p.Size.Complexity)
		allCounted := len(p.Categories) > 0
		for i := range p.Categories {
			if !p.hasCount(i) {
				allCounted = false
			}
		}
		if allCounted {
			p.Size.Examples = counted
		} else {
			p.Size.Examples = max(lo, counted)
		}
	}
	if !p.Has("style", "tone") {
		p.Style.Tone = DefaultTone
	}
	if !p.Has("style", "response_length") {
		p.Style.ResponseLength = DefaultResponseLength
	}
	d := &p.Diversity
	if !p.Has("diversity", "multi_turn") {
		d.MultiTurn = DefaultMultiTurn
	}
	if !p.Has("diversity", "turns") {
		d.Turns = TurnRange{DefaultMinTurns, DefaultMaxTurns}
	}
	p.defaultExpertise()
	if !p.Has("diversity", "phrasing") {
		d.Phrasing = append([]string(nil), DefaultPhrasing...)
	}
	if !p.Has("system_prompt", "mode") {
		p.SystemPrompt.Mode = DefaultPromptMode
	}
	if !p.Has("validation", "split") {
		p.Validation.Split = DefaultSplit
	}
	if !p.Has("validation", "seed") {
		p.Validation.Seed = DefaultSeed
	}
	g := &p.Generation
	if !p.Has("generation", "model") {
		g.Model = DefaultModel
	}
	if !p.Has("generation", "batch_size") {
		g.BatchSize = DefaultBatchSize
	}
	if !p.Has("generation", "temperature") {
		g.Temperature = DefaultTemperature
	}
	if !p.Has("generation", "concurrency") {
		g.Concurrency = DefaultConcurrency
	}
	if !p.Has("generation", "max_retries") {
		g.MaxRetries = DefaultMaxRetries
	}
	e := &p.Embeddings
	if !p.Has("embeddings", "model") {
		e.Model = DefaultEmbeddingModel
	}
	if !p.Has("embeddings", "threshold") {
		e.Threshold = DefaultEmbeddingThreshold
	}
	if !p.Has("embeddings", "compare") {
		e.Compare = DefaultEmbeddingCompare
	}
	if !p.Has("embeddings", "batch_size") {
		e.BatchSize = DefaultEmbeddingBatch
	}
	rv := &p.Review
	if !p.Has("review", "model") {
		rv.Model = g.Model
	}
	if !p.Has("review", "criteria") || len(rv.Criteria) == 0 {
		rv.Criteria = nil
		for _, c := range diagnostics.ReviewCriteria {
			rv.Criteria = append(rv.Criteria, c.Name)
		}
	}
	if !p.Has("review", "threshold") {
		rv.Threshold = DefaultReviewThreshold
	}
	if !p.Has("review", "batch_size") {
		rv.BatchSize = DefaultReviewBatchSize
	}
	if !p.Has("review", "concurrency") {
		rv.Concurrency = DefaultReviewConcurrency
	}
	o := &p.Output
	if !p.Has("output", "train") {
		o.Train = DefaultTrain
	}
	if !p.Has("output", "validation") {
		o.Validation = DefaultValidation
	}
	if !p.Has("output", "info") {
		o.Info = DefaultInfo
	}
	if !p.Has("output", "category_field") {
		o.CategoryField = DefaultCategoryField
		if p.Lint.CategoryField != "" {
			o.CategoryField = p.Lint.CategoryField
		}
	}
}

// defaultExpertise fills the expertise shares. Without an expertise
// mapping the defaults apply; when it names only some levels, the levels
// it leaves out share what remains of 1 equally.
func (p *Plan) defaultExpertise() {
	e := &p.Diversity.Expertise
	if !p.Has("diversity", "expertise") {
		*e = Expertise{DefaultBeginner, DefaultIntermediate, DefaultExpert}
		return
	}
	shares := []*float64{&e.Beginner, &e.Intermediate, &e.Expert}
	names := []string{"beginner", "intermediate", "expert"}
	var missing []*float64
	sum := 0.0
	for i, s := range shares {
		if p.Has("diversity", "expertise", names[i]) {
			sum += *s
		} else {
			missing = append(missing, s)
		}
	}
	if len(missing) == 0 {
		return
	}
	rest := max(0, 1-sum) / float64(len(missing))
	for _, s := range missing {
		*s = rest
	}
}

// SplitRatio is the share of each category a split moves to validation:
// validation.split, else DefaultSplit (also for a nil plan). A share
// outside (0, 1) is an error, whichever shell asks: `ftls split` and the
// editor's split action refuse the same plans.
func (p *Plan) SplitRatio() (float64, error) {
	if p == nil {
		return DefaultSplit, nil
	}
	r := p.Validation.Split
	if !(r > 0 && r < 1) {
		return 0, fmt.Errorf("plan %s: validation.split is %g; the share moved to validation must be between 0 and 1, e.g. 0.1", p.Path, r)
	}
	return r, nil
}
