// Package config reads ftls's project configuration, ftls.yaml, and turns
// it, together with command-line overrides, into the settings rules read.
//
// The file is looked up from the dataset's folder upwards, so one ftls.yaml
// at the root of a repository covers every dataset below it. Its keys are
// the same as those of a plan's `lint:` section.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// FileName is the name of the project configuration file.
const FileName = "ftls.yaml"

// Lint is the set of options a configuration file or a plan's lint section
// can set. Zero values mean "not set".
type Lint struct {
	Target                 string            `yaml:"target"`
	Model                  string            `yaml:"model"`
	MaxTokensPerExample    int               `yaml:"max_tokens_per_example"`
	MetadataKey            string            `yaml:"metadata_key"`
	CategoryField          string            `yaml:"category_field"`
	NearDuplicateThreshold float64           `yaml:"near_duplicate_threshold"`
	OverTemplatingShare    float64           `yaml:"over_templating_share"`
	LengthOutlierFactor    float64           `yaml:"length_outlier_factor"`
	BalanceTolerance       float64           `yaml:"balance_tolerance"`
	Rules                  map[string]string `yaml:"rules"`
}

// Load reads a configuration file. Unknown keys are errors, reported with
// their line, so a typo does not silently leave a rule on.
func Load(path string) (*Lint, error) {
	data, err := safefile.ReadFile(path, safefile.ConfigMax)
	if err != nil {
		return nil, err
	}
	var l Lint
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file decodes to io.EOF and means "nothing set".
	if err := dec.Decode(&l); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &l, nil
}

// Find looks for ftls.yaml in dir and its parents and returns its path, or
// "" when there is none.
func Find(dir string) string {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, FileName)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return ""
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// Apply overlays the options that l sets onto s.
func (l *Lint) Apply(s *diagnostics.Settings) error {
	if l == nil {
		return nil
	}
	if l.Target != "" {
		t, err := diagnostics.ParseTarget(l.Target)
		if err != nil {
			return err
		}
		s.Target = t
	}
	if l.Model != "" {
		s.Model = l.Model
	}
	if l.MaxTokensPerExample != 0 {
		s.MaxTokens = l.MaxTokensPerExample
	}
	if l.MetadataKey != "" {
		s.MetadataKey = l.MetadataKey
	}
	if l.NearDuplicateThreshold != 0 {
		s.NearDuplicate = l.NearDuplicateThreshold
	}
	if l.OverTemplatingShare != 0 {
		s.OverTemplatingShare = l.OverTemplatingShare
	}
	if l.LengthOutlierFactor != 0 {
		s.LengthOutlierFactor = l.LengthOutlierFactor
	}
	if l.BalanceTolerance != 0 {
		s.BalanceTolerance = l.BalanceTolerance
	}
	if l.CategoryField != "" {
		s.CategoryField = l.CategoryField
	}
	for code, sev := range l.Rules {
		if err := SetSeverity(s, code, sev); err != nil {
			return err
		}
	}
	return s.Validate()
}

// SetSeverity sets the severity of one rule, or of a whole family when code
// is a single letter ("Q": every quality rule).
func SetSeverity(s *diagnostics.Settings, code, severity string) error {
	sev, err := diagnostics.ParseSeverity(severity)
	if err != nil {
		return fmt.Errorf("rule %s: %w", code, err)
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if len(code) == 1 {
		found := false
		for _, r := range diagnostics.All() {
			if strings.HasPrefix(r.Code, code) {
				s.Severities[r.Code] = sev
				found = true
			}
		}
		if !found {
			return fmt.Errorf("no rules in family %q", code)
		}
		return nil
	}
	if diagnostics.Lookup(code) == nil {
		return fmt.Errorf("unknown rule %q (see `ftls rules`)", code)
	}
	s.Severities[code] = sev
	return nil
}
