package dataset

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// detectByGets is Detect as plain lookups, one Get per key, in the order
// of precedence.
func detectByGets(row jsonpos.Value) Format {
	if row.Kind() != jsonpos.Object {
		return Unknown
	}
	switch {
	case row.Get("messages").Exists():
		return Chat
	case row.Get("conversations").Exists():
		return ShareGPT
	case row.Get("instruction").Exists() && row.Get("output").Exists():
		return Alpaca
	case row.Get("prompt").Exists() && row.Get("completion").Exists():
		return PromptCompletion
	}
	if text := row.Get("text"); text.Exists() {
		if text.Kind() == jsonpos.String && isChatML(text) {
			return ChatMLText
		}
		return PlainText
	}
	return Unknown
}

// TestDetectMatchesGets holds Detect's single walk over the keys to the
// lookups by Get: on random rows mixing the telling keys (some escaped,
// some repeated, "text" of several kinds) and on every row of the public
// datasets.
func TestDetectMatchesGets(t *testing.T) {
	keys := []string{"messages", "conversations", "instruction", "output", "prompt", "completion", "text", "input", "other", "Text"}
	values := []string{`1`, `"plain"`, `"<|im_start|>user"`, `"\u003c|im_start|\u003e"`, `[]`, `{}`, `null`}
	rng := rand.New(rand.NewPCG(3, 14))
	var p jsonpos.Parser
	check := func(where string, line []byte) {
		t.Helper()
		v, err := p.Parse(line)
		if err != nil {
			return
		}
		if got, want := Detect(v), detectByGets(v); got != want {
			t.Fatalf("%s: Detect = %v, Get lookups give %v", where, got, want)
		}
	}
	seen := map[Format]bool{}
	for range 20000 {
		var b strings.Builder
		b.WriteByte('{')
		for i := range rng.IntN(5) {
			if i > 0 {
				b.WriteByte(',')
			}
			k := keys[rng.IntN(len(keys))]
			if rng.IntN(5) == 0 {
				k = `\u00` + strings.ToUpper(string("0123456789abcdef"[k[0]>>4])+string("0123456789abcdef"[k[0]&15])) + k[1:]
			}
			b.WriteString(`"` + k + `":` + values[rng.IntN(len(values))])
		}
		b.WriteByte('}')
		check(b.String(), []byte(b.String()))
		v, _ := p.Parse([]byte(b.String()))
		seen[Detect(v)] = true
	}
	if len(seen) != int(numFormats) {
		t.Errorf("random rows reached %d formats of %d", len(seen), numFormats)
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "datasets", "*.json*"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := p.Parse(data); err == nil { // a JSON array of rows
			for i := range v.Len() {
				row := v.Index(i)
				if got, want := Detect(row), detectByGets(row); got != want {
					t.Fatalf("%s[%d]: Detect = %v, Get lookups give %v", name, i, got, want)
				}
			}
			continue
		}
		for n, line := range bytes.Split(data, []byte("\n")) {
			check(fmt.Sprintf("%s:%d", filepath.Base(name), n+1), line)
		}
	}
}
