package workspace

import (
	"path/filepath"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/info"
	"github.com/ftls-dev/ftls/internal/pairing"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/stats"
)

// InfoFile is one dataset that dataset_info.txt documents.
type InfoFile struct {
	Path string
	Role info.Role
	// Result is the dataset's check with token counts; nil when the file
	// does not exist yet (a validation file the plan names).
	Result *engine.Result
}

// InfoJob is dataset_info.txt for some datasets: `ftls info` reads them
// from disk, the editor from its documents; the document is the same.
type InfoJob struct {
	Files []InfoFile
	// Plan governs the datasets; nil without one.
	Plan *plan.Plan
	// DocPath is where the document goes: names in it are relative to its
	// folder.
	DocPath string
	// Settings are those of the first training file: they name the model,
	// the tokenizer and the thresholds of the document.
	Settings *diagnostics.Settings
	// Prices are the training prices per model; nil takes the defaults.
	Prices []info.Price
	// Generate is set when `ftls generate` can run (the next steps say so).
	Generate bool
}

// Build makes the document.
func (j *InfoJob) Build() *info.Report {
	dir := filepath.Dir(j.DocPath)
	s := j.Settings
	enc := s.Tokens().Encoding()
	files := make([]info.File, 0, len(j.Files))
	for _, f := range j.Files {
		inf := info.File{Name: RelTo(dir, f.Path), Role: f.Role, Missing: f.Result == nil, Result: f.Result}
		if f.Result != nil {
			inf.Stats = stats.FromResult(f.Result, enc)
		}
		files = append(files, inf)
	}
	opts := info.Options{
		Plan: j.Plan, Model: s.Model, Encoding: enc, TokenLimit: s.TokenLimit(),
		NearDuplicate: s.NearDuplicate, MetadataKey: s.MetadataKey, CategoryField: s.CategoryField,
		InfoName: RelTo(dir, j.DocPath), Generate: j.Generate, Prices: j.Prices,
	}
	if opts.Prices == nil {
		opts.Prices = info.DefaultPrices()
	}
	if j.Plan != nil {
		opts.PlanName = RelTo(dir, j.Plan.Path)
	}
	return info.Build(files, opts)
}

// RelTo names path relative to dir, with forward slashes, or as given when
// it cannot be.
func RelTo(dir, path string) string {
	ad, err1 := filepath.Abs(dir)
	ap, err2 := filepath.Abs(path)
	if err1 != nil || err2 != nil {
		return path
	}
	rel, err := filepath.Rel(ad, ap)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// Role is the part the dataset at path plays: what the plan that governs
// it says, else what its name says (package pairing).
func Role(path string, p *plan.Plan) info.Role {
	if p != nil {
		if t, v := p.Governs(path); t {
			return info.Training
		} else if v {
			return info.Validation
		}
	}
	if pairing.IsValidation(path) {
		return info.Validation
	}
	return info.Training
}

// Companion is the validation file p names for its training file at
// path, documented with it; "" when there is none.
func Companion(path string, p *plan.Plan) string {
	if p == nil || p.Output.Validation == "" {
		return ""
	}
	valid := p.OutputPath(p.Output.Validation)
	if t, _ := p.Governs(path); !t || plan.SamePath(valid, path) {
		return ""
	}
	return valid
}
