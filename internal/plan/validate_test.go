package plan

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func parseAt(t *testing.T, path, src string) []want {
	t.Helper()
	writeFile(t, path, src)
	_, diags := Parse(path, []byte(src))
	var got []want
	for _, d := range diags {
		got = append(got, want{d.Code, rangeString(d.Range), d.Message})
	}
	return got
}

func TestSymlinkEscape(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	ws := filepath.Join(root, "ws")
	if err := os.MkdirAll(ws, 0o755); err != nil {
		t.Fatal(err)
	}
	// data/ is a link to a folder outside the workspace; link.jsonl a link
	// to a file outside; dangling.jsonl a link to a file that does not
	// exist yet, outside; inner/ a link that stays inside.
	mustLink(t, outside, filepath.Join(ws, "data"))
	writeFile(t, filepath.Join(outside, "x.jsonl"), "")
	mustLink(t, filepath.Join(outside, "x.jsonl"), filepath.Join(ws, "link.jsonl"))
	mustLink(t, filepath.Join(outside, "later.jsonl"), filepath.Join(ws, "dangling.jsonl"))
	if err := os.MkdirAll(filepath.Join(ws, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustLink(t, "real", filepath.Join(ws, "inner"))

	cases := []struct {
		name, value string
		escapes     bool
	}{
		{"folder link", "data/train.jsonl", true},
		{"file link", "link.jsonl", true},
		{"dangling link", "dangling.jsonl", true},
		{"link inside", "inner/train.jsonl", false},
		{"plain", "train.jsonl", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := "version: 1\ngeneration: {model: m}\noutput:\n  train: " + c.value + "\n"
			got := parseAt(t, filepath.Join(ws, "s.plan.yaml"), src)
			if !c.escapes {
				if len(got) != 0 {
					t.Fatalf("unexpected %+v", got)
				}
				return
			}
			end := 9 + len(c.value)
			if len(got) != 1 || got[0].code != "P005" || got[0].rng != "3:9-3:"+strconv.Itoa(end) {
				t.Fatalf("got %+v, want P005 at 3:9-3:%d", got, end)
			}
		})
	}
}

func mustLink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symbolic links unavailable: %v", err)
	}
}

func TestMissingTrainFile(t *testing.T) {
	dir := t.TempDir()
	planPath := filepath.Join(dir, "m.plan.yaml")
	cases := []struct {
		name, src string
		create    string // file to create before parsing
		want      []want
	}{
		{"missing without generation", "version: 1\noutput: {train: data/train.jsonl}\n", "",
			[]want{{"P006", "1:16-1:32", "output.train is data/train.jsonl, which does not exist, and the plan has no generation section"}}},
		{"default name missing", "version: 1\n", "",
			[]want{{"P006", "0:0-0:10", "output.train is training_data.jsonl (the default), which does not exist"}}},
		{"missing with generation", "version: 1\ngeneration: {model: gpt-4o-mini}\noutput: {train: data/train.jsonl}\n", "", nil},
		{"present", "version: 1\noutput: {train: data/train.jsonl}\n", "data/train.jsonl", nil},
		{"validation and info never reported", "version: 1\noutput: {train: t.jsonl, validation: v.jsonl, info: i.txt}\n", "t.jsonl", nil},
		{"turned off in the plan", "version: 1\nlint: {rules: {P006: off}}\n", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			os.RemoveAll(filepath.Join(dir, "data"))
			if c.create != "" {
				writeFile(t, filepath.Join(dir, c.create), "{}\n")
				defer os.Remove(filepath.Join(dir, c.create))
			}
			got := parseAt(t, planPath, c.src)
			if len(got) != len(c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i].code != c.want[i].code || got[i].rng != c.want[i].rng || !strings.Contains(got[i].msg, c.want[i].msg) {
					t.Errorf("got %+v, want %+v", got[i], c.want[i])
				}
			}
		})
	}
}

func TestExamplePlan(t *testing.T) {
	path := filepath.Join("..", "..", "examples", "support.plan.yaml")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Parse it where it lives: with a generation section, P006 stays
	// quiet whether or not training_data.jsonl exists yet.
	p, diags := Parse(path, data)
	if len(diags) != 0 {
		t.Fatalf("example plan has diagnostics: %+v", diags)
	}
	if n := len(p.Categories); n < 4 || n > 6 {
		t.Errorf("example plan has %d categories", n)
	}
	if p.Output.Train != "training_data.jsonl" || p.Output.Validation != "validation_data.jsonl" || p.Output.Info != "dataset_info.txt" {
		t.Errorf("outputs %+v", p.Output)
	}
}

// TestEmptyDescriptionIsAWarning: an empty category description is P003
// at warning severity, so it does not stop generation; a lower severity
// set for P003 still applies.
func TestEmptyDescriptionIsAWarning(t *testing.T) {
	src := "version: 1\ngeneration: {model: m}\nsize: {examples: 500}\ncategories:\n  - {name: billing, description: \"\"}\n"
	p, diags := Parse("", []byte(src))
	if len(diags) != 1 || diags[0].Code != "P003" || diags[0].Severity != diagnostics.Warning {
		t.Fatalf("got %+v, want one P003 warning", diags)
	}
	if err := p.ReadyToGenerate(); err != nil {
		t.Errorf("an empty description stops generation: %v", err)
	}
	s := diagnostics.DefaultSettings()
	s.Severities = map[string]diagnostics.Severity{"P003": diagnostics.Info}
	if d := p.Diagnostics(s); len(d) != 1 || d[0].Severity != diagnostics.Info {
		t.Errorf("P003=info: %+v", d)
	}
	s.Severities["P003"] = diagnostics.Off
	if d := p.Diagnostics(s); len(d) != 0 {
		t.Errorf("P003=off: %+v", d)
	}
	// Other P003 findings stay errors.
	_, diags = Parse("", []byte("version: 1\nsize: {examples: lots}\n"))
	if len(diags) != 1 || diags[0].Severity != diagnostics.Error {
		t.Errorf("P003 on a bad number: %+v", diags)
	}
}
