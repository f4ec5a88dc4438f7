package frame

import (
	"bytes"
	"testing"

	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Params that write themselves (a frame.Appender) make the same frame as
// encoding/json makes of them, buffers reused or not.
func TestNotifyAppenderMatchesEncoder(t *testing.T) {
	v := int32(3)
	p := protocol.PublishDiagnosticsParams{URI: "file:///tmp/a <b>.jsonl", Version: &v, Diagnostics: []protocol.Diagnostic{{
		Range: protocol.Range{End: protocol.Position{Line: 2, Character: 9}}, Severity: 2, Code: "D002", Source: "ftls", Message: "near \"duplicate\" & more",
		CodeDescription:    &protocol.CodeDescription{Href: "https://example.invalid/d002"},
		RelatedInformation: []protocol.DiagnosticRelatedInformation{{Location: protocol.Location{URI: "file:///tmp/b.jsonl"}, Message: "first"}},
		Data:               &protocol.DiagnosticData{Code: "D002", Version: 3, Fix: -1},
	}}}
	var _ Appender = &p
	for _, grow := range []int{0, 1, 50} {
		var want, got bytes.Buffer
		if err := NewWriter(&want).Notify("textDocument/publishDiagnostics", p); err != nil { // a value: encoding/json
			t.Fatal(err)
		}
		if err := NewWriter(&got).Notify("textDocument/publishDiagnostics", &p); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("%d diagnostics:\n got %s\nwant %s", len(p.Diagnostics), got.String(), want.String())
		}
		for range grow {
			p.Diagnostics = append(p.Diagnostics, p.Diagnostics[0])
		}
	}
}
