package diagnostics

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ftls-dev/ftls/internal/tokens"
)

// Target is the trainer a dataset is checked for.
type Target string

const (
	// TargetOpenAI adds what OpenAI's fine-tuning endpoint enforces: its
	// top-level keys, answered tool calls, at least 10 examples and the
	// model's token limit.
	TargetOpenAI Target = "openai"
	// TargetGeneric checks the chat structure any trainer needs.
	TargetGeneric Target = "generic"
)

// ParseTarget reads a target name.
func ParseTarget(s string) (Target, error) {
	switch t := Target(strings.ToLower(strings.TrimSpace(s))); t {
	case TargetOpenAI, TargetGeneric:
		return t, nil
	}
	return "", fmt.Errorf("unknown target %q (want openai or generic)", s)
}

// Settings are the knobs rules read. The zero value is not ready for use;
// start from DefaultSettings.
type Settings struct {
	Target Target
	// Model decides the tokenizer and, unless MaxTokens is set, the token
	// limit.
	Model string
	// MaxTokens is the token limit of one example; 0 takes the model's.
	MaxTokens int
	// MetadataKey is the top-level key that holds ftls's own per-row data.
	MetadataKey string
	// CategoryField is the dotted path of a row's category.
	CategoryField string
	// NearDuplicate is the estimated Jaccard similarity of word 3-grams
	// above which two rows are near duplicates (D002, D004).
	NearDuplicate float64
	// OverTemplatingShare is the share of answers opening with the same
	// four words above which Q005 reports them.
	OverTemplatingShare float64
	// LengthOutlierFactor is how many times longer or shorter than the
	// median a conversation must be for Q006.
	LengthOutlierFactor float64
	// BalanceTolerance is how far, in share points (0.05 = 5 %), a
	// category or multi-turn share may miss its target before B001 or B003
	// reports it (it must also miss by a quarter of the target).
	BalanceTolerance float64
	// ResponseLength is the plan's style.response_length (brief, moderate,
	// detailed, step-by-step), or "" without a plan.
	ResponseLength string
	// Plan holds the governing plan's targets for the balance rules; nil
	// without a plan.
	Plan *PlanTargets
	// CountTokens makes every row's tokens be counted exactly, for
	// statistics; checks only count rows that may exceed the limit.
	CountTokens bool
	// Data is the row data a job needs whatever the rules ask for: a split
	// reads categories, fingerprints and signatures with every rule off.
	Data RowData
	// Embeddings configures the semantic near-duplicates (D005); nil
	// leaves them off.
	Embeddings *EmbeddingSettings
	// Severities overrides rules' default severities; Off disables a rule.
	// Like every field, set it before the settings are first used: what
	// the enabled rules need is worked out once (and Clone starts afresh).
	Severities map[string]Severity
	// Review holds the judge's cached verdicts on the dataset's rows (the
	// R rules); nil when the dataset has not been reviewed.
	Review ReviewVerdicts
	// ReviewThreshold is the score below which a criterion is an R
	// finding; 0 means DefaultReviewThreshold.
	ReviewThreshold int
	// ModelFixes makes fixing a whole file apply the fixes a model wrote
	// (Fix.Model); only `ftls review --categorize --fix` sets it.
	ModelFixes bool

	tokensOnce sync.Once
	tokens     *tokens.Counter
	limitOnce  sync.Once
	limit      int
	needsOnce  sync.Once
	needs      needs
}

// DefaultModel is the model whose tokenizer and limit apply when none is
// configured.
const DefaultModel = "gpt-4o-mini"

// DefaultNearDuplicate is the default near-duplicate threshold.
const DefaultNearDuplicate = 0.85

// DefaultSettings returns the settings used when nothing is configured.
func DefaultSettings() *Settings {
	return &Settings{
		Target:        TargetOpenAI,
		Model:         DefaultModel,
		MetadataKey:   "metadata",
		CategoryField: "metadata.category",
		NearDuplicate: DefaultNearDuplicate,

		OverTemplatingShare: 0.20,
		LengthOutlierFactor: 8,
		BalanceTolerance:    0.05,
		Severities:          map[string]Severity{},
	}
}

// Clone returns a copy of s that can be changed without affecting s. The
// token counter is not copied; the clone makes its own on first use.
func (s *Settings) Clone() *Settings {
	c := &Settings{
		Target: s.Target, Model: s.Model, MaxTokens: s.MaxTokens,
		MetadataKey: s.MetadataKey, CategoryField: s.CategoryField,
		NearDuplicate: s.NearDuplicate, ResponseLength: s.ResponseLength,
		OverTemplatingShare: s.OverTemplatingShare, LengthOutlierFactor: s.LengthOutlierFactor,
		BalanceTolerance: s.BalanceTolerance,
		Plan:             s.Plan, CountTokens: s.CountTokens, Data: s.Data,
		Embeddings: s.Embeddings,
		Review:     s.Review, ReviewThreshold: s.ReviewThreshold, ModelFixes: s.ModelFixes,
		Severities: make(map[string]Severity, len(s.Severities)),
	}
	for k, v := range s.Severities {
		c.Severities[k] = v
	}
	return c
}

// Severity returns the severity in force for code.
func (s *Settings) Severity(code string) Severity {
	if sev, ok := s.Severities[code]; ok {
		return sev
	}
	if r := rules[code]; r != nil {
		return r.Severity
	}
	return Off
}

// TokenLimit returns the token limit of one example. It is worked out on
// first use, as every row asks for it: set MaxTokens and Model before.
func (s *Settings) TokenLimit() int {
	s.limitOnce.Do(func() {
		switch n, ok := tokens.Limit(s.Model); {
		case s.MaxTokens > 0:
			s.limit = s.MaxTokens
		case ok:
			s.limit = n
		default:
			s.limit = 65536
		}
	})
	return s.limit
}

// needs is what the enabled rules ask of each row, worked out once per
// settings because every row asks: looking the severities up per row cost
// more than some of the rules.
type needs struct {
	rowRules []*Rule // the enabled row rules, in catalog order
	data     RowData // what the file rules, statistics and the job read
}

// needed works needs out on first use: change the severities before.
func (s *Settings) needed() *needs {
	s.needsOnce.Do(func() {
		n := &s.needs
		for _, r := range rowRules {
			if s.Severity(r.Code) != Off {
				n.rowRules = append(n.rowRules, r)
			}
		}
		n.data = s.Data
		for _, r := range fileRules {
			if s.Severity(r.Code) != Off && (r.Configured == nil || r.Configured(s)) {
				n.data |= r.Needs
			}
		}
		if s.CountTokens {
			n.data |= DataStats
		}
		if s.Review != nil {
			// The review counts (reviewed, flagged, unreviewed) read every
			// row's key.
			n.data |= DataRows
		}
		if s.Target != TargetOpenAI {
			// The dominant format of a generic file is every row's.
			n.data |= DataRows
		}
		if n.data&(DataSystem|DataFingerprint|DataSketch|DataWords|DataEmbed) != 0 {
			n.data |= DataTurns
		}
	})
	return &s.needs
}

// has reports whether the row data d is computed.
func (n *needs) has(d RowData) bool { return n.data&d != 0 }

// Tokens returns the token counter for the configured model, creating it on
// first use.
func (s *Settings) Tokens() *tokens.Counter {
	s.tokensOnce.Do(func() {
		c, err := tokens.ForModel(s.Model)
		if err != nil {
			c, _ = tokens.ForEncoding("o200k_base")
		}
		s.tokens = c
	})
	return s.tokens
}

// Validate reports settings that cannot work, such as an unknown rule code.
func (s *Settings) Validate() error {
	for code := range s.Severities {
		if rules[code] == nil {
			return fmt.Errorf("unknown rule %q", code)
		}
	}
	if s.NearDuplicate <= 0 || s.NearDuplicate > 1 {
		return fmt.Errorf("near_duplicate_threshold must be in (0, 1], got %g", s.NearDuplicate)
	}
	if s.OverTemplatingShare <= 0 || s.OverTemplatingShare > 1 {
		return fmt.Errorf("over_templating_share must be in (0, 1], got %g", s.OverTemplatingShare)
	}
	if s.LengthOutlierFactor <= 1 {
		return fmt.Errorf("length_outlier_factor must be above 1, got %g", s.LengthOutlierFactor)
	}
	if s.BalanceTolerance < 0 || s.BalanceTolerance >= 1 {
		return fmt.Errorf("balance_tolerance must be in [0, 1), got %g", s.BalanceTolerance)
	}
	if s.MaxTokens < 0 {
		return fmt.Errorf("max_tokens_per_example must not be negative, got %d", s.MaxTokens)
	}
	return nil
}
