package diagnostics

import (
	"reflect"
	"testing"
)

// TestCloneCopiesEveryField fails when a field is added to Settings but not
// to Clone.
func TestCloneCopiesEveryField(t *testing.T) {
	s := DefaultSettings()
	s.Target, s.Model, s.MaxTokens = TargetGeneric, "gpt-3.5-turbo", 123
	s.MetadataKey, s.CategoryField, s.NearDuplicate = "meta", "meta.cat", 0.5
	s.ResponseLength, s.Plan, s.CountTokens = "brief", &PlanTargets{Path: "x.plan.yaml"}, true
	s.OverTemplatingShare, s.LengthOutlierFactor, s.BalanceTolerance = 0.3, 5, 0.1
	s.Severities["C010"] = Off
	c := s.Clone()
	v, cv := reflect.ValueOf(s).Elem(), reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		if v.Field(i).IsZero() {
			t.Errorf("set %s in this test, so that Clone is checked for it", f.Name)
		}
		if !reflect.DeepEqual(v.Field(i).Interface(), cv.Field(i).Interface()) {
			t.Errorf("Clone does not copy %s", f.Name)
		}
	}
	c.Severities["C011"] = Off
	if _, ok := s.Severities["C011"]; ok {
		t.Error("Clone shares the severity map")
	}
}
