package lsp

import (
	"os"
	"path/filepath"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/pairing"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
)

// Train/validation leakage in the editor: a validation document is
// compared with its training file (package pairing picks it), the open
// document's latest full result or the file on disk, cached by size and
// modification time; a training document's full check re-checks the open
// validation documents that pair with it.

type diskResult struct {
	mod      time.Time
	size     int64
	settings *diagnostics.Settings
	res      *engine.Result
}

// addLeakage adds train/validation leakage (D004, B006) to the result of a
// validation file, comparing it with its training file (package pairing):
// the plan's training output, or the training file of its folder with the
// same name stem, open documents not yet saved included. The training
// file is the open document's latest full result, or the file on disk.
func (p *publisher) addLeakage(snap *snapshot, valid *engine.Result, st *diagnostics.Settings) {
	if snap.path == "" {
		return
	}
	train := planTrainingPartner(snap.path)
	if train == "" {
		var open []string
		for _, d := range p.s.docs.all() {
			if d.kind == kindDataset && d.path != "" && d.path != snap.path {
				open = append(open, d.path)
			}
		}
		train = pairing.Folder(snap.path, open...)
	}
	if train == "" {
		return
	}
	if t := p.trainingResult(train); t != nil {
		engine.AddLeakage(t, valid, st)
	}
}

// planTrainingPartner returns the training output of the plan that names
// path as its validation output, or "".
func planTrainingPartner(path string) string {
	pp, _, _ := workspace.PlanFor(path)
	if pp == "" {
		return ""
	}
	pl, err := plan.Load(pp)
	if err != nil {
		return ""
	}
	return pairing.Plan(pl, path)
}

// trainingResult returns the check of the training file at path: its open
// document's latest full result, or the file read from disk.
func (p *publisher) trainingResult(path string) *engine.Result {
	uri := pathURI(path)
	p.mu.Lock()
	r := p.results[uri]
	p.mu.Unlock()
	if r != nil && r.full {
		return r.res
	}
	if p.s.docs.get(uri) != nil {
		return nil // open but not checked yet: it reschedules us when it is
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil
	}
	settings, _ := p.s.cfg.settingsFor(path)
	p.mu.Lock()
	if c := p.onDisk[path]; c != nil && c.mod.Equal(st.ModTime()) && c.size == st.Size() && c.settings == settings {
		p.mu.Unlock()
		return c.res
	}
	p.mu.Unlock()
	res, err := engine.CheckFile(p.s.ctx, path, engine.Options{Settings: settings})
	if err != nil {
		p.s.log.Warningf("reading training file %s: %v", path, err)
		return nil
	}
	p.mu.Lock()
	p.onDisk[path] = &diskResult{mod: st.ModTime(), size: st.Size(), settings: settings, res: res}
	p.mu.Unlock()
	return res
}

// rescheduleValidation re-checks the open validation files paired with the
// training document just checked.
func (p *publisher) rescheduleValidation(train *snapshot) {
	if train.path == "" {
		return
	}
	for _, d := range p.s.docs.all() {
		if d.kind == kindDataset && d.path != "" && filepath.Dir(d.path) == filepath.Dir(train.path) && pairing.IsValidation(d.path) {
			p.schedule(d.uri, true)
		}
	}
}
