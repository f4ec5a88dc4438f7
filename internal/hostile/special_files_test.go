package hostile

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Special files under a dataset's, plan's or configuration's name:
// /dev/zero (endless, fills memory) and a FIFO (blocks the reader
// forever), directly or through a symlink, in a checked folder or named by
// a plan. Each is refused at once with a note, never read; a plan or
// configuration over 1 MB is an error.
func TestSpecialFilesAreNotRead(t *testing.T) {
	mkfifo := func(t *testing.T, p string) {
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("mkfifo: %v", err)
		}
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, dir string)
		args  []string
		want  string // regexp on stderr
		code  int
	}{
		{"dataset symlinked to /dev/zero in a checked folder", func(t *testing.T, dir string) {
			os.Symlink("/dev/zero", filepath.Join(dir, "zero.jsonl"))
		}, []string{"check", "."}, `zero.jsonl is a character device, not a regular file; skipped`, 1},
		{"FIFO in a checked folder", func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "pipe.jsonl"))
		}, []string{"check", "."}, `pipe.jsonl is a named pipe \(FIFO\), not a regular file; skipped`, 1},
		{"FIFO .json in a checked folder", func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "pipe.json"))
		}, []string{"check", "."}, ``, 1},
		{"ftls.yaml symlinked to /dev/zero", func(t *testing.T, dir string) {
			os.Symlink("/dev/zero", filepath.Join(dir, "ftls.yaml"))
		}, []string{"check", "good.jsonl"}, `ftls.yaml is a character device, not a regular file`, 2},
		{"ftls.yaml is a FIFO", func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "ftls.yaml"))
		}, []string{"check", "good.jsonl"}, `ftls.yaml is a named pipe`, 2},
		{"plan output.train symlinked to /dev/zero", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "z.plan.yaml"), []byte(shopPlan(t)+"output:\n  train: zero.jsonl\n"), 0o644)
			os.Symlink("/dev/zero", filepath.Join(dir, "zero.jsonl"))
		}, []string{"check", "z.plan.yaml"}, ``, -1},
		{"plan output.train is a FIFO, generate", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "z.plan.yaml"), []byte(shopPlan(t)+"output:\n  train: fifo.jsonl\n"), 0o644)
			mkfifo(t, filepath.Join(dir, "fifo.jsonl"))
		}, []string{"generate", "--plan", "z.plan.yaml", "--dry-run"}, `fifo.jsonl is a named pipe`, 2},
		{"plan output.train is a FIFO, stats", func(t *testing.T, dir string) {
			mkfifo(t, filepath.Join(dir, "fifo.jsonl"))
		}, []string{"stats", "fifo.jsonl"}, `fifo.jsonl is a named pipe`, -1},
		{"2 MB plan", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "big.plan.yaml"), []byte("version: 1\n"+strings.Repeat("# padding\n", 200_000)), 0o644)
		}, []string{"check", "big.plan.yaml"}, `big.plan.yaml is 1.9 MB, over the 1.0 MB limit`, 2},
		{"10 MB plan", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "big.plan.yaml"), bigPlan(10<<20))
		}, []string{"check", "big.plan.yaml"}, `big.plan.yaml is 10.0 MB, over the 1.0 MB limit`, 2},
		{"2 MB ftls.yaml", func(t *testing.T, dir string) {
			os.WriteFile(filepath.Join(dir, "ftls.yaml"), []byte(strings.Repeat("# padding\n", 200_000)), 0o644)
		}, []string{"check", "good.jsonl"}, `ftls.yaml is 1.9 MB, over the 1.0 MB limit`, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			// One good row: C018 (fewer than 10 examples) makes the exit 1.
			os.WriteFile(filepath.Join(dir, "good.jsonl"), []byte(validRow+"\n"), 0o644)
			c.setup(t, dir)
			r := runFTLS(t, runOpts{dir: dir, timeout: 20 * time.Second}, c.args...)
			t.Logf("%v: %s", c.args, r)
			if r.killed {
				t.Fatalf("hung")
			}
			if r.rssMB > 200 {
				t.Errorf("peak RSS %.0f MiB", r.rssMB)
			}
			if c.code >= 0 && r.code != c.code {
				t.Errorf("exit %d, want %d", r.code, c.code)
			}
			if c.want != "" && !regexp.MustCompile(c.want).MatchString(r.stderr.String()) {
				t.Errorf("stderr lacks %s", c.want)
			}
		})
	}
}

// The server never blocks a request on a special file: a plan whose
// output.train is a FIFO or /dev/zero gets its code lenses and hover,
// an ftls.yaml that is /dev/zero is reported, and later requests answer.
func TestServeSpecialFilesDoNotBlock(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.jsonl"), 0o644); err != nil {
		t.Skip(err)
	}
	os.Symlink("/dev/zero", filepath.Join(dir, "zero.jsonl"))
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	os.Symlink("/dev/zero", filepath.Join(sub, "ftls.yaml"))
	p := startServe(t, dir, nil)
	p.initialize()
	for _, out := range []string{"fifo.jsonl", "zero.jsonl"} {
		planPath := filepath.Join(dir, strings.TrimSuffix(out, ".jsonl")+".plan.yaml")
		text := shopPlan(t) + "output:\n  train: " + out + "\n"
		os.WriteFile(planPath, []byte(text), 0o644)
		uri := "file://" + planPath
		p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri, "languageId": "yaml", "version": 1, "text": text}})
		start := time.Now()
		_, err := p.call("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": uri}})
		if err != nil {
			t.Errorf("codeLens with output %s: %v", out, err)
		}
		p.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 0, "character": 1}})
		t.Logf("plan with output.train %s: codeLens and hover answered in %v", out, time.Since(start).Round(time.Millisecond))
	}
	uri := "file://" + filepath.Join(sub, "data.jsonl")
	p.didOpen(uri, validRow+"\n")
	p.healthy()
	_, rss := p.exit(10 * time.Second)
	t.Logf("peak RSS %.0f MiB", rss)
	if rss > 300 {
		t.Errorf("peak RSS %.0f MiB", rss)
	}
}
