package hostile

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// A lone surrogate escape (\ud800: half an emoji) is valid JSON but not
// Unicode. check reports it (J006, file:line:col), fix removes it, and
// export refuses the row, or with --skip-invalid removes it first; turning
// J006 off does not let export write it.
func TestLoneSurrogateIsFoundAndNotExported(t *testing.T) {
	dir := t.TempDir()
	good := `{"messages": [{"role": "user", "content": "Smile \ud83d\ude00 please"}, {"role": "assistant", "content": "Done!"}]}`
	bad := `{"messages": [{"role": "user", "content": "Did I pass?"}, {"role": "assistant", "content": "Great job!\ud83d"}]}`
	path := filepath.Join(dir, "data.jsonl")
	os.WriteFile(path, []byte(good+"\n"+bad+"\n"), 0o644)
	env := map[string]string{}

	r := runFTLS(t, runOpts{dir: dir, env: env}, "check", "data.jsonl")
	t.Logf("check: %s", r)
	if r.code != 1 || !regexp.MustCompile(`data\.jsonl:2:103: (error )?J006 `).MatchString(r.stdout.String()) {
		t.Errorf("no J006 finding at data.jsonl:2:103")
	}

	for _, args := range [][]string{
		{"export", "data.jsonl", "-o", "out.jsonl"},
		{"export", "--target", "generic", "data.jsonl", "-o", "out.jsonl"},
		{"export", "--rule", "J006=off", "data.jsonl", "-o", "out.jsonl"},
	} {
		r := runFTLS(t, runOpts{dir: dir, env: env}, args...)
		t.Logf("%s: %s", strings.Join(args, " "), r)
		if r.code == 0 || !strings.Contains(r.stderr.String(), `\ud83d`) {
			t.Errorf("%s: not refused, or the surrogate is not named", strings.Join(args, " "))
		}
		if _, err := os.Stat(filepath.Join(dir, "out.jsonl")); err == nil {
			t.Fatalf("%s wrote out.jsonl", strings.Join(args, " "))
		}
	}

	r = runFTLS(t, runOpts{dir: dir, env: env}, "export", "--skip-invalid", "data.jsonl", "-o", "out.jsonl")
	t.Logf("export --skip-invalid: %s", r)
	out := readFile(t, filepath.Join(dir, "out.jsonl"))
	if r.code != 0 || bytes.Count(out, []byte("\n")) != 2 || !bytes.Contains(out, []byte(`"Great job!"`)) || !bytes.Contains(out, []byte(`\ud83d\ude00`)) {
		t.Errorf("--skip-invalid did not repair the row:\n%s", out)
	}

	r = runFTLS(t, runOpts{dir: dir, env: env}, "fix", "data.jsonl")
	t.Logf("fix: %s", r)
	if got := string(readFile(t, path)); got != good+"\n"+strings.Replace(bad, `\ud83d`, "", 1)+"\n" {
		t.Errorf("fix gave:\n%s", got)
	}
}

// Many lone surrogates: one finding a row, checked in linear time.
func TestManyLoneSurrogates(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "data.jsonl"), func(w *bufio.Writer) {
		junk := strings.Repeat(`\udc00x`, 10000)
		for i := range 20000 {
			fmt.Fprintf(w, `{"messages": [{"role": "user", "content": "question %d \ud800"}, {"role": "assistant", "content": "answer %d %s"}]}`+"\n", i, i, junk[:7*(i%100+1)])
		}
		fmt.Fprintf(w, `{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "%s"}]}`+"\n", junk)
	})
	r := runFTLS(t, runOpts{dir: dir}, "check", "--disable", "D", "--disable", "B", "data.jsonl")
	t.Logf("exit %d after %v, peak RSS %.0f MiB, %d bytes of findings; %s", r.code, r.elapsed, r.rssMB, r.stdout.total, r.stderr)
	if r.killed || r.code != 1 {
		t.Fatalf("%s", r)
	}
	if !strings.Contains(r.stderr.String(), "20001 errors") {
		t.Errorf("want one J006 a row (20001 errors)")
	}
	if r.rssMB > 600 {
		t.Errorf("peak RSS %.0f MiB", r.rssMB)
	}
}
