package plan

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ftls-dev/ftls/internal/safefile"
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

// Discovery runs for every dataset of a folder scan; without a cache each
// run re-reads the folder's listing and every plan in it, which made a scan
// of n files cost n listings of n names. The listing of a folder and the
// outputs of a plan are kept while the folder's (or plan's) modification
// time and size stay the same. Entries modified in the last two seconds
// are not cached, so that a coarse timestamp cannot hide a change.
var discoverCache struct {
	sync.Mutex
	files   map[string]statEntry[[]string]
	outputs map[string]statEntry[[]string]
}

type statEntry[T any] struct {
	mod  time.Time
	size int64
	v    T
}

const cacheSettle = 2 * time.Second

func cached[T any](m map[string]statEntry[T], key string, st os.FileInfo) (T, bool) {
	e, ok := m[key]
	if ok && st != nil && e.mod.Equal(st.ModTime()) && e.size == st.Size() {
		return e.v, true
	}
	var zero T
	return zero, false
}

func store[T any](m *map[string]statEntry[T], key string, st os.FileInfo, v T) {
	if st == nil || time.Since(st.ModTime()) < cacheSettle {
		return
	}
	if *m == nil || len(*m) > 4096 {
		*m = map[string]statEntry[T]{}
	}
	(*m)[key] = statEntry[T]{mod: st.ModTime(), size: st.Size(), v: v}
}

// Files lists the plan files in dir, sorted.
func Files(dir string) []string {
	st, _ := os.Stat(dir)
	discoverCache.Lock()
	v, ok := cached(discoverCache.files, dir, st)
	discoverCache.Unlock()
	if ok {
		return slices.Clone(v)
	}
	out := listPlans(dir)
	discoverCache.Lock()
	store(&discoverCache.files, dir, st, out)
	discoverCache.Unlock()
	return slices.Clone(out)
}

func listPlans(dir string) []string {
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
	return slices.Contains(planOutputs(planPath), target)
}

// planOutputs returns the canonical paths of the plan's training and
// validation outputs; none when the plan does not load.
func planOutputs(planPath string) []string {
	st, _ := os.Stat(planPath)
	discoverCache.Lock()
	v, ok := cached(discoverCache.outputs, planPath, st)
	discoverCache.Unlock()
	if ok {
		return v
	}
	var out []string
	data, err := safefile.ReadFile(planPath, safefile.ConfigMax)
	if err != nil {
		return nil
	}
	p := parse("", data)
	if !p.HasSyntaxError() {
		dir := filepath.Dir(planPath)
		for _, name := range []string{p.Output.Train, p.Output.Validation} {
			if name == "" || isAbsolute(name) {
				continue
			}
			out = append(out, canonical(filepath.Join(dir, filepath.FromSlash(name))))
		}
	}
	discoverCache.Lock()
	store(&discoverCache.outputs, planPath, st, out)
	discoverCache.Unlock()
	return out
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
