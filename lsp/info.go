package lsp

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/info"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// infoPath is the plan's output.info, else dataset_info.txt next to the
// dataset.
func infoPath(dataset string, p *plan.Plan) string {
	if p != nil && p.Output.Info != "" {
		return p.OutputPath(p.Output.Info)
	}
	return filepath.Join(filepath.Dir(dataset), plan.DefaultInfo)
}

// runInfo builds the statistics document of snap and writes it.
func (s *Server) runInfo(snap *snapshot) error {
	path := snap.path
	p, err := workspace.Governing(path)
	if err != nil {
		return fmt.Errorf("the plan governing %s: %w", filepath.Base(path), err)
	}
	docPath := infoPath(path, p)
	if p != nil {
		// Never write outside the plan's folder (P005), whatever its severity.
		if _, err := p.WritePath("info", p.Output.Info); err != nil {
			return err
		}
	}
	if err := s.checkWrite(path, docPath); err != nil {
		return err
	}
	st := s.cfg.freshSettings(path)
	st.CountTokens = true
	res, err := engine.Check(s.ctx, path, snap.Reader(), engine.Options{Settings: st, SizeHint: snap.Size()})
	if err != nil {
		return err
	}
	job := workspace.InfoJob{Plan: p, DocPath: docPath, Settings: st, Generate: true,
		Files: []workspace.InfoFile{{Path: path, Role: workspace.Role(path, p), Result: res}}}
	// The plan's validation file, when this is its training file: from the
	// editor if open, else from disk.
	if vp := workspace.Companion(path, p); vp != "" {
		var vres *engine.Result
		if vs := s.docs.get(pathURI(vp)); vs != nil {
			vres, err = engine.Check(s.ctx, vp, vs.Reader(), engine.Options{Settings: st, SizeHint: vs.Size()})
		} else if _, serr := os.Stat(vp); serr == nil {
			vres, err = engine.CheckFile(s.ctx, vp, engine.Options{Settings: st})
		}
		if err != nil {
			return err
		}
		if vres != nil {
			engine.AddLeakage(res, vres, st)
		}
		job.Files = append(job.Files, workspace.InfoFile{Path: vp, Role: info.Validation, Result: vres})
	}
	rep := job.Build()
	var text bytes.Buffer
	if err := rep.WriteText(&text); err != nil {
		return err
	}
	// Written on disk by the server, whatever the client can do: a
	// derived document replaced as a whole gains nothing from being an
	// undoable edit, and a create-and-edit leaves an empty file on disk and
	// the text in a modified buffer until the user saves it (Neovim does
	// not even show that buffer).
	if err := os.MkdirAll(filepath.Dir(docPath), 0o755); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(docPath, text.Bytes()); err != nil {
		return fmt.Errorf("writing %s: %w", docPath, err)
	}
	s.showMessage(protocol.MessageInfo, fmt.Sprintf("ftls: wrote %s (%d training, %d validation examples)", docPath, rep.TrainExamples, rep.ValidExamples))
	s.showFile(pathURI(docPath))
	return nil
}
