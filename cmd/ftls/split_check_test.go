package main

import (
	"os"
	"strings"
	"testing"
)

// TestSplitOutputPassesCheck: `ftls split` with its defaults writes files
// that `ftls check` does not warn about for the split itself: the
// validation share is within 10-20 % (no B006), and the training-size
// recommendation (B005) is not applied to the validation file.
func TestSplitOutputPassesCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		rows int
		plan string
	}{
		{"57 rows, no plan", 57, ""},
		{"54 rows, no plan", 54, ""},
		{"240 rows, medium plan", 240, "version: 1\ntask: {type: qa}\nsize: {examples: 600, complexity: medium}\noutput: {train: training_data.jsonl, validation: validation_data.jsonl}\n"},
		{"57 rows, plan naming its outputs otherwise", 57, "version: 1\ntask: {type: qa}\nsize: {examples: 600, complexity: medium}\noutput: {train: data.jsonl, validation: heldout.jsonl}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			train, valid := "training_data.jsonl", "validation_data.jsonl"
			if tc.plan != "" {
				if err := os.WriteFile("s.plan.yaml", []byte(tc.plan), 0o644); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(tc.plan, "heldout") {
					train, valid = "data.jsonl", "heldout.jsonl"
				}
			}
			rowsFile(t, train, "t", tc.rows)
			ftls(t, "split", train).wantCode(t, exitOK)
			r := ftls(t, "check", train, valid)
			for _, l := range strings.Split(r.stdout, "\n") {
				if strings.Contains(l, "B006") || strings.HasPrefix(l, valid) && strings.Contains(l, "B005") {
					t.Errorf("after split: %s", l)
				}
			}
			if tc.plan != "" && !strings.Contains(r.stdout, train+":1:1: warning B005") {
				t.Errorf("the training file lost its B005:\n%s", r.stdout)
			}
		})
	}
}
