package plan

import (
	"maps"
	"reflect"

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
	s := cloneSettings(base)
	if p.Has("output", "category_field") {
		s.CategoryField = p.Output.CategoryField
	}
	if err := p.Lint.Apply(s); err != nil {
		return base, err
	}
	return s, nil
}

// cloneSettings copies the exported fields of s (its token counter cache
// is not shared) and its severity map.
func cloneSettings(s *diagnostics.Settings) *diagnostics.Settings {
	c := &diagnostics.Settings{}
	src, dst := reflect.ValueOf(s).Elem(), reflect.ValueOf(c).Elem()
	for i := 0; i < src.NumField(); i++ {
		if src.Type().Field(i).IsExported() {
			dst.Field(i).Set(src.Field(i))
		}
	}
	c.Severities = maps.Clone(s.Severities)
	if c.Severities == nil {
		c.Severities = map[string]diagnostics.Severity{}
	}
	return c
}
