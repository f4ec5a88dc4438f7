package report

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestAppendDiagnosticMatchesEncoder holds the hand-written encoding of
// findings to encoding/json's, on random findings whose strings hold
// every kind of character JSON escapes: quotes, backslashes, control
// characters, invalid UTF-8, U+2028, HTML's special characters.
func TestAppendDiagnosticMatchesEncoder(t *testing.T) {
	pieces := []string{"a", "Z", " ", "\"", "\\", "\n", "\t", "\r", "\x00", "\x1f", "\b", "\f", "\x7f", "é", "日本", "\u2028", "\u2029", "\xff", "\xc3", "<", ">", "&", "{}", "/"}
	str := func(rng *rand.Rand) string {
		var b []byte
		for range rng.IntN(12) {
			b = append(b, pieces[rng.IntN(len(pieces))]...)
		}
		return string(b)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		d := jsonDiagnostic{
			Path: str(rng), Line: rng.IntN(1 << 20), Column: rng.IntN(300), EndLine: rng.IntN(1 << 20), EndColumn: rng.IntN(300),
			Code: str(rng), Severity: str(rng), Message: str(rng),
		}
		if rng.IntN(2) == 0 {
			d.Fix = str(rng)
		}
		for range rng.IntN(3) {
			d.Related = append(d.Related, jsonRelated{Path: str(rng), Line: rng.IntN(100), Column: rng.IntN(100), Message: str(rng)})
		}
		var want bytes.Buffer
		e := &jsonWriter{w: bufio.NewWriter(&want)}
		e.value(d, "    ")
		e.w.Flush()
		if got := appendDiagnostic(nil, &d, "    "); !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("appendDiagnostic(%+v) =\n%s\nwant\n%s", d, got, want.Bytes())
		}
	}
}
