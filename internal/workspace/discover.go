package workspace

import (
	"os"
	"sync"
	"time"

	"github.com/ftls-dev/ftls/internal/plan"
)

// Plan discovery for a process that lives long and checks on every edit,
// the language server: the plan found for a dataset is kept for a moment
// instead of searching the folders again each time.

// discoverTTL is how long the plan found for a dataset is trusted before
// the folders are searched again.
const discoverTTL = 2 * time.Second

var discovered struct {
	mu    sync.Mutex
	byDir map[string]discoverEntry
}

type discoverEntry struct {
	at   time.Time
	plan string
}

// PlanFor returns the plan file that governs the dataset at path
// (plan.Discover), with its modification time and size, or "" for none.
// Plans themselves are governed by nothing.
func PlanFor(path string) (planPath string, mod time.Time, size int64) {
	if path == "" || plan.IsPath(path) {
		return "", mod, 0
	}
	discovered.mu.Lock()
	if discovered.byDir == nil {
		discovered.byDir = map[string]discoverEntry{}
	}
	e, ok := discovered.byDir[path]
	discovered.mu.Unlock()
	if !ok || time.Since(e.at) > discoverTTL {
		found, err := plan.Discover(path)
		if err != nil {
			found = ""
		}
		e = discoverEntry{at: time.Now(), plan: found}
		discovered.mu.Lock()
		discovered.byDir[path] = e
		discovered.mu.Unlock()
	}
	if e.plan == "" {
		return "", mod, 0
	}
	if st, err := os.Stat(e.plan); err == nil {
		mod, size = st.ModTime(), st.Size()
	}
	return e.plan, mod, size
}

// ForgetPlans drops what PlanFor found: a plan was saved, and its output
// may name other files now.
func ForgetPlans() {
	discovered.mu.Lock()
	discovered.byDir = nil
	discovered.mu.Unlock()
}

// Governing loads the plan that governs the dataset at path; nil without
// one. A plan that does not load is an error, as for ftls split.
func Governing(path string) (*plan.Plan, error) {
	pp, _, _ := PlanFor(path)
	if pp == "" {
		return nil, nil
	}
	return plan.Load(pp)
}
