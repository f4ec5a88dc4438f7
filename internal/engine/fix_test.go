package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
)

// TestFixEditsKeepOldRows checks that every row edit's old text is the
// row as it was in the input, however the rows were cut into chunks:
// ScanRows reuses a chunk's buffer once its rows are emitted, and the
// language server builds its "fix all" edits from these texts.
func TestFixEditsKeepOldRows(t *testing.T) {
	var b strings.Builder
	for i := range 3000 {
		role := "assistant"
		if i%7 == 0 {
			role = "asistant"
		}
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"question %d 😀 %s"},{"role":%q,"content":"answer %d"}]}`+"\n",
			i, strings.Repeat("x", i%50), role, i)
	}
	data := []byte(b.String())
	lines := bytes.Split(data, []byte("\n"))
	for _, chunk := range []int{0, 512, 4096} {
		opts := Options{Settings: diagnostics.DefaultSettings(), Workers: 4, ChunkSize: chunk}
		out, res, err := FixEdits(context.Background(), data, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Edits) < 3000/7+1 {
			t.Errorf("chunk %d: %d row edits, want at least %d", chunk, len(res.Edits), 3000/7+1)
		}
		for _, e := range res.Edits {
			if !bytes.Equal(e.Old, lines[e.Line]) {
				t.Fatalf("chunk %d: the old text of line %d is\n%.120q\nwant\n%.120q", chunk, e.Line+1, e.Old, lines[e.Line])
			}
		}
		if bytes.Contains(out, []byte("asistant")) {
			t.Errorf("chunk %d: misspelt roles left", chunk)
		}
	}
}

// TestFixArrayInParallel fixes an array file's rows a batch per worker:
// every row comes out as the same row fixed in a JSON Lines file, in its
// place, and the changes come in the order of the rows. A row that is
// not valid JSON leaves the file as it is.
func TestFixArrayInParallel(t *testing.T) {
	var rows []string
	for i := range 3000 {
		role, pad := "assistant", ""
		if i%7 == 0 {
			role = "asistant"
		}
		if i%5 == 0 {
			pad = " "
		}
		rows = append(rows, fmt.Sprintf(`{"messages":[{"role":"user","content":"%squestion %d é"},{"role":%q,"content":"answer %d"}]}`, pad, i, role, i))
	}
	array := []byte("[\n  " + strings.Join(rows, ",\n  ") + "\n]\n")
	jsonl := []byte(strings.Join(rows, "\n") + "\n")
	opts := Options{Settings: diagnostics.DefaultSettings()}
	wantOut, wantRes, err := FixEdits(context.Background(), jsonl, opts)
	if err != nil {
		t.Fatal(err)
	}
	wantRows := strings.Split(strings.TrimSuffix(string(wantOut), "\n"), "\n")
	for _, workers := range []int{1, 3, 8} {
		opts.Workers = workers
		out, res, err := FixEdits(context.Background(), array, opts)
		if err != nil {
			t.Fatal(err)
		}
		if want := "[\n  " + strings.Join(wantRows, ",\n  ") + "\n]\n"; string(out) != want {
			t.Fatalf("%d workers: the fixed array differs from the fixed JSON Lines", workers)
		}
		if len(res.Changes) != len(wantRes.Changes) || len(res.Changes) < 1000 {
			t.Fatalf("%d workers: %d changes, JSON Lines %d", workers, len(res.Changes), len(wantRes.Changes))
		}
		for i, c := range res.Changes {
			if w := wantRes.Changes[i]; c.Line != w.Line+1 || c.Code != w.Code {
				t.Fatalf("%d workers: change %d is %+v, want %+v one line down", workers, i, c, w)
			}
		}
	}
	// One element broken: nothing is fixed.
	broken := bytes.Replace(array, []byte(`"answer 2999"}]}`), []byte(`"answer 2999",}]}`), 1)
	if out, res, err := FixEdits(context.Background(), broken, opts); err != nil || !bytes.Equal(out, broken) || len(res.Changes) != 0 {
		t.Errorf("a broken array was changed: %d changes, %v", len(res.Changes), err)
	}
}

// TestFixEditsNothingToFix: a file without a fix to apply, though it holds
// findings without one, comes back as it is, the input itself: the second
// pass is not run.
func TestFixEditsNothingToFix(t *testing.T) {
	var b strings.Builder
	for i := range 500 {
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":"question %d"},{"role":"assistant","content":"answer %d"}]}`+"\n", i, i)
	}
	b.WriteString(`{"messages":[{"role":"user","content":"no answer"}]}` + "\n") // C009, no fix
	data := []byte(b.String())
	opts := Options{Settings: diagnostics.DefaultSettings()}
	first, err := Check(context.Background(), "", bytes.NewReader(data), opts)
	if err != nil {
		t.Fatal(err)
	}
	if first.Count(diagnostics.Error) == 0 {
		t.Fatal("the file should hold an error without a fix")
	}
	out, res, err := FixEdits(context.Background(), data, opts)
	if err != nil || &out[0] != &data[0] || len(out) != len(data) || len(res.Changes) != 0 || len(res.Edits) != 0 {
		t.Errorf("a file with nothing to fix: %d changes, %v, the input returned: %v", len(res.Changes), err, len(out) > 0 && &out[0] == &data[0])
	}
	// One fixable row: the second pass runs and fixes it.
	fixable := append(bytes.Clone(data), `{"messages":[{"role":"user","content":"hi"},{"role":"asistant","content":"hello"}]}`+"\n"...)
	out, res, err = FixEdits(context.Background(), fixable, opts)
	if err != nil || len(res.Changes) != 1 || bytes.Contains(out, []byte("asistant")) {
		t.Errorf("one fixable row: %d changes, %v", len(res.Changes), err)
	}
}
