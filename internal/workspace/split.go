package workspace

import (
	"context"
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/safefile"
	"github.com/ftls-dev/ftls/internal/split"
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

// ValidationExists explains why an existing validation file stops a split
// of in, and what to do; the command line and the editor give the same
// advice. A split killed between its two renames (the validation file in
// place, the training file not yet rewritten) leaves every validation row
// in training: appending the validation file would duplicate them all,
// and splitting again with --force gives the split that was interrupted
// (the same ratio and seed pick the same rows).
func ValidationExists(in, valid string) error {
	inTrain, rows, err := overlap(in, valid)
	switch {
	case err != nil || rows == 0 || inTrain == 0:
		return fmt.Errorf("%s exists; pass --force to replace it (its rows would be lost: to re-split everything, append it to %s first)", valid, in)
	case inTrain == rows:
		return fmt.Errorf("%s exists, and all its %d %s are still in %s: an earlier split was interrupted before it rewrote %s.\n"+
			"Run the same split again with --force to finish it (the same ratio and seed move the same rows), or delete %s and run it again; "+
			"do not append %s to %s, its rows are there already",
			valid, rows, plural(rows, "row", "rows"), in, in, valid, valid, in)
	default:
		return fmt.Errorf("%s exists; pass --force to replace it. %d of its %d %s are also in %s: to re-split everything, "+
			"append to %s only its other %d, or the %d would be duplicated",
			valid, inTrain, rows, plural(rows, "row", "rows"), in, in, rows-inTrain, inTrain)
	}
}

// overlap counts the rows of valid and how many of them are also rows of
// in (see split.Overlap).
func overlap(in, valid string) (inTrain, rows int, err error) {
	tf, err := safefile.Open(in)
	if err != nil {
		return 0, 0, err
	}
	defer tf.Close()
	vf, err := safefile.Open(valid)
	if err != nil {
		return 0, 0, err
	}
	defer vf.Close()
	return split.Overlap(tf, vf)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
