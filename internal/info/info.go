// Package info builds a dataset's statistics document, dataset_info.txt,
// and the same figures as a self-contained HTML page with charts.
//
// Build takes the checked files of one dataset (training and validation)
// with their statistics from package stats, so the document shows exactly
// what `ftls stats --json` reports, and adds what a summary needs on top:
// figures across the files, an estimate of the training cost, the plan's
// targets beside the actual numbers, and next steps chosen from what was
// found. WriteText renders the document; WriteHTML the page (inline CSS
// and SVG, no script, nothing fetched from the network).
//
// Decisions worth knowing:
//
//   - Averages are per example and across every file of the document: the
//     user figure is the tokens of all user turns of an example, the
//     assistant figure those of all assistant turns. With one file they
//     equal that file's `ftls stats` means.
//   - The cost counts training files only (a validation file is not billed
//     as training). Billed tokens are the sum over examples of
//     min(example tokens, the model's limit), times the epochs; the epochs
//     are OpenAI's default of 3, raised for small files so that examples ×
//     epochs reaches 100 and lowered for large ones so that it stays under
//     25,000 (Epochs).
//   - Tokens are counted with the configured model's tokenizer; a price
//     row for a model with another tokenizer is marked as approximate.
//   - The plan's size.examples is compared with the training and
//     validation examples together: a plan describes the dataset before it
//     is split.
package info

import (
	"math"
	"sort"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/stats"
	"github.com/ftls-dev/ftls/internal/tokens"
)

// Role is what a file is to the dataset.
type Role string

// Roles of files.
const (
	Training   Role = "training"
	Validation Role = "validation"
)

// File is one dataset file of the document.
type File struct {
	// Name is how the document names the file (relative to the document's
	// folder, usually).
	Name string
	Role Role
	// Result and Stats are the checked file and its statistics (computed
	// with Settings.CountTokens); both nil when Missing.
	Result *engine.Result
	Stats  *stats.Stats
	// Missing is set for a file the plan names that does not exist yet.
	Missing bool
}

// Options are what the document needs besides the files.
type Options struct {
	// Plan is the governing plan, nil without one; PlanName is how the
	// document names it.
	Plan     *plan.Plan
	PlanName string
	// Model is the model the dataset is checked and priced for, Encoding
	// its tokenizer and TokenLimit the limit of one example.
	Model      string
	Encoding   string
	TokenLimit int
	// NearDuplicate is the near-duplicate threshold in force.
	NearDuplicate float64
	// MetadataKey is the top-level key of ftls's per-row data and
	// CategoryField where a row's category is read.
	MetadataKey   string
	CategoryField string
	// Prices per million training tokens; DefaultPrices when nil.
	Prices []Price
	// InfoName is the document's own name, listed among the files.
	InfoName string
	// Generate is set when an `ftls generate` command exists, so next
	// steps can name it.
	Generate bool
}

// Report holds every figure of the document.
type Report struct {
	Opts  Options
	Files []File

	TrainExamples, ValidExamples int
	// Examples counts the JSON object rows of every file.
	Examples int

	Encoding string
	// Tokened counts examples whose tokens were counted; the sums are over
	// them.
	Tokened                          int
	TokensSum, UserSum, AssistantSum int64
	MaxTokens                        int
	UserMean, AssistantMean, Mean    float64
	// UserTokens and AssistantTokens are the per-example values, for the
	// histograms.
	UserTokens, AssistantTokens []int

	SystemVariants, WithSystem int
	MultiTurn, SingleTurn      int

	Categories    []CategoryLine
	Uncategorized int

	Exact, Near, Conflicting, Leaked int

	Findings                []Finding
	Errors, Warnings, Notes int

	Cost Cost

	// Targets compare the plan with the files; nil without a plan.
	Targets *Targets

	NextSteps []string
}

// CategoryLine is one category's counts.
type CategoryLine struct {
	Name              string
	Train, Validation int
	Total             int
	// Share is Total over all categorised examples.
	Share float64
	// Planned and PlannedShare are the plan's target; InPlan is false for
	// a category the plan does not list (or without a plan).
	Planned      int
	PlannedShare float64
	InPlan       bool
}

// Finding counts one rule's diagnostics across the files.
type Finding struct {
	Code     string
	Name     string
	Summary  string
	Severity diagnostics.Severity
	Count    int
}

// Build computes the report of files.
func Build(files []File, opts Options) *Report {
	if opts.Prices == nil {
		opts.Prices = DefaultPrices()
	}
	r := &Report{Opts: opts, Files: files, Encoding: opts.Encoding}
	systems := map[uint64]bool{}
	cats := map[string]*CategoryLine{}
	findings := map[string]*Finding{}
	var trainTokens []int
	for _, f := range files {
		if f.Missing || f.Result == nil {
			continue
		}
		st := f.Stats
		r.Examples += st.Examples
		if f.Role == Validation {
			r.ValidExamples += st.Examples
		} else {
			r.TrainExamples += st.Examples
		}
		r.Uncategorized += st.Uncategorized
		r.MultiTurn += st.MultiTurn
		r.SingleTurn += st.SingleTurn
		r.WithSystem += st.WithSystemPrompt
		r.Errors += st.Errors
		r.Warnings += st.Warnings
		r.Exact += st.Duplicates
		r.Near += st.NearDuplicates
		r.Conflicting += st.Findings["D003"]
		r.Leaked += st.Findings["D004"]
		if r.Encoding == "" {
			r.Encoding = st.Encoding
		}
		for _, c := range st.Categories {
			line := cats[c.Name]
			if line == nil {
				line = &CategoryLine{Name: c.Name}
				cats[c.Name] = line
			}
			if f.Role == Validation {
				line.Validation += c.Count
			} else {
				line.Train += c.Count
			}
			line.Total += c.Count
		}
		// The same rows stats.FromResult sums, kept one by one for the
		// histograms and the billed tokens.
		for _, row := range f.Result.Rows {
			if !row.Object {
				continue
			}
			if row.System != 0 {
				systems[row.System] = true
			}
			if ex := row.Extra(); ex.Tokens > 0 {
				r.Tokened++
				r.TokensSum += int64(ex.Tokens)
				r.UserSum += int64(ex.UserTokens)
				r.AssistantSum += int64(ex.AssistantTokens)
				r.MaxTokens = max(r.MaxTokens, int(ex.Tokens))
				r.UserTokens = append(r.UserTokens, int(ex.UserTokens))
				r.AssistantTokens = append(r.AssistantTokens, int(ex.AssistantTokens))
				if f.Role != Validation {
					trainTokens = append(trainTokens, int(ex.Tokens))
				}
			}
		}
		for _, d := range f.Result.Diagnostics {
			fd := findings[d.Code]
			if fd == nil {
				fd = &Finding{Code: d.Code, Severity: d.Severity}
				if rule := diagnostics.Lookup(d.Code); rule != nil {
					fd.Name, fd.Summary = rule.Name, rule.Summary
				}
				findings[d.Code] = fd
			}
			fd.Count++
			fd.Severity = min(fd.Severity, d.Severity) // the most severe
			if d.Severity != diagnostics.Error && d.Severity != diagnostics.Warning {
				r.Notes++
			}
		}
	}
	r.SystemVariants = len(systems)
	if r.Tokened > 0 {
		n := float64(r.Tokened)
		r.Mean, r.UserMean, r.AssistantMean = float64(r.TokensSum)/n, float64(r.UserSum)/n, float64(r.AssistantSum)/n
	}
	r.Categories = categoryLines(cats, opts.Plan)
	for _, fd := range findings {
		r.Findings = append(r.Findings, *fd)
	}
	sort.Slice(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		if a.Severity != b.Severity {
			return a.Severity < b.Severity
		}
		return a.Code < b.Code
	})
	r.Cost = estimateCost(trainTokens, opts)
	if opts.Plan != nil {
		r.Targets = compareWithPlan(r, opts.Plan)
	}
	r.NextSteps = nextSteps(r)
	return r
}

// categoryLines orders the categories: the plan's, in its order, then the
// others by size; without a plan, by size.
func categoryLines(cats map[string]*CategoryLine, p *plan.Plan) []CategoryLine {
	total := 0
	for _, c := range cats {
		total += c.Total
	}
	var out []CategoryLine
	seen := map[string]bool{}
	var plannedTotal int
	if p != nil {
		for _, t := range p.Targets() {
			plannedTotal += t.Count
			c := CategoryLine{Name: t.Name}
			if have := cats[t.Name]; have != nil {
				c = *have
			}
			c.Planned, c.PlannedShare, c.InPlan = t.Count, t.Share, true
			out = append(out, c)
			seen[t.Name] = true
		}
	}
	var rest []CategoryLine
	for name, c := range cats {
		if !seen[name] {
			rest = append(rest, *c)
		}
	}
	sort.Slice(rest, func(i, j int) bool {
		if rest[i].Total != rest[j].Total {
			return rest[i].Total > rest[j].Total
		}
		return rest[i].Name < rest[j].Name
	})
	out = append(out, rest...)
	for i := range out {
		if total > 0 {
			out[i].Share = float64(out[i].Total) / float64(total)
		}
	}
	return out
}

// MultiTurnShare is the share of conversations with more than one user
// turn.
func (r *Report) MultiTurnShare() float64 {
	if n := r.MultiTurn + r.SingleTurn; n > 0 {
		return float64(r.MultiTurn) / float64(n)
	}
	return 0
}

// ValidationShare is the validation examples' share of all examples, or
// -1 when there is no validation file.
func (r *Report) ValidationShare() float64 {
	if !r.hasValidation() || r.TrainExamples+r.ValidExamples == 0 {
		return -1
	}
	return float64(r.ValidExamples) / float64(r.TrainExamples+r.ValidExamples)
}

func (r *Report) hasValidation() bool {
	for _, f := range r.Files {
		if f.Role == Validation && !f.Missing {
			return true
		}
	}
	return false
}

// trainNames lists the training files, for commands in next steps.
func (r *Report) trainNames() []string {
	var out []string
	for _, f := range r.Files {
		if f.Role != Validation && !f.Missing {
			out = append(out, f.Name)
		}
	}
	return out
}

func (r *Report) missingValidation() (File, bool) {
	for _, f := range r.Files {
		if f.Role == Validation && f.Missing {
			return f, true
		}
	}
	return File{}, false
}

// Targets puts the plan's numbers beside the actual ones.
type Targets struct {
	Examples, Actual int
	// MinRecommended and MaxRecommended are the usual size for the plan's
	// complexity (MaxRecommended 0: no upper bound).
	Complexity                     string
	MinRecommended, MaxRecommended int
	MultiTurn, ActualMultiTurn     float64
	Split                          float64
	// ActualSplit is -1 without a validation file.
	ActualSplit float64
	SystemMode  string
	// SystemPlanned is how many system prompt variants the mode implies:
	// 1 (consistent), 0 (none), or the prompts listed (varied; -1 when
	// none are listed: several).
	SystemPlanned, SystemActual int
}

func compareWithPlan(r *Report, p *plan.Plan) *Targets {
	t := &Targets{
		Examples: p.Size.Examples, Actual: r.TrainExamples + r.ValidExamples,
		Complexity: p.Size.Complexity,
		MultiTurn:  p.Diversity.MultiTurn, ActualMultiTurn: r.MultiTurnShare(),
		Split: p.Validation.Split, ActualSplit: r.ValidationShare(),
		SystemMode: p.SystemPrompt.Mode, SystemActual: r.SystemVariants,
	}
	t.MinRecommended, t.MaxRecommended, _ = plan.RecommendedSize(p.Size.Complexity)
	switch p.SystemPrompt.Mode {
	case "consistent":
		t.SystemPlanned = 1
	case "none":
		t.SystemPlanned = 0
	default:
		t.SystemPlanned = -1
		if n := len(p.SystemPrompt.Prompts); n > 1 {
			t.SystemPlanned = n
		}
	}
	return t
}

// OffTarget reports whether share misses target by more than the balance
// rules tolerate: 5 percentage points and a quarter of the target.
func OffTarget(share, target float64) bool {
	d := math.Abs(share - target)
	return d > 0.05 && d > 0.25*target
}

// limitFor is the token limit a model is billed up to.
func limitFor(model string, opts Options) int {
	if n, ok := tokens.Limit(model); ok {
		return n
	}
	if model == opts.Model && opts.TokenLimit > 0 {
		return opts.TokenLimit
	}
	return 65536
}
