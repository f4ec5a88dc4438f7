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
