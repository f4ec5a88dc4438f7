package workspace

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
)

// Actuals are the figures of the datasets a plan governs, to show beside
// what it plans. Like dataset_info.txt (info.Build), they count the
// training and the validation examples together: size.examples plans the
// whole dataset, which a split only divides.
type Actuals struct {
	TrainPath string
	ValidPath string
	Train     *engine.Result // nil when the training file is not there
	Pending   bool           // the training file is being read
	Valid     *engine.Result // nil when the validation file is not there
	PerCat    map[string]int
	Examples  int // training and validation examples
	TrainN    int // training examples
	ValidN    int // validation examples
	Multi     int // conversations with more than one user turn
	Turns     int // conversations with at least one user turn
}

// ActualDefinition closes a text that shows actual figures.
const ActualDefinition = "_Actual figures count the training and validation examples together, as dataset_info.txt does._"

func (a *Actuals) add(res *engine.Result) {
	for _, r := range res.Rows {
		if !r.Object {
			continue
		}
		if r.Category != "" {
			a.PerCat[r.Category]++
		}
		if r.UserTurns > 0 {
			a.Turns++
		}
		if r.UserTurns > 1 {
			a.Multi++
		}
	}
}

// NewActuals reads the training (and validation) file the plan governs
// with read, which returns a dataset's check (nil when it is not there)
// and whether it is still being read.
func NewActuals(p *plan.Plan, read func(path string) (res *engine.Result, pending bool)) *Actuals {
	a := &Actuals{PerCat: map[string]int{}}
	if p.Path == "" {
		return a
	}
	a.TrainPath = p.OutputPath(p.Output.Train)
	if a.TrainPath == "" {
		return a
	}
	a.Train, a.Pending = read(a.TrainPath)
	if a.Train == nil {
		return a
	}
	a.TrainN = a.Train.Examples()
	a.add(a.Train)
	if v := p.OutputPath(p.Output.Validation); v != "" && !plan.SamePath(v, a.TrainPath) {
		a.ValidPath = v
		a.Valid, _ = read(v)
		if a.Valid != nil {
			a.ValidN = a.Valid.Examples()
			a.add(a.Valid)
		}
	}
	a.Examples = a.TrainN + a.ValidN
	return a
}

// Files names the files the actual figures come from.
func (a *Actuals) Files() string {
	if a.Valid == nil {
		return a.Name()
	}
	return a.Name() + " and " + filepath.Base(a.ValidPath)
}

// Split says how the examples divide between the files.
func (a *Actuals) Split() string {
	if a.Valid == nil {
		return fmt.Sprintf("in %s", a.Name())
	}
	return fmt.Sprintf("%d in %s, %d in %s", a.TrainN, a.Name(), a.ValidN, filepath.Base(a.ValidPath))
}

// Name is the training file's name.
func (a *Actuals) Name() string { return filepath.Base(a.TrainPath) }

// Missing says why there is no actual figure.
func (a *Actuals) Missing() string {
	if a.Pending {
		return "counting the examples of " + a.Name() + "…"
	}
	return "no " + a.Name() + " yet"
}

// ActualNote puts the actual number next to the planned one for the key
// of p at path, when it plans a number ("" otherwise): the plan hover.
// actuals gathers the figures, only for such keys.
func ActualNote(p *plan.Plan, path []string, actuals func() *Actuals) string {
	switch {
	case len(path) >= 2 && path[0] == "categories":
		i, err := strconv.Atoi(path[1])
		if err != nil {
			return ""
		}
		for _, t := range p.Targets() {
			if t.Index != i {
				continue
			}
			a := actuals()
			out := fmt.Sprintf("**%s**: planned **%d** examples (%.1f %% of %d)", t.Name, t.Count, 100*t.Share, p.Size.Examples)
			if a.Train == nil {
				return out + " · actual: " + a.Missing()
			}
			n := a.PerCat[t.Name]
			share := 0.0
			if a.Examples > 0 {
				share = 100 * float64(n) / float64(a.Examples)
			}
			return out + fmt.Sprintf(" · actual **%d** (%.1f %% of %d in %s) · %s\n\n%s", n, share, a.Examples, a.Files(), Shortfall(t.Count, n), ActualDefinition)
		}
	case len(path) == 2 && path[0] == "size" && path[1] == "examples":
		a := actuals()
		out := fmt.Sprintf("Planned **%d** examples", p.Size.Examples)
		if a.Train == nil {
			return out + " · actual: " + a.Missing()
		}
		return out + fmt.Sprintf(" · actual **%d** (%s) · %s\n\n%s", a.Examples, a.Split(), Shortfall(p.Size.Examples, a.Examples), ActualDefinition)
	case len(path) == 2 && path[0] == "diversity" && path[1] == "multi_turn":
		a := actuals()
		out := fmt.Sprintf("Planned multi-turn share **%.1f %%**", 100*p.Diversity.MultiTurn)
		if a.Train == nil {
			return out + " · actual: " + a.Missing()
		}
		if a.Turns == 0 {
			return out + fmt.Sprintf(" · actual: no conversations in %s", a.Name())
		}
		return out + fmt.Sprintf(" · actual **%.1f %%** (%d of %d conversations in %s)\n\n%s", 100*float64(a.Multi)/float64(a.Turns), a.Multi, a.Turns, a.Files(), ActualDefinition)
	case len(path) == 2 && path[0] == "validation" && path[1] == "split":
		a := actuals()
		out := fmt.Sprintf("Planned validation split **%.1f %%**", 100*p.Validation.Split)
		if a.Valid == nil || a.Train == nil {
			return out + " · actual: no validation file yet"
		}
		if a.Examples == 0 {
			return out
		}
		return out + fmt.Sprintf(" · actual **%.1f %%** (%d validation, %d training examples)", 100*float64(a.ValidN)/float64(a.Examples), a.ValidN, a.TrainN)
	}
	return ""
}

// Shortfall says how far actual is below planned.
func Shortfall(planned, actual int) string {
	if actual >= planned {
		return "on target"
	}
	return fmt.Sprintf("short %d", planned-actual)
}
