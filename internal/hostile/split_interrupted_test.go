package hostile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A split killed between its two renames leaves the validation file
// written and the training file not yet rewritten: every validation row is
// still in training. The next `ftls split` must say so and give advice
// that does not duplicate rows (the old advice, "append it to the training
// file first", doubled every moved row: 4,984 of them in the probe).
func TestSplitInterruptedBetweenRenames(t *testing.T) {
	ref := t.TempDir()
	writeFile(t, filepath.Join(ref, "train.jsonl"), datasetRows(5000, 18, false))
	old := readFile(t, filepath.Join(ref, "train.jsonl"))
	timed(t, ref, nil, "split", "train.jsonl")
	newTrain := readFile(t, filepath.Join(ref, "train.jsonl"))
	newValid := readFile(t, filepath.Join(ref, "validation.jsonl"))
	moved := bytes.Count(newValid, []byte("\n"))

	// interrupted lays out the state a kill between the renames leaves.
	interrupted := func(t *testing.T) (dir, train, valid string) {
		dir = t.TempDir()
		train, valid = filepath.Join(dir, "train.jsonl"), filepath.Join(dir, "validation.jsonl")
		os.WriteFile(train, old, 0o644)
		os.WriteFile(valid, newValid, 0o644)
		return dir, train, valid
	}

	t.Run("the rerun says the split was interrupted", func(t *testing.T) {
		dir, train, valid := interrupted(t)
		r := runFTLS(t, runOpts{dir: dir}, "split", "train.jsonl")
		t.Logf("%s", r)
		msg := r.stderr.String()
		if r.code == 0 || !strings.Contains(msg, "interrupted") || !strings.Contains(msg, "--force") {
			t.Errorf("no sign of the interrupted split")
		}
		if strings.Contains(msg, "append it to") {
			t.Errorf("advises appending the validation rows, which are in the training file already")
		}
		if a, b := fileState(train, old, newTrain), fileState(valid, nil, newValid); a != "old" || b != "new" {
			t.Errorf("the refusal changed the files: train %s, validation %s", a, b)
		}
	})
	t.Run("following the advice: --force", func(t *testing.T) {
		dir, train, valid := interrupted(t)
		timed(t, dir, nil, "split", "--force", "train.jsonl")
		if a, b := fileState(train, old, newTrain), fileState(valid, nil, newValid); a != "new" || b != "new" {
			t.Errorf("train %s, validation %s", a, b)
		}
	})
	t.Run("following the advice: delete the validation file", func(t *testing.T) {
		dir, train, valid := interrupted(t)
		os.Remove(valid)
		timed(t, dir, nil, "split", "train.jsonl")
		if a, b := fileState(train, old, newTrain), fileState(valid, nil, newValid); a != "new" || b != "new" {
			t.Errorf("train %s, validation %s", a, b)
		}
	})
	t.Run("a finished split keeps the append advice", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "train.jsonl"), newTrain, 0o644)
		os.WriteFile(filepath.Join(dir, "validation.jsonl"), newValid, 0o644)
		r := runFTLS(t, runOpts{dir: dir}, "split", "train.jsonl")
		if msg := r.stderr.String(); r.code == 0 || !strings.Contains(msg, "append it to") || strings.Contains(msg, "interrupted") {
			t.Errorf("%s", r)
		}
	})
	t.Run("a validation file partly in training", func(t *testing.T) {
		dir := t.TempDir()
		lines := strings.SplitAfter(string(newValid), "\n")
		half := strings.Join(lines[:moved/2], "")
		os.WriteFile(filepath.Join(dir, "train.jsonl"), append(append([]byte{}, newTrain...), half...), 0o644)
		os.WriteFile(filepath.Join(dir, "validation.jsonl"), newValid, 0o644)
		r := runFTLS(t, runOpts{dir: dir}, "split", "train.jsonl")
		t.Logf("%s", r)
		if msg := r.stderr.String(); r.code == 0 || !strings.Contains(msg, "are also in train.jsonl") {
			t.Errorf("does not say that appending would duplicate rows")
		}
	})
}
