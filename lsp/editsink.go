package lsp

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// editorSink inserts each batch at the end of the open training document
// with a verified workspace/applyEdit (applyedit.go): a batch counts as
// added only once a version of the document holds every one of its rows,
// and a refused batch is sent again at the end of the latest version.
// Batches go one at a time. When the document was closed meanwhile, the
// batch is appended on disk.
type editorSink struct {
	s   *Server
	ctx context.Context
	uri string
	mu  sync.Mutex
}

func (k *editorSink) Append(rows [][]byte) error {
	if len(rows) == 0 {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	label := fmt.Sprintf("ftls: add %d generated examples", len(rows))
	_, err := k.s.applyVerified(k.ctx, label, k.uri, func(snap *snapshot) (editPlan, error) {
		return appendRowsEdit(snap, rows), nil
	})
	if errors.Is(err, errDocumentClosed) {
		return (&generator.FileSink{Path: uriPath(k.uri)}).Append(rows)
	}
	if err != nil {
		return fmt.Errorf("inserting %d examples into %s: %w", len(rows), filepath.Base(uriPath(k.uri)), err)
	}
	return nil
}

// appendRowsEdit inserts rows after the last row of snap, in its line
// ending, and holds once every row is a line of the document. The edit
// starts at the end of the last line with content, never past the final
// line end: Neovim turns an insertion there into an extra blank line.
func appendRowsEdit(snap *snapshot, rows [][]byte) editPlan {
	eol := []byte("\n")
	last := -1
	for i := snap.Len() - 1; i >= 0; i-- {
		if l := snap.Line(i); len(bytes.TrimSpace(l.Content())) > 0 {
			last = i
			if l.Term() == 2 {
				eol = []byte("\r\n")
			}
			break
		}
	}
	text := bytes.Join(rows, eol)
	at := protocol.Position{}
	if last >= 0 {
		at = protocol.Position{Line: last, Character: textpos.UTF16Len(snap.Line(last).Content())}
		text = append(eol, text...)
	}
	return editPlan{
		edits: []protocol.TextEdit{{Range: protocol.Range{Start: at, End: at}, NewText: string(text)}},
		holds: func(cur *snapshot) bool { return rowsPresent(cur, rows) == len(rows) },
	}
}
