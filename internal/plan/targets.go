package plan

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// Apply layers the plan over base, for checking a dataset it governs: the
// lint section and category field (LintSettings), the style that Q002
// judges lengths by, and the targets of the balance rules.
func (p *Plan) Apply(base *diagnostics.Settings) (*diagnostics.Settings, error) {
	s, err := p.LintSettings(base)
	if err != nil {
		return nil, err
	}
	if p.Has("style", "response_length") {
		s.ResponseLength = p.Style.ResponseLength
	}
	s.Plan = p.BalanceTargets()
	s.Embeddings = p.EmbeddingSettings()
	return s, nil
}

// EmbeddingSettings returns the settings of the semantic near-duplicates
// (D005), nil when the plan has no embeddings section: they are opt in.
func (p *Plan) EmbeddingSettings() *diagnostics.EmbeddingSettings {
	if !p.Has("embeddings") {
		return nil
	}
	e := p.Embeddings
	return &diagnostics.EmbeddingSettings{Model: e.Model, Threshold: e.Threshold, PromptOnly: e.Compare == "prompt"}
}

// BalanceTargets returns what the plan asks of its datasets, with where in
// the plan each number is written.
func (p *Plan) BalanceTargets() *diagnostics.PlanTargets {
	t := &diagnostics.PlanTargets{
		Path:       p.Path,
		Examples:   p.Size.Examples,
		Complexity: p.Size.Complexity,
		SystemMode: p.SystemPrompt.Mode,
	}
	t.MinExamples, _, _ = RecommendedSize(p.Size.Complexity)
	t.Train, t.Validation = p.OutputPath(p.Output.Train), p.OutputPath(p.Output.Validation)
	t.SizeRange = p.rangeOr("size", "examples")
	if p.Has("diversity", "multi_turn") {
		t.HasMultiTurn, t.MultiTurn = true, p.Diversity.MultiTurn
		t.MultiTurnRange = p.rangeOr("diversity", "multi_turn")
	}
	if !p.Has("system_prompt", "mode") {
		t.SystemMode = ""
	}
	t.SystemModeRange = p.rangeOr("system_prompt", "mode")
	t.SystemPrompts = p.SystemPrompt.Prompts
	t.SystemPromptsRange = p.rangeOr("system_prompt", "prompts")
	for _, c := range p.Targets() {
		t.Categories = append(t.Categories, diagnostics.CategoryTarget{
			Name: c.Name, Count: c.Count, Share: c.Share,
			Range: p.rangeOr("categories", strconv.Itoa(c.Index)),
		})
	}
	return t
}

// rangeOr returns the range of the value at path, or of the nearest parent
// that is written in the file.
func (p *Plan) rangeOr(path ...string) (rng textpos.Range) {
	for n := len(path); n > 0; n-- {
		if r, ok := p.ValueRange(path[:n]...); ok {
			return r
		}
	}
	return rng
}

// Governs reports whether the plan names datasetPath as its training or
// validation output, and which.
func (p *Plan) Governs(datasetPath string) (train, validation bool) {
	abs, err := filepath.Abs(datasetPath)
	if err != nil {
		return false, false
	}
	return abs == p.OutputPath(p.Output.Train), p.Output.Validation != "" && abs == p.OutputPath(p.Output.Validation)
}

// OutputPath resolves a path of the output section against the plan's
// folder.
func (p *Plan) OutputPath(rel string) string {
	if rel == "" {
		return ""
	}
	if filepath.IsAbs(rel) {
		return filepath.Clean(rel)
	}
	dir, _ := filepath.Abs(filepath.Dir(p.Path))
	return filepath.Join(dir, rel)
}

// WritePath is OutputPath for a file about to be written: it resolves
// output.key (key is "train", "validation" or "info"; rel its value) and
// returns an error when the path leaves the plan's folder, by an absolute
// path, by climbing with .. or through a symbolic link (P005). The check
// does not depend on P005's severity: a plan that turns the rule off, or
// that was never checked, still cannot make ftls write outside its folder.
func (p *Plan) WritePath(key, rel string) (string, error) {
	if rel == "" {
		return "", nil
	}
	if code, msg := outputEscape(p.Path, key, rel); code != "" {
		return "", fmt.Errorf("%s: %s (%s); refusing to write there", p.Path, msg, code)
	}
	return p.OutputPath(rel), nil
}
