package lsp

import (
	"fmt"
	"io"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/lsp/frame"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// BenchmarkPublishChanged is what the server does with the findings of a
// million-row document (17,500, half of them near duplicates pointing at
// another row) when an edit changes one: convert them and encode the
// notification.
func BenchmarkPublishChanged(b *testing.B) {
	var ds []diagnostics.Diagnostic
	for i := range 17500 {
		rng := textpos.Range{Start: textpos.Position{Line: i * 57}, End: textpos.Position{Line: i * 57, Character: 2300}}
		d := diagnostics.Diagnostic{Code: "Q004", Severity: diagnostics.Warning, Message: `assistant text contains the placeholder "{{name}}"`, Range: rng}
		if i%2 == 0 {
			d.Code, d.Message = "D002", fmt.Sprintf("near duplicate of line %d (similarity 0.91)", i*57-3)
			d.Related = []diagnostics.Related{{Range: rng, Message: "the other row"}}
		}
		ds = append(ds, d)
	}
	r := &result{snap: &snapshot{uri: "file:///home/user/data/train.jsonl", version: 7}, res: &engine.Result{Diagnostics: ds}}
	w := frame.NewWriter(io.Discard)
	b.ReportAllocs()
	for b.Loop() {
		diags := toLSPDiagnostics(r)
		v := r.snap.version
		if err := w.Notify("textDocument/publishDiagnostics", &protocol.PublishDiagnosticsParams{URI: r.snap.uri, Version: &v, Diagnostics: diags}); err != nil {
			b.Fatal(err)
		}
	}
}
