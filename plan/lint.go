package plan

import "github.com/ftls-dev/ftls/diagnostics"

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
