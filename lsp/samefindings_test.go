package lsp

import (
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// TestSameFindingsAgreesWithConversion checks the shortcut publish takes
// (findings equal to the last result's) against the comparison of their
// conversions for the editor: whenever sameFindings says equal, the
// converted diagnostics are equal too, and a change in any field that
// reaches the editor is seen.
func TestSameFindingsAgreesWithConversion(t *testing.T) {
	base := diagnostics.Diagnostic{
		Code: "D001", Severity: diagnostics.Warning, Message: "duplicate of row 3",
		Range:   textpos.Range{Start: textpos.Position{Line: 7}, End: textpos.Position{Line: 7, Character: 40}},
		Offset:  900,
		Related: []diagnostics.Related{{Range: textpos.Range{Start: textpos.Position{Line: 2}}, Message: "row 3"}},
		Fix:     &diagnostics.Fix{Title: "delete the row", Start: 900, End: 941},
	}
	edits := map[string]func(d *diagnostics.Diagnostic){
		"nothing":     func(d *diagnostics.Diagnostic) {},
		"offset only": func(d *diagnostics.Diagnostic) { d.Offset++ },
		"fix bytes only": func(d *diagnostics.Diagnostic) {
			d.Fix = &diagnostics.Fix{Title: "delete the row", Start: 901, End: 942}
		},
		"code":     func(d *diagnostics.Diagnostic) { d.Code = "D002" },
		"severity": func(d *diagnostics.Diagnostic) { d.Severity = diagnostics.Error },
		"message":  func(d *diagnostics.Diagnostic) { d.Message += "!" },
		"range":    func(d *diagnostics.Diagnostic) { d.Range.End.Character++ },
		"no fix":   func(d *diagnostics.Diagnostic) { d.Fix = nil },
		"related range": func(d *diagnostics.Diagnostic) {
			d.Related = []diagnostics.Related{{Range: textpos.Range{Start: textpos.Position{Line: 3}}, Message: "row 3"}}
		},
		"related path": func(d *diagnostics.Diagnostic) {
			d.Related = []diagnostics.Related{{Path: "/tmp/train.jsonl", Message: "row 3"}}
		},
		"related dropped": func(d *diagnostics.Diagnostic) { d.Related = nil },
		"related message": func(d *diagnostics.Diagnostic) {
			d.Related = []diagnostics.Related{{Range: base.Related[0].Range, Message: "row 4"}}
		},
	}
	result := func(ds ...diagnostics.Diagnostic) *result {
		return &result{snap: &snapshot{uri: "file:///tmp/data.jsonl", version: 2}, res: &engine.Result{Diagnostics: ds}}
	}
	for name, edit := range edits {
		t.Run(name, func(t *testing.T) {
			d := base
			edit(&d)
			a, b := result(base), result(d)
			fast := sameFindings(a.res.Diagnostics, b.res.Diagnostics)
			slow := sameDiagnostics(toLSPDiagnostics(a), toLSPDiagnostics(b))
			if fast != slow {
				t.Errorf("sameFindings = %v, the conversions' comparison = %v", fast, slow)
			}
		})
	}
	if sameFindings([]diagnostics.Diagnostic{base}, []diagnostics.Diagnostic{base, base}) {
		t.Error("sets of different lengths compared equal")
	}
}
