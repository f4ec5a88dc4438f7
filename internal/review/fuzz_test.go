package review

import (
	"testing"
)

// FuzzParse reads any bytes as a sidecar: no panic, every problem names a
// line of the file, every entry passes the checks a hand-edited line must
// pass, and what is written back parses to the same entries.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"ftls_review":1}` + "\n" + `{"row":"` + key1 + `","rubric":"` + hash + `","model":"m","scores":{"accuracy":{"score":2,"reason":"r","turn":1,"rewrite":"x"}}}` + "\n"))
	f.Add([]byte(`{"row":"` + key1 + `","rubric":"` + hash + `","model":"m","category":{"proposed":"","reason":"none"}}`))
	f.Add([]byte("{\"ftls_review\":2}\n"))
	f.Add([]byte("\xef\xbb\xbf{\n}\n\xff"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, probs := Parse("f", data)
		lines := 1
		for _, b := range data {
			if b == '\n' {
				lines++
			}
		}
		for _, p := range probs {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("problem on line %d of %d", p.Line, lines)
			}
		}
		again, probs2 := Parse("f", encode(entries))
		if len(probs2) > 0 || len(again) != len(entries) {
			t.Fatalf("written back: %d entries, problems %v; had %d", len(again), probs2, len(entries))
		}
	})
}
