package hostile

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A row appended by another program while `ftls fix` runs is never lost:
// fix either finishes before the append, sees the file changed just
// before its rename and refuses with a clear message, or carries over an
// append that landed between that check and the rename.
func TestFixKeepsConcurrentWritersRows(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.jsonl")
	writeFile(t, path, datasetRows(40000, 7, true))
	old := readFile(t, path)
	normal := timed(t, dir, nil, "fix", "data.jsonl")
	t.Logf("unkilled fix of %d MB: %v", len(old)>>20, normal.Round(time.Millisecond))
	refused := 0
	for i := range 6 {
		os.WriteFile(path, old, 0o644)
		marker := fmt.Sprintf(`{"messages":[{"role":"user","content":"appended %d"},{"role":"assistant","content":"kept"}]}`, i)
		delay := normal * time.Duration(i+1) / 8
		done := make(chan *result)
		go func() { done <- runFTLS(t, runOpts{dir: dir}, "fix", "data.jsonl") }()
		time.Sleep(delay)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(marker + "\n")
		f.Close()
		r := <-done
		if !bytes.Contains(readFile(t, path), []byte(marker)) {
			t.Fatalf("append after %v: the row written during fix is lost (exit %d)\n%s", delay, r.code, r)
		}
		if r.code != 0 && r.code != 1 {
			refused++
			if !strings.Contains(r.stderr.String(), "changed since it was read") {
				t.Errorf("refusal without a clear reason:\n%s", r)
			}
		}
	}
	t.Logf("6 appends during fix: %d refused, the others landed after the rename", refused)
	if n := len(leftovers(t, dir)); n != 0 {
		t.Errorf("%d temporary files left", n)
	}
}

// fix and split on a symlinked dataset (DVC, git-annex) write through to
// the link's target and keep the link.
func TestSymlinkedDatasetIsWrittenThrough(t *testing.T) {
	for _, cmd := range [][]string{{"fix", "data.jsonl"}, {"split", "data.jsonl"}} {
		t.Run(cmd[0], func(t *testing.T) {
			dir := t.TempDir()
			store := filepath.Join(dir, "store")
			os.Mkdir(store, 0o755)
			target := filepath.Join(store, "abc123")
			writeFile(t, target, datasetRows(300, 3, true))
			old := readFile(t, target)
			link := filepath.Join(dir, "data.jsonl")
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			r := runFTLS(t, runOpts{dir: dir}, cmd...)
			t.Logf("%s", r)
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("the link was replaced by a regular file")
			}
			now := readFile(t, target)
			if bytes.Equal(now, old) {
				t.Errorf("the link's target was left untouched")
			}
			if cmd[0] == "split" {
				valid := readFile(t, filepath.Join(dir, "data_validation.jsonl"))
				for _, row := range jsonlRows(valid) {
					if bytes.Contains(now, row) {
						t.Fatalf("a validation row is still in the training file: %s", row)
					}
				}
			}
		})
	}
}

// Temporary files of a killed ftls are named recognisably and removed by
// the next run in the same folder; those of a running writer are kept.
func TestStaleTemporaryFilesAreCleaned(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "data.jsonl"), datasetRows(100, 5, true))
	dead := exec.Command("true")
	dead.Run()
	stale := filepath.Join(dir, fmt.Sprintf(".data.jsonl.ftls-tmp-%d-123", dead.Process.Pid))
	live := filepath.Join(dir, fmt.Sprintf(".data.jsonl.ftls-tmp-%d-456", os.Getpid()))
	os.WriteFile(stale, []byte("half written"), 0o644)
	os.WriteFile(live, []byte("being written"), 0o644)
	runFTLS(t, runOpts{dir: dir}, "fix", "data.jsonl")
	if _, err := os.Stat(stale); err == nil {
		t.Errorf("stale temporary file kept")
	}
	if _, err := os.Stat(live); err != nil {
		t.Errorf("a running writer's temporary file was removed")
	}
}
