package lsp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// TestFixAllEdits checks that the edits of "fix all" turn the text into
// what `ftls fix` writes, one edit per changed row at most, in order,
// never overlapping and never inside a surrogate pair.
func TestFixAllEdits(t *testing.T) {
	s := diagnostics.DefaultSettings()
	inputs := fixtureInputs(t)
	// Rows to fix next to emoji, CJK and CRLF line ends.
	inputs["emoji"] = []byte(`{"messages":[{"role":"user","content":"😀 hi 😀"},{"role":"asistant","content":"🎉 yes 🎉"}]}` + "\r\n" +
		`{"messages":[{"role":"user","content":"日本語 😀"},{"role":"assistant","content":"はい"}]}` + "\r\n" +
		`{"messages":[{"role":"human","content":"𝄞𝄞"},{"role":"assistant","content":"🎵"}]}` + "\r\n")
	for name, text := range inputs {
		snap := open("file:///d/x.jsonl", "jsonl", 1, string(text))
		want, res, err := engine.FixEdits(context.Background(), text, engine.Options{Settings: s})
		if err != nil {
			t.Fatal(err)
		}
		// From the text alone, and from the rows with fixes in the
		// server's full result of the same snapshot.
		snap.path = "/d/x.jsonl"
		full := &result{snap: snap, res: checkSnapshot(t, &engine.FileState{}, snap, s), settings: s, full: true}
		for _, r := range []*result{nil, full} {
			fa, err := fixAllEdits(context.Background(), snap, s, r)
			if err != nil {
				t.Fatal(err)
			}
			if got := applyEdits(string(text), fa.edits); got != string(want) {
				t.Errorf("%s (result %v): fix all edits give\n%q\nwant\n%q", name, r != nil, got, want)
			}
			if len(fa.edits) > len(res.Edits)+1 { // +1: the byte order mark
				t.Errorf("%s: %d edits for %d changed rows", name, len(fa.edits), len(res.Edits))
			}
			checkEditShape(t, name, string(text), fa.edits)
		}
	}
}

// checkEditShape fails when edits are out of order, overlap, or put a
// position between the two halves of a surrogate pair.
func checkEditShape(t *testing.T, name, text string, edits []protocol.TextEdit) {
	t.Helper()
	lines := strings.Split(text, "\n")
	inPair := func(p protocol.Position) bool {
		if p.Line >= len(lines) {
			return false
		}
		u := utf16.Encode([]rune(lines[p.Line]))
		return p.Character > 0 && p.Character < len(u) && utf16.IsSurrogate(rune(u[p.Character-1])) && u[p.Character-1] < 0xDC00
	}
	for i, e := range edits {
		if e.Range.End.Before(e.Range.Start) {
			t.Errorf("%s: edit %d ends before it starts: %+v", name, i, e.Range)
		}
		if i > 0 && e.Range.Start.Before(edits[i-1].Range.End) {
			t.Errorf("%s: edit %d (%+v) overlaps edit %d (%+v)", name, i, e.Range, i-1, edits[i-1].Range)
		}
		if inPair(e.Range.Start) || inPair(e.Range.End) {
			t.Errorf("%s: edit %d splits a surrogate pair: %+v", name, i, e.Range)
		}
	}
}

// genFiles caches bench/gen's datasets by row count for the tests of this
// process.
var genFiles struct {
	sync.Mutex
	dir   string
	paths map[int]string
}

// genDatasetFile writes (once) the dataset `go run ./bench/gen -rows N
// -seed 1` writes: chat rows of about 2.3 KB with duplicates, misspelled
// roles, malformed and blank lines planted among them.
func genDatasetFile(t testing.TB, rows int) string {
	t.Helper()
	genFiles.Lock()
	defer genFiles.Unlock()
	if p, ok := genFiles.paths[rows]; ok {
		return p
	}
	if genFiles.dir == "" {
		d, err := os.MkdirTemp("", "ftls-gen")
		if err != nil {
			t.Fatal(err)
		}
		genFiles.dir, genFiles.paths = d, map[int]string{}
	}
	p := filepath.Join(genFiles.dir, fmt.Sprintf("gen-%d.jsonl", rows))
	cmd := exec.Command("go", "run", "../bench/gen", "-rows", fmt.Sprint(rows), "-seed", "1", "-o", p)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bench/gen: %v\n%s", err, out)
	}
	genFiles.paths[rows] = p
	return p
}

// applyAsEditor answers workspace/applyEdit as an editor does: a stale
// version is refused; otherwise the edits are applied to the local copy
// and sent back as one didChange of incremental changes, before the
// answer.
func (d *doc) applyAsEditor(params json.RawMessage) protocol.ApplyWorkspaceEditResult {
	var p protocol.ApplyWorkspaceEditParams
	if err := json.Unmarshal(params, &p); err != nil {
		return protocol.ApplyWorkspaceEditResult{FailureReason: err.Error()}
	}
	for _, dc := range p.Edit.DocumentChanges {
		if dc.TextDocument.URI != d.uri {
			continue
		}
		if dc.TextDocument.Version != d.version {
			return protocol.ApplyWorkspaceEditResult{FailureReason: "stale"}
		}
		d.version++
		d.text = applyEdits(d.text, dc.Edits)
		// Last edit first, so that each range still means what it meant.
		changes := make([]protocol.TextDocumentContentChangeEvent, len(dc.Edits))
		for i, e := range dc.Edits {
			r := e.Range
			changes[len(dc.Edits)-1-i] = protocol.TextDocumentContentChangeEvent{Range: &r, Text: e.NewText}
		}
		d.c.notify("textDocument/didChange", didChangeParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{URI: d.uri, Version: d.version},
			ContentChanges: changes,
		})
	}
	return protocol.ApplyWorkspaceEditResult{Applied: true}
}

// TestServeFixAllReplay asks for "fix all" right after the first
// diagnostics of a fresh didOpen (and, every other time, once the full
// diagnostics are in), again and again, on bench/gen's data:
// inline in the code action (2,000 rows) and through the command and a
// verified workspace/applyEdit (10,000 rows, over fixAllInline). Every
// result, applied, must be `ftls fix`'s output byte for byte. Set
// FTLS_FIXALL_REPLAYS (default 10) and FTLS_FIXALL_ROWS (a comma list)
// for the long run of bench/fixall.sh; FTLS_FIXALL_FIRST_ONLY asks every
// time right after the first diagnostics.
func TestServeFixAllReplay(t *testing.T) {
	replays := envInt("FTLS_FIXALL_REPLAYS", 10)
	sizes := []int{2000, 10000}
	if v := os.Getenv("FTLS_FIXALL_ROWS"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			var n int
			fmt.Sscan(f, &n)
			sizes = append(sizes, n)
		}
	}
	for _, rows := range sizes {
		t.Run(fmt.Sprint(rows), func(t *testing.T) {
			data, err := os.ReadFile(genDatasetFile(t, rows))
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := engine.FixBytes(context.Background(), data, engine.Options{Settings: diagnostics.DefaultSettings()})
			if err != nil {
				t.Fatal(err)
			}
			c := startServer(t)
			c.initialize(nil, false)
			for i := range replays {
				uri := fmt.Sprintf("file:///tmp/fixall/replay-%d.jsonl", i)
				d := c.open(uri, "jsonl", string(data))
				if i%2 == 0 || os.Getenv("FTLS_FIXALL_FIRST_ONLY") != "" {
					// Right after the first diagnostics: rows still coming in.
					c.waitFor("first diagnostics", func() bool { _, ok := c.received[uri][1]; return ok })
				} else {
					// Once every finding is in: only the rows with fixes are fixed.
					c.waitFull(uri, 1)
				}
				var actions []protocol.CodeAction
				c.mustCall("textDocument/codeAction", map[string]any{
					"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{},
					"context": map[string]any{"diagnostics": []any{}, "only": []string{kindFixAll}},
				}, &actions)
				if len(actions) != 1 {
					t.Fatalf("replay %d: %d fix-all actions", i, len(actions))
				}
				a := actions[0]
				switch {
				case a.Edit != nil:
					edits := a.Edit.DocumentChanges[0].Edits
					checkEditShape(t, fmt.Sprint("replay ", i), d.text, edits)
					d.text = applyEdits(d.text, edits)
				case a.Command != nil:
					c.mu.Lock()
					c.onApply = d.applyAsEditor
					applied := len(c.applied)
					c.mu.Unlock()
					var args []json.RawMessage
					for _, arg := range a.Command.Arguments {
						raw, _ := json.Marshal(arg)
						args = append(args, raw)
					}
					c.mustCall("workspace/executeCommand", protocol.ExecuteCommandParams{Command: a.Command.Command, Arguments: args}, nil)
					c.waitFor("the fix-all edit", func() bool { return len(c.applied) > applied })
					// The server verifies the edit once the didChange is in;
					// closing the document before would stop that.
					c.waitFull(uri, d.version)
				default:
					t.Fatalf("replay %d: an action with neither edit nor command", i)
				}
				if d.text != string(want) {
					t.Fatalf("replay %d: fix all gives a text that differs from ftls fix's at byte %d", i, firstDiff(d.text, string(want)))
				}
				c.notify("textDocument/didClose", protocol.DidCloseParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}})
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			for _, m := range c.messages {
				if strings.Contains(m.Message, "fix all") {
					t.Errorf("message: %s", m.Message)
				}
			}
		})
	}
}

func firstDiff(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func envInt(name string, def int) int {
	if v := os.Getenv(name); v != "" {
		var n int
		if _, err := fmt.Sscan(v, &n); err == nil && n > 0 {
			return n
		}
	}
	return def
}

// TestServeFixAllStale plays Neovim: the first "fix all" edit is answered
// applied: true but dropped, as the user typed meanwhile. The server must
// notice that no version holds it, make it again on the new version, and
// end with the fixed text of what the user typed.
func TestServeFixAllStale(t *testing.T) {
	row := `{"messages":[{"role":"user","content":"hi %d"},{"role":"asistant","content":"hello %d"}]}`
	var rows []string
	for i := range 40 {
		rows = append(rows, fmt.Sprintf(row, i, i))
	}
	text := strings.Join(rows, "\n") + "\n"
	c := startServer(t)
	c.initialize(nil, false)
	uri := "file:///tmp/fixall/stale.jsonl"
	d := c.open(uri, "jsonl", text)
	c.waitFull(uri, 1)
	var mu sync.Mutex
	dropped := 0
	c.mu.Lock()
	c.onApply = func(params json.RawMessage) protocol.ApplyWorkspaceEditResult {
		mu.Lock()
		defer mu.Unlock()
		if dropped == 0 {
			dropped++
			// The user types in row 3, and the editor drops the edit
			// for the older version but says it applied it.
			at := protocol.Position{Line: 3, Character: strings.Index(rows[3], `hi 3"`) + len("hi 3")}
			d.edit(protocol.Range{Start: at, End: at}, "!")
			return protocol.ApplyWorkspaceEditResult{Applied: true}
		}
		return d.applyAsEditor(params)
	}
	c.mu.Unlock()
	c.mustCall("workspace/executeCommand", map[string]any{"command": cmdFixAll, "arguments": []any{protocol.VersionedTextDocumentIdentifier{URI: uri, Version: 1}}}, nil)
	c.waitFor("the second fix-all edit", func() bool { return len(c.applied) >= 2 })
	mu.Lock()
	got := d.text
	mu.Unlock()
	typed := strings.Replace(text, `"hi 3"`, `"hi 3!"`, 1)
	want, _, err := engine.FixBytes(context.Background(), []byte(typed), engine.Options{Settings: diagnostics.DefaultSettings()})
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("after a dropped edit, fix all gives\n%s\nwant\n%s", got, want)
	}
	if bytes.Contains(want, []byte("asistant")) {
		t.Error("nothing was fixed")
	}
}

// TestServeFixAllArray plays an editor on a JSON array file, which the
// engine checks and fixes a batch of rows per worker: the fix-all edit,
// applied to the editor's text, gives exactly the bytes of the same rows
// fixed as JSON Lines, in the array's layout; and a single finding's quick
// fix (a fix made when it is applied) changes only its own row.
func TestServeFixAllArray(t *testing.T) {
	var rows []string
	for i := range 1500 {
		role, pad := "assistant", ""
		if i%7 == 0 {
			role = "asistant"
		}
		if i%5 == 0 {
			pad = "  "
		}
		rows = append(rows, fmt.Sprintf(`{"messages": [{"role": "user", "content": "%sQuestion %d, é 中文 😀"}, {"role": %q, "content": "Answer %d.\n"}]}`, pad, i, role, i))
	}
	array := "[\n  " + strings.Join(rows, ",\n  ") + "\n]\n"
	opts := engine.Options{Settings: diagnostics.DefaultSettings()}
	fixedRows, _, err := engine.FixBytes(context.Background(), []byte(strings.Join(rows, "\n")+"\n"), opts)
	if err != nil {
		t.Fatal(err)
	}
	want := "[\n  " + strings.Join(strings.Split(strings.TrimSuffix(string(fixedRows), "\n"), "\n"), ",\n  ") + "\n]\n"
	if want == array || strings.Contains(want, "asistant") {
		t.Fatal("the rows should have fixes")
	}

	c := startServer(t)
	c.initialize(nil, false)
	// A .json file the editor calls JSON Lines (the server checks .jsonl
	// and .ndjson paths and the jsonl language id).
	uri := pathURI(filepath.Join(t.TempDir(), "train.json"))
	d := c.open(uri, "jsonl", array)
	got := c.waitFull(uri, 1)

	// One quick fix: a padded text, trimmed in its own row only.
	var q008 *protocol.Diagnostic
	for i := range got {
		if got[i].Code == "Q008" && got[i].Range.Start.Line == 6 && strings.Contains(got[i].Message, "messages[0]") {
			q008 = &got[i]
		}
	}
	if q008 == nil {
		t.Fatal("no Q008 on the user's text of line 7")
	}
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": q008.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{*q008}, "only": []string{"quickfix"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil {
		t.Fatalf("quick fixes: %+v", actions)
	}
	one := applyEdits(d.text, actions[0].Edit.DocumentChanges[0].Edits)
	if wantOne := strings.Replace(array, `"  Question 5,`, `"Question 5,`, 1); one != wantOne {
		t.Fatalf("the quick fix changed more than its text, at byte %d", firstDiff(one, wantOne))
	}

	// Fix all, applied as the editor applies it.
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{kindFixAll}},
	}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil {
		t.Fatalf("fix-all actions: %+v", actions)
	}
	edits := actions[0].Edit.DocumentChanges[0].Edits
	checkEditShape(t, "array", d.text, edits)
	if all := applyEdits(d.text, edits); all != want {
		t.Fatalf("fix all on the array differs from the rows fixed as JSON Lines at byte %d", firstDiff(all, want))
	}
}
