package lsp

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"time"

	"github.com/tliron/glsp"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/config"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// configState layers the settings and caches them per ftls.yaml, so that
// the row cache (keyed by the settings' identity) survives edits.
type configState struct {
	mu     sync.Mutex
	client *clientSettings
	cache  map[string]*cachedSettings // by ftls.yaml path ("" for none)
}

type cachedSettings struct {
	modTime  time.Time
	size     int64
	planMod  time.Time // the governing plan's (plan.go)
	planSize int64
	sideMod  time.Time // the dataset's review sidecar's (review.go)
	sideSize int64
	settings *diagnostics.Settings
	err      error
}

func newConfigState() *configState {
	return &configState{client: &clientSettings{}, cache: map[string]*cachedSettings{}}
}

// setClient replaces the client settings and reports whether they
// changed; on error the previous ones stay. Settings equal to the current
// ones keep the cached settings, so that the rows checked with them stand:
// editors answer workspace/configuration with what initializationOptions
// said, often while a large document is being checked.
func (c *configState) setClient(raw json.RawMessage) (changed bool, err error) {
	cs, err := parseClientSettings(raw)
	if err != nil {
		return false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if reflect.DeepEqual(cs, c.client) {
		return false, nil
	}
	c.client = cs
	c.cache = map[string]*cachedSettings{}
	return true, nil
}

func (c *configState) debounce() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.client.DebounceMs != nil {
		return time.Duration(*c.client.DebounceMs) * time.Millisecond
	}
	return defaultDebounce
}

// settingsFor returns the settings for the dataset at path (which may be
// "" for documents that are not files): defaults, then the ftls.yaml found
// from its folder upwards, then the plan that governs it (plan.go), then
// the client's settings. A broken ftls.yaml or plan is reported in err and
// skipped.
func (c *configState) settingsFor(path string) (*diagnostics.Settings, error) {
	cfg := ""
	if path != "" {
		cfg = config.Find(filepath.Dir(path))
	}
	var mod time.Time
	var size int64
	if cfg != "" {
		if st, err := os.Stat(cfg); err == nil {
			mod, size = st.ModTime(), st.Size()
		}
	}
	pp, pmod, psize := workspace.PlanFor(path)
	// A dataset with a review sidecar has settings of its own, whose R
	// rules read its cached verdicts; they are rebuilt when the sidecar
	// changes (`ftls review` wrote new verdicts).
	side, smod, ssize := reviewSidecar(path)
	key := cfg + "\x00" + pp + "\x00" + side
	c.mu.Lock()
	defer c.mu.Unlock()
	if cs := c.cache[key]; cs != nil && cs.modTime.Equal(mod) && cs.size == size && cs.planMod.Equal(pmod) && cs.planSize == psize &&
		cs.sideMod.Equal(smod) && cs.sideSize == ssize {
		return cs.settings, cs.err
	}
	s, p, fileErr := c.build(cfg, pp)
	if side != "" {
		var rerr error
		if s, rerr = withReview(s, path, p); rerr != nil && fileErr == nil {
			fileErr = rerr
		}
	}
	c.cache[key] = &cachedSettings{modTime: mod, size: size, planMod: pmod, planSize: psize, sideMod: smod, sideSize: ssize, settings: s, err: fileErr}
	return s, fileErr
}

// freshSettings returns new settings for path that the caller may change
// (to count tokens, say); they share no cache with the row checks.
func (c *configState) freshSettings(path string) *diagnostics.Settings {
	cfg := ""
	if path != "" {
		cfg = config.Find(filepath.Dir(path))
	}
	pp, _, _ := workspace.PlanFor(path)
	c.mu.Lock()
	defer c.mu.Unlock()
	s, _, _ := c.build(cfg, pp)
	return s
}

// build layers the settings (workspace.Settings); c.mu is held. A broken
// ftls.yaml or plan is left out and reported.
func (c *configState) build(cfg, planPath string) (*diagnostics.Settings, *plan.Plan, error) {
	var p *plan.Plan
	var planErr error
	if planPath != "" {
		p, planErr = plan.Load(planPath)
	}
	s, err := workspace.Settings(cfg, p, c.client.lint().Apply)
	if planErr != nil && err == nil {
		err = planErr
	}
	return s, p, err
}

// pullConfiguration asks the client for the "ftls" section, from a
// goroutine: a call made from a handler would deadlock glsp's read loop.
func (s *Server) pullConfiguration() {
	s.mu.Lock()
	pull := s.pullConfig
	s.mu.Unlock()
	if !pull {
		return
	}
	var out []json.RawMessage
	s.callAsync("workspace/configuration", protocol.ConfigurationParams{Items: []protocol.ConfigurationItem{{Section: "ftls"}}}, &out, func() {
		if len(out) == 0 || len(bytes.TrimSpace(out[0])) == 0 || string(bytes.TrimSpace(out[0])) == "null" {
			return // no "ftls" section: keep initializationOptions
		}
		s.applyClientSettings(out[0], "workspace/configuration")
	})
}

// applyClientSettings takes new client settings, or keeps the previous
// ones and warns when they are invalid, and re-checks open documents.
func (s *Server) applyClientSettings(raw json.RawMessage, from string) {
	changed, err := s.cfg.setClient(raw)
	if err != nil {
		s.log.Warningf("%s: invalid settings: %v", from, err)
		s.showMessage(protocol.MessageWarning, "ftls: invalid settings ignored, keeping the previous ones: "+err.Error())
		return
	}
	if !changed {
		s.log.Infof("%s: settings unchanged", from)
		return
	}
	s.log.Infof("%s: settings updated", from)
	s.stats.clear()
	for _, d := range s.docs.all() {
		s.diags.schedule(d.uri, true)
	}
}

func (s *Server) didChangeConfiguration(ctx *glsp.Context) (any, error) {
	var p struct {
		Settings json.RawMessage `json:"settings"`
	}
	if len(ctx.Params) > 0 {
		if err := json.Unmarshal(ctx.Params, &p); err != nil {
			return nil, &paramsError{err}
		}
	}
	s.mu.Lock()
	pull := s.pullConfig
	s.mu.Unlock()
	if pull {
		s.pullConfiguration()
		return nil, nil
	}
	raw := p.Settings
	s.goSafe("didChangeConfiguration", func() { s.applyClientSettings(raw, "didChangeConfiguration") })
	return nil, nil
}
