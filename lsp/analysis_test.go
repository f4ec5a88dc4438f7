package lsp

import (
	"bytes"
	"context"
	"fmt"
	"github.com/ftls-dev/ftls/internal/fixture"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/textpos"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/engine"
)

// checkSnapshot runs the server's incremental check of snap to the end,
// as the diagnostics worker does, with state kept between versions.
func checkSnapshot(t testing.TB, state *engine.FileState, snap *snapshot, s *diagnostics.Settings) *engine.Result {
	t.Helper()
	if err := checkRows(context.Background(), snap, s); err != nil {
		t.Fatal(err)
	}
	if needsEngine(snap) {
		res, err := engine.Check(context.Background(), snap.path, snap.Reader(), engine.Options{Settings: s})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	return fileCheck(state, snap.path, assemble(snap), s)
}

func engineCheck(t testing.TB, text []byte, s *diagnostics.Settings) *engine.Result {
	t.Helper()
	res, err := engine.Check(context.Background(), "/d/x.jsonl", bytes.NewReader(text), engine.Options{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// describe renders what a client sees of a result.
func describe(res *engine.Result) string {
	var b strings.Builder
	for _, d := range res.Diagnostics {
		fmt.Fprintf(&b, "%s %v %d %s %d", d.Code, d.Range, d.Offset, d.Message, d.Severity)
		for _, r := range d.Related {
			fmt.Fprintf(&b, " [%s %v %s]", r.Path, r.Range, r.Message)
		}
		if d.Fix != nil {
			fmt.Fprintf(&b, " fix{%s %d-%d}", d.Fix.Title, d.Fix.Start, d.Fix.End)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "tally %+v formats %v dominant %v\n", res.Tally, res.Formats, res.Dominant)
	for _, r := range res.Rows {
		if !diagnostics.DefaultSettings().NeedsAllRows() {
			break
		}
		fmt.Fprintf(&b, "%d %v %d %v %s %d\n", r.Offset, r.Range, r.Len, r.Format, r.Category, r.Fingerprint)
	}
	return b.String()
}

// fixtureInputs returns the JSON Lines inputs of the rule fixtures.
func fixtureInputs(t *testing.T) map[string][]byte {
	files, _ := filepath.Glob("../diagnostics/testdata/rules/*.txt")
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		parts := strings.Split(string(data), "-- input.jsonl --\n")
		for i, p := range parts[1:] {
			end := len(p)
			for _, stop := range []string{"\n-- ", "\n=== "} {
				if k := strings.Index(p, stop); k >= 0 && k < end {
					end = k + 1
				}
			}
			out[fmt.Sprintf("%s#%d", filepath.Base(f), i)] = fixture.Expand(p[:end])
		}
	}
	for _, f := range []string{"../examples/flawed.jsonl", "../examples/training_data.jsonl", "../cmd/ftls/testdata/mixed.jsonl", "../cmd/ftls/testdata/warnings.jsonl"} {
		if data, err := os.ReadFile(f); err == nil {
			out[f] = data
		}
	}
	if len(out) < 50 {
		t.Fatalf("found only %d fixtures", len(out))
	}
	return out
}

// TestIncrementalMatchesEngine holds the server's row-by-row check to the
// engine's: on every rule fixture, and after random edits that reuse the
// cached rows.
func TestIncrementalMatchesEngine(t *testing.T) {
	s := diagnostics.DefaultSettings()
	rnd := rand.New(rand.NewPCG(3, 4))
	for name, text := range fixtureInputs(t) {
		snap := open("file:///d/x.jsonl", "jsonl", 1, string(text))
		snap.path = "/d/x.jsonl"
		var state engine.FileState
		if got, want := describe(checkSnapshot(t, &state, snap, s)), describe(engineCheck(t, text, s)); got != want {
			t.Errorf("%s: server and engine differ\nserver:\n%s\nengine:\n%s", name, got, want)
			continue
		}
		// Edit: duplicate a line, delete a line, change a character.
		for step := 0; step < 5; step++ {
			n := snap.Lines()
			ln := rnd.IntN(n)
			var c contentChange
			switch rnd.IntN(3) {
			case 0:
				c = contentChange{Range: &Range{Start: Position{Line: ln}, End: Position{Line: ln}}, Text: string(snap.lines[rnd.IntN(n)].text)}
				if !strings.HasSuffix(c.Text, "\n") {
					c.Text += "\n"
				}
			case 1:
				c = contentChange{Range: &Range{Start: Position{Line: ln}, End: Position{Line: ln + 1}}}
			case 2:
				c = contentChange{Range: &Range{Start: Position{Line: ln, Character: 3}, End: Position{Line: ln, Character: 4}}, Text: "é"}
			}
			snap, _ = snap.change(int32(step+2), []contentChange{c})
			snap.path = "/d/x.jsonl"
			if got, want := describe(checkSnapshot(t, &state, snap, s)), describe(engineCheck(t, snap.Text(), s)); got != want {
				t.Errorf("%s after edit %d: server and engine differ\nserver:\n%s\nengine:\n%s", name, step, got, want)
				break
			}
		}
	}
}

// applyEdits applies LSP edits (non-overlapping, any order) to text.
func applyEdits(text string, edits []textEdit) string {
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

// TestNeedsEngine checks when the server hands a document to the engine
// whole: a JSON array, or a row that a later line may close; a truncated
// row among ordinary rows is checked row by row, and both ways give the
// engine's findings.
func TestNeedsEngine(t *testing.T) {
	row := `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}`
	tests := []struct {
		name, text string
		want       bool
	}{
		{"rows", row + "\n" + row + "\n", false},
		{"array", "[\n" + row + "\n]\n", true},
		{"truncated row among rows", row + "\n" + `{"messages":[{"role":"user"` + "\n" + row + "\n", false},
		{"pretty-printed row", "{\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"hi\"}\n  ]\n}\n" + row + "\n", true},
	}
	s := diagnostics.DefaultSettings()
	for _, tt := range tests {
		snap := open("file:///d/x.jsonl", "jsonl", 1, tt.text)
		snap.path = "/d/x.jsonl"
		if err := checkRows(context.Background(), snap, s); err != nil {
			t.Fatal(err)
		}
		if got := needsEngine(snap); got != tt.want {
			t.Errorf("%s: needsEngine = %v, want %v", tt.name, got, tt.want)
		}
		var state engine.FileState
		if got, want := describe(checkSnapshot(t, &state, snap, s)), describe(engineCheck(t, []byte(tt.text), s)); got != want {
			t.Errorf("%s: server and engine differ\nserver:\n%s\nengine:\n%s", tt.name, got, want)
		}
	}
}
