package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// rowsFile writes n distinct chat rows about topic to path; copies lists
// rows of another topic (topic:index) to repeat, for leaks.
func rowsFile(t *testing.T, path, topic string, n int, copies ...string) {
	t.Helper()
	var b strings.Builder
	row := func(topic string, i int) {
		var q, a []string
		for j := range 25 {
			q = append(q, fmt.Sprintf("%sq%d_%d", topic, i, j))
			a = append(a, fmt.Sprintf("%sa%d_%d", topic, i, j))
		}
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":%q},{"role":"assistant","content":%q}]}`+"\n", strings.Join(q, " "), strings.Join(a, " "))
	}
	for i := range n {
		row(topic, i)
	}
	for _, c := range copies {
		var top string
		var i int
		if _, err := fmt.Sscanf(strings.Replace(c, ":", " ", 1), "%s %d", &top, &i); err != nil {
			t.Fatal(err)
		}
		row(top, i)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// pairingLines keeps the D004 and B006 lines of check's output.
func pairingLines(out string) []string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if strings.Contains(l, "D004") || strings.Contains(l, "B006") {
			keep = append(keep, l)
		}
	}
	return keep
}

func TestCheckPairing(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T)
		args  []string
		want  []string
	}{
		{
			name: "validation file alone pairs with its folder's training file",
			setup: func(t *testing.T) {
				rowsFile(t, "train.jsonl", "t", 27)
				rowsFile(t, "valid.jsonl", "v", 2, "t:4")
			},
			args: []string{"valid.jsonl"},
			want: []string{"valid.jsonl:3:1: error D004 also in the training file train.jsonl at line 5"},
		},
		{
			name: "folder pairs by name stem, B006 once per pair",
			setup: func(t *testing.T) {
				rowsFile(t, "d/foo-train.jsonl", "f", 20)
				rowsFile(t, "d/foo-valid.jsonl", "fv", 2, "f:1")
				rowsFile(t, "d/bar-train.jsonl", "b", 60)
				rowsFile(t, "d/bar-valid.jsonl", "bv", 8)
				rowsFile(t, "d/training_set.jsonl", "s", 40)
				rowsFile(t, "d/validation_set.jsonl", "sv", 14, "b:0")
			},
			args: []string{"d"},
			want: []string{
				"d/foo-valid.jsonl:3:1: error D004 also in the training file foo-train.jsonl at line 2",
				"d/validation_set.jsonl:1:1: warning B006 validation holds 15 of 55 examples (27.3 %); hold out 10-20 %",
			},
		},
		{
			name: "train and valid given from two folders",
			setup: func(t *testing.T) {
				rowsFile(t, "a/train.jsonl", "t", 30)
				rowsFile(t, "b/valid.jsonl", "v", 3, "t:0")
			},
			args: []string{"a/train.jsonl", "b/valid.jsonl"},
			want: []string{"b/valid.jsonl:4:1: error D004 also in the training file train.jsonl at line 1"},
		},
		{
			name: "no partner among unrelated files",
			setup: func(t *testing.T) {
				rowsFile(t, "x.jsonl", "x", 20)
				rowsFile(t, "y.jsonl", "y", 20)
				rowsFile(t, "z-valid.jsonl", "z", 30, "x:1")
			},
			args: []string{"."},
			want: nil,
		},
		{
			name: "plan pairs its outputs, the training file read from disk",
			setup: func(t *testing.T) {
				rowsFile(t, "data.jsonl", "t", 27)
				rowsFile(t, "heldout.jsonl", "v", 2, "t:9")
				plan := "version: 1\ntask: {type: qa}\nsize: {examples: 30, complexity: simple}\noutput: {train: data.jsonl, validation: heldout.jsonl}\n"
				if err := os.WriteFile("s.plan.yaml", []byte(plan), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			args: []string{"heldout.jsonl"},
			want: []string{"heldout.jsonl:3:1: error D004 also in the training file data.jsonl at line 10"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			tc.setup(t)
			r := ftls(t, append([]string{"check", "--disable", "C018", "--disable", "B005"}, tc.args...)...)
			got := pairingLines(r.stdout)
			if !slices.Equal(got, tc.want) {
				t.Errorf("D004/B006 lines:\n%s\nwant:\n%s\n(all output:\n%s%s)", strings.Join(got, "\n"), strings.Join(tc.want, "\n"), r.stdout, r.stderr)
			}
		})
	}
}
