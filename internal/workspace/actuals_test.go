package workspace

import (
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
)

func TestActualNote(t *testing.T) {
	p, _ := plan.Parse("/w/s.plan.yaml", []byte("version: 1\ntask: {type: qa}\nsize: {examples: 10}\ncategories:\n  - {name: a, weight: 1}\n  - {name: b, weight: 1}\noutput: {train: train.jsonl, validation: valid.jsonl}\n"))
	rows := func(cats ...string) *engine.Result {
		res := &engine.Result{}
		res.Formats[dataset.Chat] = len(cats)
		for _, c := range cats {
			res.Rows = append(res.Rows, diagnostics.RowInfo{Object: true, Category: c, UserTurns: 1})
		}
		return res
	}
	read := func(path string) (*engine.Result, bool) {
		switch {
		case strings.HasSuffix(path, "train.jsonl"):
			return rows("a", "a", "b"), false
		case strings.HasSuffix(path, "valid.jsonl"):
			return rows("a"), false
		}
		return nil, false
	}
	a := NewActuals(p, read)
	if a.Examples != 4 || a.TrainN != 3 || a.ValidN != 1 || a.PerCat["a"] != 3 {
		t.Fatalf("actuals %+v", a)
	}
	tests := []struct {
		path []string
		want string
	}{
		{[]string{"size", "examples"}, "Planned **10** examples · actual **4** (3 in train.jsonl, 1 in valid.jsonl) · short 6"},
		{[]string{"categories", "0"}, "**a**: planned **5** examples (50.0 % of 10) · actual **3** (75.0 % of 4 in train.jsonl and valid.jsonl) · short 2"},
		{[]string{"validation", "split"}, "actual **25.0 %** (1 validation, 3 training examples)"},
		{[]string{"task", "type"}, ""},
	}
	for _, tt := range tests {
		got := ActualNote(p, tt.path, func() *Actuals { return a })
		if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
			t.Errorf("%v: %q, want it to contain %q", tt.path, got, tt.want)
		}
	}
	missing := NewActuals(p, func(string) (*engine.Result, bool) { return nil, true })
	if got := ActualNote(p, []string{"size", "examples"}, func() *Actuals { return missing }); !strings.Contains(got, "counting the examples of train.jsonl") {
		t.Errorf("pending: %q", got)
	}
}
