package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// splitInputs are arrays valid and not: strings holding brackets, quotes
// and backslash runs, scalars, nesting, white space of every kind, and the
// array's own syntax broken every way.
var splitInputs = []string{
	`[]`, ` [ ] `, "\uFEFF[\n]\n", `[{}]`, `[{"a":1},{"b":[1,2,{"c":"]"}]}]`,
	"[\r\n  {\"messages\": [{\"role\": \"user\", \"content\": \"Hi \\\"]}\\\\\"}]},\r\n  {\"x\": \"\\\\\"}\r\n]\r\n",
	`[1, -2.5e3, true, false, null, "s", [], [[]]]`, `["a\\", "b"]`, `["\\\"", "\\\\\\\""]`,
	`[{"a":"中文 😀"}, {"b":"é"}]`, "[\t{\"a\":1}\t,\n{\"a\":2}\n]\t\n",
	`[`, `]`, `[,]`, `[1,]`, `[1 2]`, `[1,,2]`, `[{"a":1}{"b":2}]`, `[{"a":1}] x`, `[{"a":1},]`, `{"a":[1]}`, `"x"`, ``,
	`[{"a":1]`, `[{"a":[1}]`, `[{"a":"unterminated}]`, `[tru]`, `[1:2]`, `[{"a":1,}]`, `[:]`, `[{]`, `[}]`, "[{\"a\":\"\x01\"}]",
	`[{"a":1}]]`, `[[1]`, `[  {"a": 1}  ,  {"a": 2}  ]`,
}

// checkSplit holds SplitArray to ReadArray: where ReadArray reads data,
// SplitArray finds the same rows; where it does not, SplitArray says so,
// or one of its rows does not parse with the nesting limit a row gets.
func checkSplit(t *testing.T, data []byte) {
	t.Helper()
	want, wantBOM, err := ReadArray(data)
	got, gotBOM, ok := SplitArray(data)
	if err == nil {
		if !ok || gotBOM != wantBOM || len(got) != len(want) {
			t.Fatalf("%.80q: SplitArray %d rows, ok %v; ReadArray %d rows", data, len(got), ok, len(want))
		}
		for i := range want {
			g, w := got[i], want[i]
			if g.Line != w.Line || g.Col != w.Col || g.Offset != w.Offset || string(g.Text) != string(w.Text) {
				t.Fatalf("%.80q: row %d: %+v, ReadArray %+v", data, i, g, w)
			}
		}
		return
	}
	if !ok {
		return
	}
	p := jsonpos.Parser{MaxDepth: jsonpos.DefaultMaxDepth - 1}
	for _, r := range got {
		if _, err := p.Parse(r.Text); err != nil {
			return
		}
	}
	t.Fatalf("%.80q: ReadArray: %v; SplitArray found %d rows, all valid", data, err, len(got))
}

func TestSplitArray(t *testing.T) {
	for _, in := range splitInputs {
		checkSplit(t, []byte(in))
	}
	// Nesting at the limit: the array is one level more than its rows.
	deep := func(n int) []byte {
		b := []byte{'['}
		for range n - 1 {
			b = append(b, '[')
		}
		for range n {
			b = append(b, ']')
		}
		return b
	}
	for _, n := range []int{jsonpos.DefaultMaxDepth - 1, jsonpos.DefaultMaxDepth, jsonpos.DefaultMaxDepth + 1} {
		checkSplit(t, deep(n))
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "datasets", "*.json"))
	if len(files) == 0 {
		t.Log("no ../shared/datasets: the real array files are skipped")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkSplit(t, data)
	}
}

func FuzzSplitArray(f *testing.F) {
	for _, in := range splitInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkSplit(t, data) })
}

// BenchmarkSplitArray finds the rows of an indented array of 5,000 chat
// rows; ReadArray, the parse of the whole file, is the reference.
func BenchmarkSplitArray(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("[\n")
	for i := range 5000 {
		if i > 0 {
			sb.WriteString(",\n")
		}
		fmt.Fprintf(&sb, "  {\n    \"messages\": [\n      {\"role\": \"user\", \"content\": \"Question %d: what does \\\"[x]\\\" mean {in} JSON?\"},\n      {\"role\": \"assistant\", \"content\": \"%s\"}\n    ]\n  }",
			i, strings.Repeat("An answer with a \\\"quote\\\" and [brackets]. ", 40))
	}
	sb.WriteString("\n]\n")
	data := []byte(sb.String())
	b.Run("split", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, _, ok := SplitArray(data); !ok {
				b.Fatal("not split")
			}
		}
	})
	b.Run("ReadArray", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, _, err := ReadArray(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
