package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/atomicfile"

	"github.com/ftls-dev/ftls/internal/split"
)

// examplesDir is the repository's examples folder.
var examplesDir = filepath.Join(testdataDir, "..", "..", "..", "examples")

// exampleSandbox copies files of examples/ into a temporary folder and
// makes it the working directory.
func exampleSandbox(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(examplesDir, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

// splitData writes a dataset of n rows over three categories of
// different sizes, with a few invalid lines, to path.
func splitData(t *testing.T, path string, n int) string {
	t.Helper()
	var b strings.Builder
	cats := []string{"billing", "billing", "billing", "returns", "returns", "shipping"}
	for i := range n {
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"question %d: why %s %s %s?"},{"role":"assistant","content":"because %d"}],"metadata":{"category":%q}}`+"\n",
			i, words3(i), words3(i*7+1), words3(i*13+2), i, cats[i%len(cats)])
		if i%50 == 49 {
			b.WriteString("{broken\n")
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func words3(i int) string {
	w := []string{"order", "parcel", "refund", "label", "courier", "jacket", "boots", "tent", "voucher", "card", "stove", "lantern", "zipper"}
	return w[i%len(w)] + " " + w[(i/3)%len(w)] + " " + w[(i/7)%len(w)]
}

func sortedLines(s string) []string {
	l := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if s == "" {
		l = nil
	}
	slices.Sort(l)
	return l
}

func TestSplitCommand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	orig := splitData(t, "data.jsonl", 300)

	r := ftls(t, "split", "data.jsonl", "--ratio", "0.2", "--seed", "7")
	r.wantCode(t, exitOK)
	for _, want := range []string{
		"data.jsonl: 20.0 % of each category to validation, seed 7",
		"billing            120          30   20.0 %",
		"returns             80          20   20.0 %",
		"shipping            40          10   20.0 %",
		"total              240          60   20.0 %",
		"kept in training as they are: 6 rows that are not a valid JSON object",
		"wrote data_validation.jsonl (60 rows) and rewrote data.jsonl (246 rows)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	train, valid := read(t, "data.jsonl"), read(t, "data_validation.jsonl")
	if got, want := sortedLines(train+valid), sortedLines(orig); !slices.Equal(got, want) {
		t.Error("train + validation rows differ from the input")
	}
	if strings.Contains(valid, "{broken") {
		t.Error("an invalid row went to validation")
	}
	// No leak and a 10-20 % validation share: check is clean on D004/B006.
	c := ftls(t, "check", "--target", "generic", "--disable", "J", "data.jsonl", "data_validation.jsonl")
	if strings.Contains(c.stdout, "D004") || strings.Contains(c.stdout, "B006") {
		t.Errorf("check after split:\n%s", c.stdout)
	}

	// A second split refuses to replace the validation file...
	r = ftls(t, "split", "data.jsonl")
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "data_validation.jsonl exists; pass --force") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if read(t, "data.jsonl") != train {
		t.Error("a refused split changed the training file")
	}
	// ... unless forced.
	r = ftls(t, "split", "data.jsonl", "--force", "--ratio", "0.1")
	r.wantCode(t, exitOK)
	if got := strings.Count(read(t, "data_validation.jsonl"), "\n"); got != 24 {
		t.Errorf("forced split moved %d rows, want 24", got)
	}
}

func TestSplitDeterministic(t *testing.T) {
	outputs := map[string]string{}
	for _, run := range []struct {
		name string
		seed string
	}{{"a", "1"}, {"b", "1"}, {"c", "2"}} {
		dir := t.TempDir()
		t.Chdir(dir)
		splitData(t, "train.jsonl", 200)
		r := ftls(t, "split", "train.jsonl", "--seed", run.seed)
		r.wantCode(t, exitOK)
		outputs[run.name] = read(t, "validation.jsonl")
	}
	if outputs["a"] != outputs["b"] {
		t.Error("same seed, different split")
	}
	if outputs["a"] == outputs["c"] {
		t.Error("different seeds, same split")
	}
}

func TestSplitUsesPlan(t *testing.T) {
	exampleSandbox(t, "training_data.jsonl", "support.plan.yaml")
	orig := read(t, "training_data.jsonl")
	r := ftls(t, "split", "training_data.jsonl")
	r.wantCode(t, exitOK)
	golden(t, "split-support.txt", r.stdout)
	valid := read(t, "validation_data.jsonl")
	if got, want := sortedLines(read(t, "training_data.jsonl")+valid), sortedLines(orig); !slices.Equal(got, want) {
		t.Error("rows differ from the input")
	}
	if n := strings.Count(valid, "\n"); n != 10 {
		t.Errorf("%d rows in validation, want 10 (15 %% of 12, rounded, in 5 categories)", n)
	}
}

func TestSplitSmallCategoriesAndNothingToMove(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	var b strings.Builder
	for i := range 20 {
		cat := "big"
		if i >= 17 {
			cat = "tiny"
		}
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"q %d %s"},{"role":"assistant","content":"a"}],"metadata":{"category":%q}}`+"\n", i, words3(i*5), cat)
	}
	b.WriteString("\n")
	os.WriteFile("train.jsonl", []byte(b.String()), 0o644)
	r := ftls(t, "split", "train.jsonl", "--dry-run")
	r.wantCode(t, exitOK)
	for _, want := range []string{"too small to split at 10.0 %, kept in training: tiny (3 rows)", "kept in training as they are: 1 blank line", "dry run: would write validation.jsonl (2 rows)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat("validation.jsonl"); err == nil {
		t.Error("--dry-run wrote the validation file")
	}

	os.WriteFile("small.jsonl", []byte(`{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`+"\n"), 0o644)
	r = ftls(t, "split", "small.jsonl")
	r.wantCode(t, exitFindings)
	if !strings.Contains(r.stderr, "nothing to move") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if _, err := os.Stat("small_validation.jsonl"); err == nil {
		t.Error("an empty validation file was written")
	}
}

func TestSplitRefusesJSONArrays(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	os.WriteFile("data.json", []byte(`[{"messages":[]}]`), 0o644)
	os.WriteFile("array.jsonl", []byte("  \n[{\"messages\":[]}]\n"), 0o644)
	for _, f := range []string{"data.json", "array.jsonl"} {
		r := ftls(t, "split", f)
		r.wantCode(t, exitUsage)
		if !strings.Contains(r.stderr, "is a JSON array") || !strings.Contains(r.stderr, "ftls export "+f) {
			t.Errorf("%s: %s", f, r.stderr)
		}
	}
}

func TestSplitUsageErrors(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	splitData(t, "train.jsonl", 20)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"split"}, "Usage: ftls split"},
		{[]string{"split", "train.jsonl", "--ratio", "1.5"}, "between 0 and 1"},
		{[]string{"split", "train.jsonl", "--ratio", "0"}, "between 0 and 1"},
		{[]string{"split", "train.jsonl", "-o", "./train.jsonl"}, "is the file being split"},
		{[]string{"split", "missing.jsonl"}, "missing.jsonl"},
	} {
		r := ftls(t, tc.args...)
		r.wantCode(t, exitUsage)
		if !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: stderr %q lacks %q", tc.args, r.stderr, tc.want)
		}
	}
}

func TestSplitValidationName(t *testing.T) {
	for in, want := range map[string]string{
		"training_data.jsonl":   "validation_data.jsonl",
		"data/train.jsonl":      filepath.Join("data", "validation.jsonl"),
		"support-train.ndjson":  "support-validation.ndjson",
		"TrainingSet.jsonl":     "ValidationSet.jsonl",
		"TRAIN.jsonl":           "VALIDATION.jsonl",
		"my_train_v2.jsonl":     "my_validation_v2.jsonl",
		"data.jsonl":            "data_validation.jsonl",
		"chats":                 "chats_validation",
		"out/dataset.v2.jsonl":  filepath.Join("out", "dataset.v2_validation.jsonl"),
		"retrain-notes.jsonl":   "retrain-notes_validation.jsonl",
		"constraints_set.jsonl": "constraints_set_validation.jsonl",
	} {
		if got := split.ValidationName(in); got != want {
			t.Errorf("split.ValidationName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSplitSecondRenameFails: when the training file cannot be replaced
// after the validation file was written, the message says what is on disk.
func TestSplitSecondRenameFails(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	orig := splitData(t, "train.jsonl", 100)
	saved := commit
	t.Cleanup(func() { commit = saved })
	commit = func(f *atomicfile.File) error {
		if strings.HasPrefix(filepath.Base(f.Name()), ".train.jsonl") {
			f.Abort()
			return errors.New("disk full")
		}
		return saved(f)
	}
	r := ftls(t, "split", "train.jsonl")
	r.wantCode(t, exitUsage)
	for _, want := range []string{"wrote validation.jsonl (10 rows) but could not replace train.jsonl: disk full", "train.jsonl is unchanged", "delete validation.jsonl to undo"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if read(t, "train.jsonl") != orig {
		t.Error("the training file changed")
	}
	entries, _ := os.ReadDir(".")
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
