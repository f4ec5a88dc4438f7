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
	s.Severities["C010"], s.Data = Off, DataSketch
	s.Embeddings = &EmbeddingSettings{Model: "m", Threshold: 0.9}
	s.Review, s.ReviewThreshold, s.ModelFixes = noVerdicts{}, 4, true
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

// TestRowDataFollowsRules checks that the row data computed is what the
// enabled rules declare, plus what the job asks for.
func TestRowDataFollowsRules(t *testing.T) {
	off := func(codes ...string) *Settings {
		s := DefaultSettings()
		for _, r := range All() {
			s.Severities[r.Code] = Off
		}
		for _, c := range codes {
			delete(s.Severities, c)
		}
		return s
	}
	tests := []struct {
		name string
		s    *Settings
		want RowData
	}{
		{"every rule off", off(), 0},
		{"D002", off("D002"), DataRows | DataTurns | DataSketch},
		{"B001", off("B001"), DataRows | DataCategory},
		{"a split's data", func() *Settings { s := off(); s.Data = DataCategory | DataFingerprint; return s }(), DataCategory | DataTurns | DataFingerprint},
		{"statistics", func() *Settings { s := off(); s.CountTokens = true; return s }(), DataStats},
	}
	for _, tt := range tests {
		if got := tt.s.needed().data; got != tt.want {
			t.Errorf("%s: row data %b, want %b", tt.name, got, tt.want)
		}
	}
	for _, r := range All() {
		if r.Row != nil && r.Needs != 0 {
			t.Errorf("%s is a row rule: it reads its own row, not summaries", r.Code)
		}
	}
}

type noVerdicts struct{}

func (noVerdicts) Verdict(string) (ReviewVerdict, bool) { return ReviewVerdict{}, false }
