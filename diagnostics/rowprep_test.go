package diagnostics

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// prepRows returns random rows in the shapes whose preparation has fast
// paths (media keys, some escaped or repeated; Alpaca prompts with and
// without input, with escapes; chat and ShareGPT turns), then every row
// of the public datasets.
func prepRows(t *testing.T) [][]byte {
	rng := rand.New(rand.NewPCG(21, 12))
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	var rows [][]byte
	for range 5000 {
		var b strings.Builder
		b.WriteString(`{`)
		switch rng.IntN(3) {
		case 0:
			b.WriteString(`"instruction":` + pick(`"Say hi"`, `"Say\nhi \"now\""`, `""`, `1`) +
				`,"input":` + pick(`""`, `"  "`, `"some input"`, `"tab\tin"`, `null`) + `,"output":` + pick(`"Hi"`, `"H\u00e9"`))
		case 1:
			b.WriteString(`"messages":[{"role":"user","content":` + pick(`"q"`, `"q\n"`, `[{"type":"image"},{"type":"text","text":"x"}]`, `[{"type":"text"}]`) +
				`},{` + pick(`"role":"assistant","content":"a"`, `"content":"a","role":"assistant"`, `"r\u006fle":"assistant","content":"a","role":"x"`) + `}]`)
		default:
			b.WriteString(`"conversations":[{"from":"human","value":"q"},{"value":"a\"","from":"gpt"}]`)
		}
		for range rng.IntN(3) {
			b.WriteString(`,"` + pick("images", "image", "videos", "audios", "imag\\u0065s", "video", "audio", "img") + `":[]`)
		}
		b.WriteString(`}`)
		rows = append(rows, []byte(b.String()))
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "datasets", "*.json*"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f, ".json") {
			rs, _, err := dataset.ReadArray(data)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			for _, r := range rs {
				rows = append(rows, r.Text)
			}
			continue
		}
		for line := range bytes.Lines(data) {
			rows = append(rows, bytes.TrimRight(line, "\r\n"))
		}
	}
	return rows
}

// hasMediaByGets is hasMedia's check of the row's keys as plain lookups.
func hasMediaByGets(c *RowContext) bool {
	for _, k := range []string{"images", "image", "videos", "audios"} {
		if c.Root.Get(k).Exists() {
			return true
		}
	}
	for _, m := range c.Messages {
		for _, p := range m.Content.Elems() {
			if t := p.Get("type").Str(); t != "text" && t != "" {
				return true
			}
		}
	}
	return false
}

// TestRowPrepMatchesPlain holds the preparation of rows in one reused
// RowContext (messages found by Get2, hasMedia's single walk over the
// keys, Alpaca prompts built in the reused text buffer) to plain lookups
// and to a fresh context for each row.
func TestRowPrepMatchesPlain(t *testing.T) {
	s := DefaultSettings()
	var reused RowContext
	var p, fresh jsonpos.Parser
	media := 0
	for i, text := range prepRows(t) {
		row := dataset.Row{Text: text}
		reused.Reset(&row, &p, s)
		c := NewRowContext(&row, &fresh, s)
		if got, want := reused.hasMedia(), hasMediaByGets(c); got != want {
			t.Fatalf("row %d %s: hasMedia = %v, plain lookups give %v", i, text, got, want)
		} else if got {
			media++
		}
		for k, m := range reused.Messages {
			if m.Role != m.Value.Get(c.Schema.Role) || m.Content != m.Value.Get(c.Schema.Content) {
				t.Fatalf("row %d message %d: role %s content %s differ from Get", i, k, m.Role.Raw(), m.Content.Raw())
			}
		}
		got, want := reused.Turns(), c.Turns()
		if !slices.EqualFunc(got, want, func(a, b Turn) bool { return a.Role == b.Role && bytes.Equal(a.Text, b.Text) }) {
			t.Fatalf("row %d %s: turns %q, a fresh context gives %q", i, text, got, want)
		}
		if c.Format == dataset.Alpaca {
			in := c.Root.Get("input").Str()
			want := c.Root.Get("instruction").Str()
			if strings.TrimSpace(in) != "" {
				want += "\n\n" + in
			}
			if u := got[slices.IndexFunc(got, func(t Turn) bool { return t.Role == "user" })]; string(u.Text) != want {
				t.Fatalf("row %d %s: prompt %q, want %q", i, text, u.Text, want)
			}
		}
	}
	if media == 0 {
		t.Error("no row with media")
	}
}
