package hostile

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

// The data-safety suite: ftls rewrites datasets in place (fix, split,
// generate), and a user may kill it at any moment (Ctrl-C twice, the OOM
// killer, a closed laptop). SIGKILL allows no clean-up, so what is on disk
// after it is what the write protocol guarantees: each file must be
// byte for byte the old version or the new one, leftover temporary files
// must not disturb later runs, and generate must resume.
//
// The kill points are random, spread from 0 to a little beyond the
// command's normal runtime (measured by an unkilled run), from a seeded
// RNG; the seed is logged, and FTLS_HOSTILE_SEED replays it.

// killIterations is the number of kills per command.
const killIterations = 30

func killSeed(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("FTLS_HOSTILE_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("FTLS_HOSTILE_SEED: %v", err)
		}
		seed = v
	}
	t.Logf("kill points from seed %d (replay with FTLS_HOSTILE_SEED=%d)", seed, seed)
	return seed
}

// runKilled starts ftls, sends it SIGKILL after delay (unless it has
// finished by then) and reaps it. It reports whether the kill happened.
func runKilled(t *testing.T, dir string, env map[string]string, delay time.Duration, args ...string) bool {
	t.Helper()
	cmd := exec.Command(ftlsBin, args...)
	cmd.Dir = dir
	cmd.Env = baseEnv(dir, env)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
		return false
	case <-time.After(delay): // the kill point, not a timing assertion
	}
	cmd.Process.Kill()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the killed process was not reaped within 10 s")
	}
	return true
}

// killWindow is the range kill points are drawn from: 1.5 times the
// longest of the unkilled runs measured, so that on a loaded machine,
// where a run takes longer than when it was measured, kills still reach
// the end of the run, where the files are written. Points after the end
// find the command finished, which is also a state to check.
func killWindow(measured ...time.Duration) int64 {
	return int64(slices.Max(measured)) * 3 / 2
}

// timed runs ftls to completion and returns how long it took.
func timed(t *testing.T, dir string, env map[string]string, args ...string) time.Duration {
	t.Helper()
	r := runFTLS(t, runOpts{dir: dir, env: env, timeout: 2 * time.Minute}, args...)
	if r.killed || r.code > 1 {
		t.Fatalf("ftls %s\n%s", strings.Join(args, " "), r)
	}
	return r.elapsed
}

// datasetRows writes n distinct chat rows in three categories; with
// fixable, every fourth row has trailing whitespace (Q008) and every 50th
// is followed by a blank line (J003), both of which `ftls fix` repairs.
func datasetRows(n int, seed uint64, fixable bool) func(*bufio.Writer) {
	words := strings.Fields(`parcel jacket boots tent stove lantern invoice voucher refund label courier depot
		warehouse tracking weekend monday friday colour size medium large small zipper hood lining seam wool
		fleece merino summit trail river canyon forest meadow glacier harbour village bridge station`)
	cats := []string{"orders", "returns", "billing"}
	return func(w *bufio.Writer) {
		rng := rand.New(rand.NewPCG(seed, 99))
		pick := func(k int) string {
			out := make([]string, k)
			for i := range out {
				out[i] = words[rng.IntN(len(words))]
			}
			return strings.Join(out, " ")
		}
		for i := range n {
			user := fmt.Sprintf("Question %d: %s?", i, pick(20))
			if fixable && i%4 == 0 {
				user += "  "
			}
			row, _ := json.Marshal(map[string]any{
				"messages": []map[string]string{{"role": "user", "content": user}, {"role": "assistant", "content": fmt.Sprintf("Answer %d: %s.", i, pick(25))}},
				"metadata": map[string]string{"category": cats[i%3]},
			})
			w.Write(row)
			w.WriteByte('\n')
			if fixable && i%50 == 0 {
				w.WriteByte('\n')
			}
		}
	}
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return fmt.Sprintf("%x", s[:6])
}

// fileState names what a file holds: "old", "new", "missing", or
// "OTHER" (a torn or mixed write).
func fileState(path string, old, new []byte) string {
	b, err := os.ReadFile(path)
	switch {
	case err != nil && os.IsNotExist(err):
		return "missing"
	case err != nil:
		return "unreadable: " + err.Error()
	case old != nil && bytes.Equal(b, old):
		return "old"
	case bytes.Equal(b, new):
		return "new"
	}
	return fmt.Sprintf("OTHER (%d bytes, sha256 %s)", len(b), digest(b))
}

// TestSIGKILLFixLeavesOldOrNewFile kills `ftls fix FILE` at random points:
// FILE must always be exactly the original or exactly the fully fixed
// file. The folder is kept across kills, so leftover temporary files pile
// up; at the end an unkilled fix must still give the expected file, and
// `ftls check` on the folder must not read the leftovers as datasets.
func TestSIGKILLFixLeavesOldOrNewFile(t *testing.T) {
	seed := killSeed(t)
	rng := rand.New(rand.NewPCG(seed, 1))
	ref := t.TempDir()
	writeFile(t, filepath.Join(ref, "data.jsonl"), datasetRows(2500, seed, true))
	old := readFile(t, filepath.Join(ref, "data.jsonl"))
	normal := timed(t, ref, nil, "fix", "data.jsonl")
	fixed := readFile(t, filepath.Join(ref, "data.jsonl"))
	os.WriteFile(filepath.Join(ref, "data.jsonl"), old, 0o644)
	window := killWindow(normal, timed(t, ref, nil, "fix", "data.jsonl"))
	if bytes.Equal(old, fixed) {
		t.Fatal("fix changed nothing; the test needs fixable rows")
	}
	t.Logf("unkilled fix: %v for %d bytes", normal.Round(time.Millisecond), len(old))

	dir := t.TempDir()
	path := filepath.Join(dir, "data.jsonl")
	states := map[string]int{}
	for i := range killIterations {
		if err := os.WriteFile(path, old, 0o644); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(window))
		killed := runKilled(t, dir, nil, delay, "fix", "data.jsonl")
		st := fileState(path, old, fixed)
		states[st]++
		if st != "old" && st != "new" {
			t.Fatalf("kill %d at %v (killed %v): data.jsonl is %s", i, delay, killed, st)
		}
	}
	t.Logf("states after %d kills: %v; temporary files left by SIGKILL: %d", killIterations, states, len(leftovers(t, dir)))

	// Later runs are not disturbed by the leftovers.
	if err := os.WriteFile(path, old, 0o644); err != nil {
		t.Fatal(err)
	}
	timed(t, dir, nil, "fix", "data.jsonl")
	if st := fileState(path, nil, fixed); st != "new" {
		t.Errorf("fix after the kills: data.jsonl is %s", st)
	}
	r := runFTLS(t, runOpts{dir: dir}, "check", ".")
	if strings.Contains(r.stdout.String()+r.stderr.String(), ".ftls-") || !strings.Contains(r.stderr.String(), "in 1 file") {
		t.Errorf("check of the folder read the temporary files:\n%s", r)
	}
}

// TestSIGKILLSplitLeavesOldOrNewFiles kills `ftls split FILE` at random
// points. Each file must be exactly its old or its new version (the
// validation file: missing or new). The split renames the validation file
// first and the training file second; a kill between the two renames
// leaves the moved rows in both files, which the documented recovery
// (split again with --force) must turn into the expected pair.
func TestSIGKILLSplitLeavesOldOrNewFiles(t *testing.T) {
	seed := killSeed(t)
	rng := rand.New(rand.NewPCG(seed, 2))
	ref := t.TempDir()
	writeFile(t, filepath.Join(ref, "train.jsonl"), datasetRows(5000, seed, false))
	old := readFile(t, filepath.Join(ref, "train.jsonl"))
	normal := timed(t, ref, nil, "split", "train.jsonl")
	newTrain := readFile(t, filepath.Join(ref, "train.jsonl"))
	newValid := readFile(t, filepath.Join(ref, "validation.jsonl"))
	os.WriteFile(filepath.Join(ref, "train.jsonl"), old, 0o644)
	window := killWindow(normal, timed(t, ref, nil, "split", "--force", "train.jsonl"))
	t.Logf("unkilled split: %v, %d bytes -> %d + %d", normal.Round(time.Millisecond), len(old), len(newTrain), len(newValid))

	dir := t.TempDir()
	train, valid := filepath.Join(dir, "train.jsonl"), filepath.Join(dir, "validation.jsonl")
	pairs := map[string]int{}
	for i := range killIterations {
		os.Remove(valid)
		if err := os.WriteFile(train, old, 0o644); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(window))
		killed := runKilled(t, dir, nil, delay, "split", "train.jsonl")
		ts, vs := fileState(train, old, newTrain), fileState(valid, nil, newValid)
		pairs[ts+"+"+vs]++
		switch ts + "+" + vs {
		case "old+missing", "new+new":
		case "old+new":
			// Killed between the renames: the next split says so
			// (TestSplitInterruptedBetweenRenames); recover as it says.
			if r := runFTLS(t, runOpts{dir: dir}, "split", "train.jsonl"); !strings.Contains(r.stderr.String(), "was interrupted") {
				t.Errorf("kill %d: the next split does not say the split was interrupted:\n%s", i, r)
			}
			timed(t, dir, nil, "split", "--force", "train.jsonl")
			if a, b := fileState(train, old, newTrain), fileState(valid, nil, newValid); a != "new" || b != "new" {
				t.Fatalf("kill %d: split --force after a kill between the renames gave train %s, validation %s", i, a, b)
			}
		default:
			t.Fatalf("kill %d at %v (killed %v): train.jsonl is %s, validation.jsonl is %s", i, delay, killed, ts, vs)
		}
	}
	t.Logf("train+validation after %d kills: %v; temporary files left: %d", killIterations, pairs, len(leftovers(t, dir)))

	os.Remove(valid)
	if err := os.WriteFile(train, old, 0o644); err != nil {
		t.Fatal(err)
	}
	timed(t, dir, nil, "split", "train.jsonl")
	if a, b := fileState(train, nil, newTrain), fileState(valid, nil, newValid); a != "new" || b != "new" {
		t.Errorf("split after the kills: train %s, validation %s", a, b)
	}
}

// TestSIGKILLGenerateResumes kills `ftls generate` (a fast fake model on
// 127.0.0.1, a plan asking for 200 more rows than a padded dataset holds)
// at random points. After each kill the dataset must be the original bytes
// followed by whole, valid, distinct rows; at the end one unkilled run
// must complete the plan's count, still without a duplicate row.
func TestSIGKILLGenerateResumes(t *testing.T) {
	seed := killSeed(t)
	rng := rand.New(rand.NewPCG(seed, 3))
	// One endpoint for the whole test: its conversations never repeat, as
	// a real model's would not, so a resumed run is not confused with
	// duplicates of a killed run's rows.
	srv := fakeopenai.New(nil)
	defer srv.Close()
	env := map[string]string{"OPENAI_BASE_URL": srv.URL, "OPENAI_API_KEY": fakeKey}

	const padding, toGenerate = 3000, 200
	setup := func(dir string) []byte {
		plan := shopPlan(t)
		plan = strings.Replace(plan, "  examples: 30\n", fmt.Sprintf("  examples: %d\n", padding+toGenerate), 1)
		plan = strings.Replace(plan, "  batch_size: 10\n", "  batch_size: 20\n", 1)
		plan += "output:\n  train: training_data.jsonl\n"
		if err := os.WriteFile(filepath.Join(dir, "shop.plan.yaml"), []byte(plan), 0o644); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "training_data.jsonl"), datasetRows(padding, seed, false))
		return readFile(t, filepath.Join(dir, "training_data.jsonl"))
	}

	ref := t.TempDir()
	old := setup(ref)
	normal := timed(t, ref, env, "generate")
	if got := len(jsonlRows(readFile(t, filepath.Join(ref, "training_data.jsonl")))); got != padding+toGenerate {
		t.Fatalf("unkilled generate: %d rows, want %d", got, padding+toGenerate)
	}
	t.Logf("unkilled generate: %v", normal.Round(time.Millisecond))

	dir := t.TempDir()
	setup(dir)
	path := filepath.Join(dir, "training_data.jsonl")
	iterations := killIterations / 2 // each one also resumes to the end
	var grown int
	for i := range iterations {
		if err := os.WriteFile(path, old, 0o644); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(killWindow(normal)))
		runKilled(t, dir, env, delay, "generate")
		after := readFile(t, path)
		assertGrownJSONL(t, old, after)
		if len(after) > len(old) {
			grown++
		}
		// Resume: one more run completes the plan.
		timed(t, dir, env, "generate")
		final := readFile(t, path)
		assertGrownJSONL(t, after, final)
		if n := len(jsonlRows(final)); n != padding+toGenerate {
			t.Fatalf("kill %d at %v: after resuming, %d rows, want %d", i, delay, n, padding+toGenerate)
		}
	}
	t.Logf("%d of %d kills came after at least one batch was written; temporary files left: %d", grown, iterations, len(leftovers(t, dir)))
}
