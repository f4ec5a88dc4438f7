package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/config"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
)

// lintFlags are the flags every command that checks rows shares.
type lintFlags struct {
	configPath  string
	target      string
	model       string
	maxTokens   int
	metadataKey string
	rules       []string // CODE=SEVERITY
	disable     []string
	workers     int
	planPath    string
}

func (f *lintFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.configPath, "config", "", "configuration file (default: ftls.yaml in the dataset's folder or a parent)")
	fs.StringVar(&f.target, "target", "", "rule profile: openai or generic (default openai)")
	fs.StringVar(&f.model, "model", "", "model whose tokenizer and token limit apply (default "+diagnostics.DefaultModel+")")
	fs.IntVar(&f.maxTokens, "max-tokens", 0, "token limit of one example (default: the model's)")
	fs.StringVar(&f.metadataKey, "metadata-key", "", `top-level key holding ftls's per-row metadata (default "metadata")`)
	fs.StringArrayVar(&f.rules, "rule", nil, "set a rule's severity, e.g. --rule C010=off or --rule Q=info (repeatable)")
	fs.StringArrayVar(&f.disable, "disable", nil, "turn a rule or family off, e.g. --disable Q008 (repeatable)")
	fs.IntVar(&f.workers, "workers", 0, "rows checked in parallel (default: one per CPU)")
	fs.StringVar(&f.planPath, "plan", "", "plan file governing the datasets (default: the *.plan.yaml whose output names the dataset, in its folder or a parent)")
}

// settingsCache builds the settings for each dataset, reading each
// configuration file and plan once.
type settingsCache struct {
	flags *lintFlags
	byKey map[[2]string]*diagnostics.Settings
	plans map[string]*plan.Plan
}

func newSettingsCache(f *lintFlags) *settingsCache {
	return &settingsCache{flags: f, byKey: map[[2]string]*diagnostics.Settings{}, plans: map[string]*plan.Plan{}}
}

// options returns the engine options for the dataset at path: defaults,
// then ftls.yaml, then the governing plan, then the flags.
func (c *settingsCache) options(path string) (engine.Options, error) {
	cfg := c.flags.configPath
	if cfg == "" {
		cfg = config.Find(filepath.Dir(path))
	}
	p, err := c.plan(path)
	if err != nil {
		return engine.Options{}, err
	}
	key := [2]string{cfg, ""}
	if p != nil {
		key[1] = p.Path
	}
	s, ok := c.byKey[key]
	if !ok {
		if s, err = c.flags.settings(cfg, p); err != nil {
			return engine.Options{}, err
		}
		c.byKey[key] = s
	}
	return engine.Options{Settings: s, Workers: c.flags.workers}, nil
}

// plan returns the plan governing the dataset at path, or nil.
func (c *settingsCache) plan(path string) (*plan.Plan, error) {
	if plan.IsPath(path) {
		return nil, nil
	}
	found := c.flags.planPath
	if found == "" {
		var err error
		if found, err = plan.Discover(path); err != nil {
			return nil, err
		}
	}
	if found == "" {
		return nil, nil
	}
	if p, ok := c.plans[found]; ok {
		return p, nil
	}
	p, err := plan.LoadFor(path, found)
	if err != nil {
		return nil, err
	}
	c.plans[found] = p
	return p, nil
}

// settings layers defaults, the configuration file, the plan and the
// flags (workspace.Settings); any layer that does not apply is an error.
func (f *lintFlags) settings(cfgPath string, p *plan.Plan) (*diagnostics.Settings, error) {
	return workspace.Settings(cfgPath, p, f.apply)
}

// apply sets what the flags say over s.
func (f *lintFlags) apply(s *diagnostics.Settings) error {
	over := &config.Lint{Target: f.target, Model: f.model, MaxTokensPerExample: f.maxTokens, MetadataKey: f.metadataKey, Rules: map[string]string{}}
	if err := over.Apply(s); err != nil {
		return err
	}
	for _, r := range f.rules {
		code, sev, ok := strings.Cut(r, "=")
		if !ok {
			return fmt.Errorf("--rule %q: want CODE=SEVERITY", r)
		}
		if err := config.SetSeverity(s, code, sev); err != nil {
			return err
		}
	}
	for _, code := range f.disable {
		if err := config.SetSeverity(s, code, "off"); err != nil {
			return err
		}
	}
	return nil
}
