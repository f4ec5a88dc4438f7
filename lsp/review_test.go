package lsp

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/review"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// TestServeReviewCache opens a dataset that `ftls review` judged: the
// cached verdicts are diagnostics on open (no model is configured), the
// reviewer's rewrite is a quick fix but not part of fix all, and editing
// the row makes its verdict stale.
func TestServeReviewCache(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "data.jsonl")
	text := `{"messages":[{"role":"user","content":"Boiling point of water?"},{"role":"assistant","content":"50 °C."}]}` + "\n" +
		`{"messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}` + "\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	rows, err := review.ReadRows(context.Background(), []byte(text), diagnostics.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	rubric := review.NewRubric(nil)
	st := review.NewStore(path, rubric, "judge")
	for i, r := range rows {
		scores := map[string]diagnostics.ReviewScore{}
		for _, c := range rubric.Criteria {
			scores[c.Name] = diagnostics.ReviewScore{Score: 5, Reason: "Fine.", Turn: -1}
		}
		if i == 0 {
			scores["accuracy"] = diagnostics.ReviewScore{Score: 1, Reason: "Water boils at 100 °C.", Turn: 1, Rewrite: "100 °C at sea level."}
		}
		st.Record(r.Key, r.Line+1, scores, nil)
	}
	if err := st.Save(nil); err != nil {
		t.Fatal(err)
	}

	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(path)
	d := c.open(uri, "jsonl", text)
	got := c.waitFull(uri, 1)
	var r001 *protocol.Diagnostic
	for i := range got {
		if got[i].Code == "R001" {
			r001 = &got[i]
		}
	}
	if r001 == nil || r001.Range.Start.Line != 0 || !strings.Contains(r001.Message, "Water boils at 100 °C.") {
		t.Fatalf("diagnostics on open:\n%s", codes(got))
	}
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": r001.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{*r001}},
	}, &actions)
	var titles []string
	for _, a := range actions {
		titles = append(titles, a.Title)
		if a.Kind == kindFixAll {
			t.Errorf("fix all is offered for a model's rewrite: %q", a.Title)
		}
	}
	if !strings.Contains(strings.Join(titles, "\n"), diagnostics.RewriteTitle) {
		t.Fatalf("actions %q lack the rewrite", titles)
	}

	h := d.hover(0, 5)
	if !strings.Contains(h, "**Review**: accuracy 1/5") || !strings.Contains(h, "R001 accuracy: Water boils at 100 °C.") {
		t.Errorf("hover lacks the verdict:\n%s", h)
	}

	// The answer is corrected by hand: the verdict no longer applies.
	line := strings.SplitN(text, "\n", 2)[0]
	col := utf16Col(line, "50 °C.")
	d.edit(protocol.Range{Start: protocol.Position{Line: 0, Character: col}, End: protocol.Position{Line: 0, Character: col + 6}}, "100 °C.")
	got = c.waitFull(uri, d.version)
	if strings.Contains(codes(got), "R001") {
		t.Errorf("a stale verdict still shows:\n%s", codes(got))
	}
	if h := d.hover(0, 5); !strings.Contains(h, "not reviewed, or changed since") {
		t.Errorf("hover of the edited row:\n%s", h)
	}
}
