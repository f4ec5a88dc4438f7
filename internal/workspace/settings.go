// Package workspace is what the two shells, `ftls` on the command line and
// `ftls serve` in the editor, share beyond the engine: how a dataset's
// settings are layered from the files around it and from the person
// running ftls (settings.go), which plan governs it (discover.go), how a
// split is resolved and decided (split.go), dataset_info.txt (info.go)
// and a plan's actual figures (actuals.go). Both shells call it, so a
// dataset is checked, split and documented the same whichever way it is
// opened.
package workspace

import (
	"fmt"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/config"
	"github.com/ftls-dev/ftls/internal/plan"
)

// Settings layers, over the defaults, the configuration file at cfgPath
// (none when ""), the plan p (none when nil) and last user, the settings
// the person gave: flags on the command line, settings in the editor. A
// layer that does not apply is left out and the first such error returned
// with the settings of the others: the command line stops on it, the
// editor reports it and goes on checking.
func Settings(cfgPath string, p *plan.Plan, user func(*diagnostics.Settings) error) (*diagnostics.Settings, error) {
	s := diagnostics.DefaultSettings()
	var first error
	keep := func(err error) {
		if first == nil {
			first = err
		}
	}
	if cfgPath != "" {
		if err := applyConfig(s, cfgPath); err != nil {
			keep(err)
			s = diagnostics.DefaultSettings()
		}
	}
	if p != nil {
		if ps, err := p.Apply(s); err != nil {
			keep(fmt.Errorf("%s: %w", p.Path, err))
		} else {
			s = ps
		}
	}
	if user != nil {
		if err := user(s); err != nil {
			keep(err)
		}
	}
	return s, first
}

func applyConfig(s *diagnostics.Settings, path string) error {
	l, err := config.Load(path)
	if err == nil {
		err = l.Apply(s)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
