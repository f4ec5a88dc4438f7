package lsp

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/fixture"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// The incremental check itself is the engine's (engine/incremental.go),
// held to engine.Check there; these are the helpers the server's tests
// share.

// checkSnapshot runs the incremental check of snap to the end, as the
// diagnostics worker does, with state kept between versions.
func checkSnapshot(t testing.TB, state *engine.FileState, snap *snapshot, s *diagnostics.Settings) *engine.Result {
	t.Helper()
	if err := engine.CheckLines(context.Background(), snap.Doc, s, 0, snap.Len()); err != nil {
		t.Fatal(err)
	}
	if engine.NeedsWholeCheck(snap.Doc) {
		res, err := engine.Check(context.Background(), snap.path, snap.Reader(), engine.Options{Settings: s})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	return state.CheckDoc(snap.path, snap.Doc, s)
}

// fixtureInputs returns the JSON Lines inputs of the rule fixtures and the
// example datasets.
func fixtureInputs(t *testing.T) map[string][]byte {
	t.Helper()
	in, err := fixture.RuleInputs("..")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// applyEdits applies LSP edits (non-overlapping, any order) to text.
func applyEdits(text string, edits []protocol.TextEdit) string {
	x := textpos.NewLineIndex([]byte(text))
	type span struct {
		s, e int
		t    string
	}
	spans := make([]span, 0, len(edits))
	for _, e := range edits {
		s, _ := x.Offset(e.Range.Start)
		en, _ := x.Offset(e.Range.End)
		spans = append(spans, span{s, en, e.NewText})
	}
	sort.SliceStable(spans, func(i, j int) bool { return spans[i].s < spans[j].s })
	var b strings.Builder
	b.Grow(len(text))
	at := 0
	for _, sp := range spans {
		b.WriteString(text[at:sp.s])
		b.WriteString(sp.t)
		at = sp.e
	}
	b.WriteString(text[at:])
	return b.String()
}
