package lsp

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/split"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Source actions on a dataset that write other files, as `ftls split` and
// `ftls info` do:
//
//   - "Split validation set (N %)" moves a stratified, leak-free share of
//     the document's rows into a new validation file;
//   - "Write dataset_info.txt" creates or replaces the statistics document.
//
// Both are computed from the document's current text, not the file on
// disk. The code action carries only a command naming the document and its
// version: a split or a token count of a large dataset takes too long for
// a code action request (clients ask for code actions on every cursor
// move, and glsp answers one message at a time). The command checks the
// version, returns at once, and a goroutine computes the result and sends
// ONE workspace/applyEdit. Every edit of the training document is
// versioned, so the editor refuses it if the text changed meanwhile, and
// the whole split is one undoable edit.
//
// When the client announces the "create" resource operation, the new file
// is a createFile operation followed by an edit inserting its text (with a
// null version: the file is new). Otherwise the file is written atomically
// on disk, only the training document's edit is sent, and a
// window/showMessage says so.

const (
	cmdSplit = "ftls.splitValidation"
	cmdInfo  = "ftls.writeInfo"

	kindSplit = "source.split.ftls"
	kindInfo  = "source.info.ftls"
)

// sourceActions are the split and info actions for a dataset document
// with a file path.
func (s *Server) sourceActions(snap *snapshot, r *result, only []string) []protocol.CodeAction {
	if snap == nil || snap.kind != kindDataset || snap.path == "" {
		return nil
	}
	arg := protocol.VersionedTextDocumentIdentifier{URI: snap.uri, Version: snap.version}
	if !wants(only, kindSplit) && !wants(only, kindInfo) {
		return nil
	}
	p, _ := workspace.Governing(snap.path)
	var out []protocol.CodeAction
	if wants(only, kindSplit) {
		// A plan whose ratio is invalid gets the action too: running it
		// says what is wrong, as `ftls split` does.
		title := "Split validation set"
		if r, err := p.SplitRatio(); err == nil {
			title = fmt.Sprintf("Split validation set (%s %%)", pctTitle(r))
		}
		out = append(out, protocol.CodeAction{Title: title, Kind: kindSplit, Command: &protocol.Command{Title: title, Command: cmdSplit, Arguments: []any{arg}}})
	}
	if wants(only, kindInfo) {
		title := "Write " + filepath.Base(infoPath(snap.path, p))
		out = append(out, protocol.CodeAction{Title: title, Kind: kindInfo, Command: &protocol.Command{Title: title, Command: cmdInfo, Arguments: []any{arg}}})
	}
	if len(out) == 2 && r != nil && r.snap == snap && r.res.Count(diagnostics.Error) > 0 {
		// Splitting a file that has errors is rarely the next step.
		out[0], out[1] = out[1], out[0]
	}
	return out
}

// pctTitle formats a ratio as a percentage for a title: 0.15 -> "15".
func pctTitle(r float64) string {
	return strconv.FormatFloat(float64(int64(r*1000+0.5))/10, 'f', -1, 64)
}

// sourceCommand runs cmdSplit or cmdInfo for snap, which must still be at
// version: the work runs in the background and ends in one applyEdit.
func (s *Server) sourceCommand(name string, snap *snapshot, version int32) error {
	if snap.version != version {
		return fmt.Errorf("%s changed since version %d; ask for the action again", snap.uri, version)
	}
	if err := checkLocalURI(snap.uri); err != nil {
		return err
	}
	if snap.kind != kindDataset || snap.path == "" {
		return fmt.Errorf("%s is not a dataset file", snap.uri)
	}
	if err := s.checkWrite(snap.path, snap.path); err != nil {
		return err
	}
	s.mu.Lock()
	create := s.createFiles
	s.mu.Unlock()
	s.goSafe(name, func() {
		var err error
		if name == cmdSplit {
			err = s.runSplit(snap, create)
		} else {
			err = s.runInfo(snap)
		}
		if err != nil {
			s.log.Warningf("%s %s: %v", name, snap.uri, err)
			s.showMessage(protocol.MessageError, "ftls: "+err.Error())
		}
	})
	return nil
}

// runSplit computes the split of snap and applies it.
func (s *Server) runSplit(snap *snapshot, create bool) error {
	path := snap.path
	p, err := workspace.Governing(path)
	if err != nil {
		return fmt.Errorf("the plan governing %s: %w", filepath.Base(path), err)
	}
	sp, err := workspace.NewSplit(path, p, workspace.SplitChoices{})
	if err != nil {
		return err
	}
	ratio, seed, valid := sp.Ratio, sp.Seed, sp.Validation
	if err := s.checkWrite(path, valid); err != nil {
		return err
	}
	validURI := pathURI(valid)
	if s.docs.get(validURI) != nil {
		return fmt.Errorf("%s is open; close it, or split from the command line (ftls split --force)", valid)
	}
	if _, err := os.Stat(valid); err == nil {
		return fmt.Errorf("not split: %w", workspace.ValidationExists(path, valid))
	}
	data := snap.Text()
	if dataset.IsArrayStart(data) {
		return fmt.Errorf("%s is a JSON array; split works on JSON Lines (convert it with `ftls export`)", filepath.Base(path))
	}
	res, dec, err := sp.Decide(s.ctx, bytes.NewReader(data), int64(len(data)), s.cfg.freshSettings(path))
	if err != nil {
		return err
	}
	if dec.Valid == 0 {
		s.showMessage(protocol.MessageInfo, fmt.Sprintf("ftls: nothing to move: at %s %% no category of %s has enough rows to give one to validation", pctTitle(ratio), filepath.Base(path)))
		return nil
	}
	_, validText, err := split.Bytes(data, res.Rows, dec.Validation, split.Terminator(res.Rows))
	if err != nil {
		return err
	}
	trainEdit := protocol.TextDocumentEdit{
		TextDocument: protocol.VersionedTextDocumentIdentifier{URI: snap.uri, Version: snap.version},
		Edits:        removeRowEdits(snap, res.Rows, dec.Validation),
	}
	rows := "rows"
	if dec.Valid == 1 {
		rows = "row"
	}
	label := fmt.Sprintf("ftls: split %d %s into %s", dec.Valid, rows, filepath.Base(valid))
	summary := fmt.Sprintf("%d of %d rows (%s %%, seed %d) to %s", dec.Valid, dec.Valid+dec.Train, pctTitle(ratio), seed, filepath.Base(valid))
	if create {
		edit := protocol.ResourceWorkspaceEdit{DocumentChanges: []any{
			protocol.CreateFile{Kind: "create", URI: validURI, Options: &protocol.CreateFileOptions{Overwrite: false, IgnoreIfExists: false}},
			protocol.OptionalTextDocumentEdit{TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{URI: validURI}, Edits: []protocol.TextEdit{newFileEdit(validText)}},
			trainEdit,
		}}
		s.applyResourceEdit(label, edit, func(ok bool, reason string) {
			if !ok {
				s.showMessage(protocol.MessageWarning, "ftls: the split was not applied: "+orUnknown(reason))
				return
			}
			s.log.Infof("split %s: %s", snap.uri, summary)
			s.showMessage(protocol.MessageInfo, fmt.Sprintf("ftls: moved %s; save both files to keep the split", summary))
			s.showFile(validURI)
		})
		return nil
	}
	// Fallback: the client cannot create files in an edit.
	if dir := filepath.Dir(valid); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	if err := atomicfile.WriteFile(valid, validText); err != nil {
		return fmt.Errorf("writing %s: %w", valid, err)
	}
	edit := protocol.ResourceWorkspaceEdit{DocumentChanges: []any{trainEdit}}
	s.applyResourceEdit(label, edit, func(ok bool, reason string) {
		if !ok {
			// The rows would be in both files: take the new file back.
			os.Remove(valid)
			s.showMessage(protocol.MessageWarning, fmt.Sprintf("ftls: the split was not applied (%s); %s was removed again", orUnknown(reason), valid))
			return
		}
		s.showMessage(protocol.MessageInfo, fmt.Sprintf("ftls: moved %s. This editor cannot create files in an edit, so %s was written on disk directly; undo in the editor restores the training rows but does not delete it", summary, valid))
		s.showFile(validURI)
	})
	return nil
}

// removeRowEdits deletes every row moved to validation, with its line
// terminator: one edit per row.
func removeRowEdits(snap *snapshot, rows []diagnostics.RowInfo, toValid []bool) []protocol.TextEdit {
	edits := []protocol.TextEdit{}
	for i := range rows {
		if !toValid[i] {
			continue
		}
		r := &rows[i]
		start := r.Offset
		end := start + int64(r.Len) + int64(r.Term)
		edits = append(edits, protocol.TextEdit{Range: protocol.Range{Start: snap.Position(start), End: snap.Position(end)}})
	}
	return edits
}

// newFileEdit inserts text into a document just created, empty. Its
// range ends on line 1, past the end of that document: every client
// clamps such a range to the end, and Neovim then also drops the empty
// last line it would otherwise keep, on which it writes the final newline
// of its own ('eol'). So a file whose text ends in one newline is saved
// with exactly one, by Neovim as by VS Code.
func newFileEdit(text []byte) protocol.TextEdit {
	return protocol.TextEdit{Range: protocol.Range{End: protocol.Position{Line: 1}}, NewText: string(text)}
}
