package pairing

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ftls-dev/ftls/internal/plan"
)

func TestIsValidation(t *testing.T) {
	for name, want := range map[string]bool{
		"valid.jsonl": true, "validation_data.jsonl": true, "lora-valid.jsonl": true, "eval.jsonl": true,
		"dev.jsonl": true, "test_set.jsonl": true, "genai__validation_set.jsonl": true, "x.val.jsonl": true,
		"train.jsonl": false, "training_data.jsonl": false, "01-testing-example.jsonl": false,
		"developer.jsonl": false, "interval.jsonl": false, "": false,
	} {
		if got := IsValidation(name); got != want {
			t.Errorf("IsValidation(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestStem(t *testing.T) {
	for name, want := range map[string]string{
		"foo-train.jsonl":                        "foo",
		"foo_valid.jsonl":                        "foo",
		"training_set.jsonl":                     "set",
		"validation_set.jsonl":                   "set",
		"train.jsonl":                            "",
		"valid.jsonl":                            "",
		"mlx-examples__lora-train.jsonl":         "mlx-examples-lora",
		"genai-autograding__validation_set.json": "genai-autograding-set",
		"data.jsonl":                             "data",
	} {
		if got := Stem(name); got != want {
			t.Errorf("Stem(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPartner(t *testing.T) {
	shared := []string{
		"d/genai__training_set.jsonl", "d/genai__validation_set.jsonl",
		"d/lora-train.jsonl", "d/lora-valid.jsonl",
		"d/wwdc25-train.jsonl", "d/wwdc25-valid.jsonl",
		"d/drone_training.jsonl", "d/toy_chat.jsonl",
	}
	for _, tc := range []struct {
		name, valid string
		candidates  []string
		want        string
	}{
		{"same stem among many", "d/lora-valid.jsonl", shared, "d/lora-train.jsonl"},
		{"training_set and validation_set", "d/genai__validation_set.jsonl", shared, "d/genai__training_set.jsonl"},
		{"train and valid alone", "d/valid.jsonl", []string{"d/train.jsonl", "d/other.jsonl"}, "d/train.jsonl"},
		{"only training file of the folder", "d/eval.jsonl", []string{"d/data.jsonl", "d/eval.jsonl"}, "d/data.jsonl"},
		{"no stem, several candidates: none", "d/foo-valid.jsonl", []string{"d/a.jsonl", "d/b.jsonl"}, ""},
		{"same folder first", "d/valid.jsonl", []string{"e/train.jsonl", "d/data.jsonl"}, "d/data.jsonl"},
		{"other folders when the folder has none", "v/valid.jsonl", []string{"t/train.jsonl"}, "t/train.jsonl"},
		{"validation files are never partners", "d/valid.jsonl", []string{"d/test.jsonl"}, ""},
		{"a training file has no partner", "d/train.jsonl", []string{"d/data.jsonl"}, ""},
		{"itself is no partner", "d/valid.jsonl", []string{"d/valid.jsonl"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Partner(tc.valid, tc.candidates); got != tc.want {
				t.Errorf("Partner(%q) = %q, want %q", tc.valid, got, tc.want)
			}
		})
	}
}

func TestPairs(t *testing.T) {
	paths := []string{"d/a-train.jsonl", "d/a-valid.jsonl", "d/b-train.jsonl", "d/b-valid.jsonl", "d/b-test.jsonl", "d/c.jsonl"}
	got := Pairs(paths)
	want := map[int]int{1: 0, 3: 2, 4: 2}
	if len(got) != len(want) {
		t.Fatalf("Pairs = %v, want %v", got, want)
	}
	for v, tr := range want {
		if got[v] != tr {
			t.Errorf("Pairs = %v, want %v", got, want)
		}
	}
}

func TestFolder(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"train.jsonl", "other.jsonl", "valid.jsonl", "x.plan.yaml", "package.json", "rows.json"} {
		body := "{}\n"
		if f == "rows.json" {
			body = "[{}]\n"
		}
		if err := os.WriteFile(filepath.Join(dir, f), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	valid := filepath.Join(dir, "valid.jsonl")
	if got, want := Folder(valid), filepath.Join(dir, "train.jsonl"); got != want {
		t.Errorf("Folder = %q, want %q", got, want)
	}
	// A training file not on disk yet (an editor's unsaved document).
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, want := Folder(filepath.Join(sub, "rows-valid.jsonl"), filepath.Join(sub, "rows-train.jsonl")), filepath.Join(sub, "rows-train.jsonl"); got != want {
		t.Errorf("Folder with an open document = %q, want %q", got, want)
	}
	// Only rows.json among the arrays counts; package.json is no dataset.
	os.Remove(filepath.Join(dir, "train.jsonl"))
	os.Remove(filepath.Join(dir, "other.jsonl"))
	if got, want := Folder(valid), filepath.Join(dir, "rows.json"); got != want {
		t.Errorf("Folder with a JSON array = %q, want %q", got, want)
	}
}

func TestPlan(t *testing.T) {
	dir := t.TempDir()
	pp := filepath.Join(dir, "s.plan.yaml")
	src := "version: 1\noutput: {train: data.jsonl, validation: heldout.jsonl}\n"
	p, _ := plan.Parse(pp, []byte(src))
	if got, want := Plan(p, filepath.Join(dir, "heldout.jsonl")), filepath.Join(dir, "data.jsonl"); got != want {
		t.Errorf("Plan = %q, want %q", got, want)
	}
	if got := Plan(p, filepath.Join(dir, "data.jsonl")); got != "" {
		t.Errorf("Plan of the training file = %q, want none", got)
	}
	if got := Plan(nil, "x"); got != "" {
		t.Errorf("Plan(nil) = %q", got)
	}
}
