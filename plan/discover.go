package plan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ftls-dev/ftls/safefile"
)

// Discover returns the plan that governs the dataset at datasetPath: the
// *.plan.yaml file whose output.train or output.validation, resolved
// against the plan's folder, is that dataset. A plan that leaves output
// unset governs the default names (training_data.jsonl and
// validation_data.jsonl) in its own folder.
//
// The dataset's folder is searched first, then each parent, up to the
// root of the file system or the first folder holding .git (which is
// searched too). It returns "" and no error when no plan names the
// dataset, and an error when two plans in the same folder both name it.
// Plans whose YAML does not parse are skipped: their outputs are unknown.
func Discover(datasetPath string) (string, error) {
	abs, err := filepath.Abs(datasetPath)
	if err != nil {
		return "", err
	}
	target := canonical(abs)
	dir := filepath.Dir(abs)
	for {
		var found []string
		for _, candidate := range Files(dir) {
			if governs(candidate, target) {
				found = append(found, candidate)
			}
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 0:
		default:
			return "", fmt.Errorf("%s is named by several plans (%s); choose one with --plan", datasetPath, strings.Join(found, ", "))
		}
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			return "", nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Files lists the plan files in dir, sorted.
func Files(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if IsPath(e.Name()) {
			p := filepath.Join(dir, e.Name())
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				out = append(out, p)
			}
		}
	}
	sort.Strings(out)
	return out
}

// governs reports whether the plan at planPath names target (an absolute,
// canonical path) as its training or validation set.
func governs(planPath, target string) bool {
	data, err := safefile.ReadFile(planPath, safefile.ConfigMax)
	if err != nil {
		return false
	}
	p := parse("", data)
	if p.HasSyntaxError() {
		return false
	}
	dir := filepath.Dir(planPath)
	for _, name := range []string{p.Output.Train, p.Output.Validation} {
		if name == "" || isAbsolute(name) {
			continue
		}
		if canonical(filepath.Join(dir, filepath.FromSlash(name))) == target {
			return true
		}
	}
	return false
}

// canonical resolves symbolic links where the path exists, so that two
// spellings of the same file compare equal.
func canonical(p string) string {
	return filepath.Clean(resolveExisting(filepath.Clean(p), 0))
}

// LoadFor returns the plan governing the dataset at datasetPath, or the
// plan at override when it is not empty (the --plan flag). It returns a nil
// plan and no error when no plan governs the dataset. The plan's
// diagnostics are available from its Diagnostics method.
func LoadFor(datasetPath, override string) (*Plan, error) {
	path := override
	if path == "" {
		var err error
		if path, err = Discover(datasetPath); err != nil || path == "" {
			return nil, err
		}
	}
	p, err := Load(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && override != "" {
			return nil, fmt.Errorf("plan %s does not exist", override)
		}
		return nil, err
	}
	return p, nil
}

// SamePath reports whether two paths name the same file: the same
// absolute path, or, when both exist, the same file on disk (a link, a
// different spelling).
func SamePath(a, b string) bool {
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 != nil || err2 != nil {
		return a == b
	}
	if aa == bb {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
