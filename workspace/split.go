package workspace

import (
	"context"
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/engine"
	"github.com/ftls-dev/ftls/plan"
	"github.com/ftls-dev/ftls/split"
)

// Split is a split of one dataset as both shells work it out: the share
// moved, the seed and the validation file.
type Split struct {
	Dataset, Validation string
	Ratio               float64
	Seed                int64
}

// SplitChoices are what the person asked for on the command line; the
// editor asks for nothing and takes the plan's.
type SplitChoices struct {
	Ratio      *float64
	Seed       *int64
	Validation string
}

// NewSplit resolves a split of the dataset at path that p governs (nil
// without a plan): the choices given, else the plan's validation.split,
// validation.seed and output.validation, else the defaults. It refuses a
// ratio outside (0, 1), a validation file the plan would write outside its
// folder, and the dataset itself as validation file.
func NewSplit(path string, p *plan.Plan, c SplitChoices) (*Split, error) {
	sp := &Split{Dataset: path, Seed: plan.DefaultSeed}
	var err error
	if c.Ratio != nil {
		sp.Ratio = *c.Ratio
		if !(sp.Ratio > 0 && sp.Ratio < 1) {
			return nil, fmt.Errorf("--ratio %g: the share moved to validation must be between 0 and 1, e.g. 0.1", sp.Ratio)
		}
	} else if sp.Ratio, err = p.SplitRatio(); err != nil {
		return nil, err
	}
	switch {
	case c.Seed != nil:
		sp.Seed = *c.Seed
	case p != nil:
		sp.Seed = p.Validation.Seed
	}
	switch {
	case c.Validation != "":
		sp.Validation = c.Validation
	case p != nil && p.Output.Validation != "":
		// Never outside the plan's folder (P005), whatever its severity.
		if sp.Validation, err = p.WritePath("validation", p.Output.Validation); err != nil {
			return nil, err
		}
	default:
		sp.Validation = split.ValidationName(path)
	}
	if plan.SamePath(path, sp.Validation) {
		return nil, fmt.Errorf("the validation file %s is the file being split; name another (-o, or output.validation in the plan)", sp.Validation)
	}
	return sp, nil
}

// Decide checks the dataset read from r for what a split reads and
// assigns its rows; s are the dataset's settings.
func (sp *Split) Decide(ctx context.Context, r io.Reader, size int64, s *diagnostics.Settings) (*engine.Result, *split.Result, error) {
	st := split.CheckSettings(s)
	res, err := engine.Check(ctx, sp.Dataset, r, engine.Options{Settings: st, SizeHint: size})
	if err != nil {
		return nil, nil, err
	}
	dec, err := split.Assign(res.Rows, split.Options{Ratio: sp.Ratio, Seed: sp.Seed, Threshold: st.NearDuplicate})
	if err != nil {
		return nil, nil, err
	}
	return res, dec, nil
}
