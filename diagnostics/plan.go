package diagnostics

// The P family: problems in a dataset plan file (*.plan.yaml), and the two
// balance rules (B005, B006) that compare a plan's numbers with the size and
// split recommendations.
//
// The checks themselves live in package plan, which parses the YAML with
// positions; the rules' files (p001_plan_yaml_syntax.go …) give them their
// codes, severities and documentation. B005 and B006 have no row or file function yet: the plan
// validator reports them on the plan entry, and the cross-row engine will
// report them on datasets.

// ValidationShare returns B006 for a validation file of validN examples
// next to a training file of trainN, placed on the validation file's first
// row.
func ValidationShare(s *Settings, trainN int, valid []RowInfo) []Diagnostic {
	sev := s.Severity("B006")
	validN := 0
	for _, r := range valid {
		if r.Object {
			validN++
		}
	}
	if sev == Off || trainN+validN == 0 || validN == 0 {
		return nil
	}
	share := float64(validN) / float64(trainN+validN)
	if share >= 0.10 && share <= 0.20 {
		return nil
	}
	f := NewFileContext(s, valid, TallyOf(valid))
	f.ReportFile("B006", "validation holds %d of %d examples (%s); hold out 10-20 %%", validN, trainN+validN, pct(share))
	return f.diags
}
