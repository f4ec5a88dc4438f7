package hostile

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A plan is data: it may come with a cloned repository or a downloaded
// dataset. Its output paths must never make split, generate or info
// write outside the plan's folder, whether they climb out with .., are
// absolute, go through a symbolic link to a folder outside, or name a
// symbolic link to a file outside — not even when the plan's own lint
// section turns P005 off.

// shopPlan is generator/testdata/shop/shop.plan.yaml without its output
// section.
func shopPlan(t *testing.T) string {
	t.Helper()
	p := string(readFile(t, filepath.Join("..", "..", "generator", "testdata", "shop", "shop.plan.yaml")))
	i := strings.Index(p, "\noutput:")
	if i < 0 {
		t.Fatal("shop plan has no output section")
	}
	return p[:i+1]
}

func TestPlanOutputOutsideTheFolderIsRefused(t *testing.T) {
	cases := []struct {
		name string
		// output is the plan's output section; lint is appended after it.
		output, lint string
		// setup prepares ws (the plan's folder) and outside.
		setup func(t *testing.T, ws, outside string)
		args  []string
		// want is a regular expression the error (stderr) must match.
		want string
	}{
		{
			name:   "split refuses a validation file that climbs out with ..",
			output: "  train: training_data.jsonl\n  validation: ../../../outside/valid.jsonl\n",
			args:   []string{"split", "training_data.jsonl"},
			want:   `output\.validation \(\.\./\.\./\.\./outside/valid\.jsonl\) climbs out of the plan's folder.*\(P005\); refusing to write there`,
		},
		{
			name:   "split refuses a validation file behind a symlinked folder",
			output: "  train: training_data.jsonl\n  validation: link/valid.jsonl\n",
			setup: func(t *testing.T, ws, outside string) {
				symlink(t, outside, filepath.Join(ws, "link"))
			},
			args: []string{"split", "training_data.jsonl"},
			want: `output\.validation \(link/valid\.jsonl\) goes through a symbolic link to .*outside/valid\.jsonl, outside the plan's folder`,
		},
		{
			name:   "split refuses a validation file that is a symlink to a file outside",
			output: "  train: training_data.jsonl\n  validation: valid.jsonl\n",
			setup: func(t *testing.T, ws, outside string) {
				symlink(t, filepath.Join(outside, "valid.jsonl"), filepath.Join(ws, "valid.jsonl"))
			},
			args: []string{"split", "training_data.jsonl"},
			want: `output\.validation \(valid\.jsonl\) goes through a symbolic link to .*outside/valid\.jsonl`,
		},
		{
			name:   "split refuses an escaping validation file even with P005 turned off",
			output: "  train: training_data.jsonl\n  validation: ../../../outside/valid.jsonl\n",
			lint:   "lint:\n  rules:\n    P005: \"off\"\n",
			args:   []string{"split", "training_data.jsonl"},
			want:   `climbs out of the plan's folder.*refusing to write there`,
		},
		{
			name:   "generate refuses a training file that climbs out, with the plan's position",
			output: "  train: ../../../outside/train.jsonl\n",
			args:   []string{"generate", "--count", "2"},
			want:   `shop\.plan\.yaml:\d+:10: (error|warning|info|hint) P005 output\.train \(\.\./\.\./\.\./outside/train\.jsonl\) climbs out of the plan's folder`,
		},
		{
			name:   "generate refuses an absolute training file",
			output: "  train: /tmp/ftls-hostile-absolute/train.jsonl\n",
			args:   []string{"generate", "--count", "2"},
			want:   `P005 output\.train is an absolute path`,
		},
		{
			name:   "generate refuses a training file behind a symlinked folder",
			output: "  train: link/train.jsonl\n",
			setup: func(t *testing.T, ws, outside string) {
				symlink(t, outside, filepath.Join(ws, "link"))
			},
			args: []string{"generate", "--count", "2"},
			want: `P005 output\.train \(link/train\.jsonl\) goes through a symbolic link`,
		},
		{
			name:   "generate refuses an escaping training file even with P005 turned off",
			output: "  train: ../../../outside/train.jsonl\n",
			lint:   "lint:\n  rules:\n    P005: \"off\"\n",
			args:   []string{"generate", "--count", "2"},
			want:   `output\.train \(\.\./\.\./\.\./outside/train\.jsonl\) climbs out of the plan's folder.*\(P005\); refusing to write there`,
		},
		{
			name:   "info refuses an escaping statistics document even with P005 turned off",
			output: "  train: training_data.jsonl\n  info: ../../../outside/info.txt\n",
			lint:   "lint:\n  rules:\n    P005: \"off\"\n",
			args:   []string{"info", "--plan", "shop.plan.yaml"},
			want:   `output\.info \(\.\./\.\./\.\./outside/info\.txt\) climbs out of the plan's folder.*refusing to write there`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			ws := filepath.Join(root, "a", "b", "ws")
			outside := filepath.Join(root, "outside")
			for _, d := range []string{ws, outside} {
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			planText := shopPlan(t) + "output:\n" + c.output + c.lint
			if err := os.WriteFile(filepath.Join(ws, "shop.plan.yaml"), []byte(planText), 0o644); err != nil {
				t.Fatal(err)
			}
			train := readFile(t, filepath.Join("..", "..", "examples", "training_data.jsonl"))
			if err := os.WriteFile(filepath.Join(ws, "training_data.jsonl"), train, 0o644); err != nil {
				t.Fatal(err)
			}
			if c.setup != nil {
				c.setup(t, ws, outside)
			}
			// Nothing listens on port 9 of the loopback: were the
			// refusal missing, generate would fail to connect instead of
			// reaching any network.
			r := runFTLS(t, runOpts{dir: ws, env: map[string]string{"OPENAI_BASE_URL": "http://127.0.0.1:9/v1", "OPENAI_API_KEY": "sk-hostile"}}, c.args...)
			if r.killed || r.code != 2 {
				t.Errorf("want exit 2 (refused)\n%s", r)
			}
			if !regexp.MustCompile(c.want).MatchString(r.stderr.String()) {
				t.Errorf("stderr lacks %s\n%s", c.want, r)
			}
			if ents, _ := os.ReadDir(outside); len(ents) > 0 {
				t.Errorf("%d files written outside the plan's folder: %s", len(ents), ents[0].Name())
			}
			if _, err := os.Stat("/tmp/ftls-hostile-absolute"); err == nil {
				t.Error("the absolute output path was created")
			}
			if got := readFile(t, filepath.Join(ws, "training_data.jsonl")); !bytes.Equal(got, train) {
				t.Error("the training file changed although the command was refused")
			}
		})
	}
}

// TestPlanOutputOutsideTheFolderIsP005 checks the diagnostic `ftls check`
// gives the same plans, at the value's line and column.
func TestPlanOutputOutsideTheFolderIsP005(t *testing.T) {
	root := t.TempDir()
	ws := filepath.Join(root, "ws")
	os.MkdirAll(filepath.Join(root, "outside"), 0o755)
	os.MkdirAll(ws, 0o755)
	symlink(t, filepath.Join(root, "outside"), filepath.Join(ws, "link"))
	plan := shopPlan(t)
	line := strings.Count(plan, "\n") + 2
	plan += "output:\n  train: ../outside/t.jsonl\n  validation: link/v.jsonl\n  info: /etc/x\n"
	os.WriteFile(filepath.Join(ws, "shop.plan.yaml"), []byte(plan), 0o644)
	r := runFTLS(t, runOpts{dir: ws}, "check", "shop.plan.yaml")
	for _, want := range []string{
		`shop\.plan\.yaml:` + strconv.Itoa(line) + `:10: (error|warning|info|hint) P005 output\.train \(\.\./outside/t\.jsonl\) climbs out`,
		`shop\.plan\.yaml:` + strconv.Itoa(line+1) + `:15: (error|warning|info|hint) P005 output\.validation \(link/v\.jsonl\) goes through a symbolic link`,
		`shop\.plan\.yaml:` + strconv.Itoa(line+2) + `:9: (error|warning|info|hint) P005 output\.info is an absolute path`,
	} {
		if !regexp.MustCompile(want).MatchString(r.stdout.String()) {
			t.Errorf("check lacks %s\n%s", want, r)
		}
	}
	if r.code != 1 {
		t.Errorf("exit %d, want 1", r.code)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
