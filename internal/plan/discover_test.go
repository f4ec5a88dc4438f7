package plan

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiscover(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	// A plan above the repository must not be found from inside it.
	writeFile(t, filepath.Join(root, "outer.plan.yaml"), "version: 1\noutput: {train: repo/other/train.jsonl}\n")
	writeFile(t, filepath.Join(repo, ".git", "HEAD"), "ref: refs/heads/main\n")
	// The repository's plan names a dataset two folders down.
	writeFile(t, filepath.Join(repo, "support.plan.yaml"), "version: 1\noutput: {train: data/support/train.jsonl, validation: data/support/valid.jsonl}\n")
	// A plan next to its dataset, with the default output names.
	writeFile(t, filepath.Join(repo, "data", "faq", "faq.plan.yaml"), "version: 1\n")
	// A broken plan is skipped even though its folder has training_data.jsonl.
	writeFile(t, filepath.Join(repo, "data", "broken", "b.plan.yaml"), "version: 1\noutput: {train: x\n")
	// Two plans claiming one dataset.
	writeFile(t, filepath.Join(repo, "dup", "a.plan.yaml"), "version: 1\n")
	writeFile(t, filepath.Join(repo, "dup", "b.plan.yaml"), "version: 1\noutput: {train: ./training_data.jsonl}\n")
	// Not a plan: the name has no .plan.yaml suffix.
	writeFile(t, filepath.Join(repo, "data", "misc", "plan.yaml"), "version: 1\n")

	cases := []struct {
		dataset string
		want    string
		err     string
	}{
		{"data/support/train.jsonl", "support.plan.yaml", ""},
		{"data/support/valid.jsonl", "support.plan.yaml", ""},
		{"data/support/./../support/train.jsonl", "support.plan.yaml", ""},
		{"data/faq/training_data.jsonl", "data/faq/faq.plan.yaml", ""},
		{"data/faq/validation_data.jsonl", "data/faq/faq.plan.yaml", ""},
		{"data/faq/other.jsonl", "", ""},
		{"data/broken/training_data.jsonl", "", ""},
		{"data/misc/training_data.jsonl", "", ""},
		{"other/train.jsonl", "", ""}, // outer.plan.yaml is above .git
		{"dup/training_data.jsonl", "", "several plans"},
	}
	for _, c := range cases {
		t.Run(c.dataset, func(t *testing.T) {
			got, err := Discover(filepath.Join(repo, filepath.FromSlash(c.dataset)))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if c.want != "" {
				want = filepath.Join(repo, filepath.FromSlash(c.want))
			}
			if got != want {
				t.Fatalf("Discover = %q, want %q", got, want)
			}
		})
	}

	// A relative dataset path is resolved from the working directory.
	t.Chdir(filepath.Join(repo, "data"))
	got, err := Discover(filepath.Join("support", "train.jsonl"))
	if err != nil || got != filepath.Join(repo, "support.plan.yaml") {
		t.Fatalf("relative: %q %v", got, err)
	}
}

func TestDiscoverThroughSymlink(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "real", "p.plan.yaml"), "version: 1\n")
	mustLink(t, filepath.Join(root, "real"), filepath.Join(root, "alias"))
	got, err := Discover(filepath.Join(root, "alias", "training_data.jsonl"))
	if err != nil || got != filepath.Join(root, "alias", "p.plan.yaml") {
		t.Fatalf("Discover = %q %v", got, err)
	}
}

func TestLoadFor(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "s.plan.yaml"), "version: 1\nsize: {examples: 900}\n")
	writeFile(t, filepath.Join(dir, "other.yaml"), "version: 1\nsize: {examples: 1200}\n")
	p, err := LoadFor(filepath.Join(dir, "training_data.jsonl"), "")
	if err != nil || p == nil || p.Size.Examples != 900 {
		t.Fatalf("discovered plan: %+v %v", p, err)
	}
	p, err = LoadFor(filepath.Join(dir, "training_data.jsonl"), filepath.Join(dir, "other.yaml"))
	if err != nil || p == nil || p.Size.Examples != 1200 {
		t.Fatalf("override: %+v %v", p, err)
	}
	p, err = LoadFor(filepath.Join(dir, "unrelated.jsonl"), "")
	if err != nil || p != nil {
		t.Fatalf("no plan: %+v %v", p, err)
	}
	if _, err = LoadFor(filepath.Join(dir, "x.jsonl"), filepath.Join(dir, "missing.plan.yaml")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("missing override: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "s.plan.yaml")); err != nil {
		t.Fatal(err)
	}
}
