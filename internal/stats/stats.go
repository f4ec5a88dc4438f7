// Package stats summarises a checked dataset: its size, formats, category
// shares, token distributions, system prompt variety, multi-turn share and
// duplicates. `ftls stats` prints it, the language server shows it on hover
// and `ftls info` builds the statistics document on it.
package stats

import (
	"slices"
	"sort"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/engine"
)

// Stats are the figures of one dataset file.
type Stats struct {
	Path     string         `json:"path"`
	Rows     int            `json:"rows"`     // lines or array elements, blank lines included
	Examples int            `json:"examples"` // rows that are JSON objects
	Formats  map[string]int `json:"formats"`
	Dominant string         `json:"dominantFormat"`

	Categories    []Category `json:"categories"`
	Uncategorized int        `json:"uncategorized"`

	Encoding        string       `json:"encoding"`
	TotalTokens     Distribution `json:"totalTokens"`
	UserTokens      Distribution `json:"userTokens"`
	AssistantTokens Distribution `json:"assistantTokens"`

	SystemPromptVariants int `json:"systemPromptVariants"`
	WithSystemPrompt     int `json:"withSystemPrompt"`
	MultiTurn            int `json:"multiTurn"`
	SingleTurn           int `json:"singleTurn"`
	// NoUserTurn counts the examples with no user turn at all (only a
	// system prompt and an answer, say), which are neither multi- nor
	// single-turn.
	NoUserTurn int `json:"noUserTurn"`

	Duplicates     int            `json:"duplicates"`
	NearDuplicates int            `json:"nearDuplicates"`
	Findings       map[string]int `json:"findings"` // by rule code
	Errors         int            `json:"errors"`
	Warnings       int            `json:"warnings"`
}

// Category is one category's count and share of the categorised examples.
type Category struct {
	Name  string  `json:"name"`
	Count int     `json:"count"`
	Share float64 `json:"share"`
}

// Distribution describes per-example values.
type Distribution struct {
	Sum  int64   `json:"sum"`
	Mean float64 `json:"mean"`
	P50  int     `json:"p50"`
	P90  int     `json:"p90"`
	P99  int     `json:"p99"`
	Max  int     `json:"max"`
}

// MultiTurnShare is the share of examples with more than one user turn.
func (s *Stats) MultiTurnShare() float64 {
	if n := s.MultiTurn + s.SingleTurn; n > 0 {
		return float64(s.MultiTurn) / float64(n)
	}
	return 0
}

// FromResult computes the statistics of a checked file. Token figures are
// only filled when the check ran with Settings.CountTokens.
func FromResult(res *engine.Result, encoding string) *Stats {
	s := &Stats{
		Path: res.Path, Rows: res.Tally.Rows, Formats: map[string]int{},
		Dominant: res.Dominant.String(), Encoding: encoding, Findings: map[string]int{},
	}
	for f, n := range res.Formats {
		if n > 0 {
			s.Formats[dataset.Format(f).String()] = n
			s.Examples += n
		}
	}
	cats := map[string]int{}
	systems := map[uint64]bool{}
	var total, user, assistant []int
	for _, r := range res.Rows {
		if !r.Object {
			continue
		}
		if r.Category == "" {
			s.Uncategorized++
		} else {
			cats[r.Category]++
		}
		if r.System != 0 {
			systems[r.System] = true
			s.WithSystemPrompt++
		}
		switch {
		case r.UserTurns > 1:
			s.MultiTurn++
		case r.UserTurns == 1:
			s.SingleTurn++
		default:
			s.NoUserTurn++
		}
		if ex := r.Extra(); ex.Tokens > 0 {
			total = append(total, int(ex.Tokens))
			user = append(user, int(ex.UserTokens))
			assistant = append(assistant, int(ex.AssistantTokens))
		}
	}
	s.SystemPromptVariants = len(systems)
	s.Categories = categories(cats)
	s.TotalTokens, s.UserTokens, s.AssistantTokens = distribution(total), distribution(user), distribution(assistant)
	for _, d := range res.Diagnostics {
		s.Findings[d.Code]++
		switch d.Severity {
		case diagnostics.Error:
			s.Errors++
		case diagnostics.Warning:
			s.Warnings++
		}
	}
	s.Duplicates, s.NearDuplicates = s.Findings["D001"], s.Findings["D002"]
	return s
}

func categories(counts map[string]int) []Category {
	total := 0
	for _, n := range counts {
		total += n
	}
	out := make([]Category, 0, len(counts))
	for name, n := range counts {
		out = append(out, Category{Name: name, Count: n, Share: float64(n) / float64(total)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func distribution(v []int) Distribution {
	if len(v) == 0 {
		return Distribution{}
	}
	slices.Sort(v)
	var d Distribution
	for _, x := range v {
		d.Sum += int64(x)
	}
	at := func(p float64) int { return v[min(len(v)-1, int(p*float64(len(v))))] }
	d.Mean = float64(d.Sum) / float64(len(v))
	d.P50, d.P90, d.P99, d.Max = at(0.5), at(0.9), at(0.99), v[len(v)-1]
	return d
}
