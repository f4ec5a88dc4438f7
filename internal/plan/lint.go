package plan

import (
	"fmt"
	"path/filepath"

	"github.com/ftls-dev/ftls/diagnostics"
)

// LintSettings returns a copy of base with the plan's settings applied:
// output.category_field, then the lint section (which has the keys of
// ftls.yaml). base is left unchanged. Layer it after ftls.yaml and before
// command-line flags: defaults, ftls.yaml, the plan, flags.
//
// Values the schema rejected were reported (P003) and are not applied, so
// an error here only comes from a base that was already invalid.
func (p *Plan) LintSettings(base *diagnostics.Settings) (*diagnostics.Settings, error) {
	s := base.Clone()
	if p.Has("output", "category_field") {
		s.CategoryField = p.Output.CategoryField
	}
	if err := p.Lint.Apply(s); err != nil {
		return base, err
	}
	return s, nil
}

// FindingsError refuses a plan for its findings at error severity, under
// its own lint: settings. Generation, from the command line or the
// editor, refuses such a plan: it would follow instructions the plan
// itself says are wrong.
type FindingsError struct {
	Path     string
	Findings []diagnostics.Diagnostic
}

func (e *FindingsError) Error() string {
	d := e.Findings[0]
	more := ""
	if n := len(e.Findings) - 1; n > 0 {
		more = fmt.Sprintf(" (and %d more)", n)
	}
	return fmt.Sprintf("the plan %s has errors; fix them before generating: line %d: %s %s%s",
		filepath.Base(e.Path), d.Range.Start.Line+1, d.Code, d.Message, more)
}

// ReadyToGenerate returns a *FindingsError when the plan has findings at
// error severity, nil otherwise.
func (p *Plan) ReadyToGenerate() error {
	s, err := p.LintSettings(diagnostics.DefaultSettings())
	if err != nil {
		s = diagnostics.DefaultSettings()
	}
	var bad []diagnostics.Diagnostic
	for _, d := range p.Diagnostics(s) {
		if d.Severity == diagnostics.Error {
			bad = append(bad, d)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &FindingsError{Path: p.Path, Findings: bad}
}
