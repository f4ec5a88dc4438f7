package engine_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/engine"
)

// embedAll writes the sidecar of the dataset text at path with the fake
// provider's vectors for every row, as `ftls embed` would.
func embedAll(t *testing.T, path string, text []byte, s *diagnostics.Settings) {
	t.Helper()
	sides, err := engine.SideTexts(context.Background(), text, s)
	if err != nil {
		t.Fatal(err)
	}
	c := embedding.New(s.Embeddings.Model, fakeopenai.EmbedDims)
	for _, k := range sides.Keys() {
		if k != 0 && !c.Has(k) {
			if err := c.Add(k, fakeopenai.Embed(sides.Texts[k], fakeopenai.EmbedDims)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := c.Save(embedding.SidecarPath(path)); err != nil {
		t.Fatal(err)
	}
}

// The editor's file state reads the sidecar once, follows it when it
// changes on disk, and names the rows an edit left without a vector.
func TestFileStateFollowsTheSidecar(t *testing.T) {
	rows := []string{
		`{"messages":[{"role":"user","content":"How do I reset my password on the mobile app?"},{"role":"assistant","content":"Open Security in the app settings and tap Reset password."}]}`,
		`{"messages":[{"role":"user","content":"Which countries do you ship parcels to?"},{"role":"assistant","content":"Every country of the European Union."}]}`,
		`{"messages":[{"role":"user","content":"On the mobile app, how can my password be reset?"},{"role":"assistant","content":"Tap Reset password: open Security in the app settings."}]}`,
	}
	path := filepath.Join(t.TempDir(), "data.jsonl")
	s := diagnostics.DefaultSettings()
	s.Embeddings = &diagnostics.EmbeddingSettings{Model: "fake-embed", Threshold: 0.9}
	text := []byte(strings.Join(rows, "\n") + "\n")
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	var st engine.FileState
	newDoc := func(text []byte) *engine.Doc {
		d := engine.NewDoc(engine.SplitLines(text))
		if err := engine.CheckLines(context.Background(), d, s, 0, d.Len()); err != nil {
			t.Fatal(err)
		}
		return d
	}
	doc := newDoc(text)
	codes := func(res *engine.Result) []string {
		var out []string
		for _, d := range res.Diagnostics {
			if d.Code == "D005" {
				out = append(out, strings.Fields(d.Message)[0])
			}
		}
		return out
	}
	if got := codes(st.CheckDoc(path, doc, s)); !slices.Equal(got, []string{"no"}) {
		t.Errorf("without a sidecar: %v, want the note that there are no embeddings yet", got)
	}
	if got := st.Unembedded(path, s); !slices.Equal(got, []int{0, 1, 2}) {
		t.Errorf("Unembedded without a sidecar = %v", got)
	}
	embedAll(t, path, text, s)
	if got := codes(st.CheckDoc(path, doc, s)); !slices.Equal(got, []string{"says"}) {
		t.Errorf("once embedded: %v, want the paraphrase on line 3", got)
	}
	// An edit of the second row: only it lacks a vector.
	rows[1] = strings.Replace(rows[1], "Which countries", "What countries", 1)
	doc = newDoc([]byte(strings.Join(rows, "\n") + "\n"))
	st.CheckDoc(path, doc, s)
	if got := st.Unembedded(path, s); !slices.Equal(got, []int{1}) {
		t.Errorf("after editing row 2, Unembedded = %v", got)
	}
	// The check reads the same sidecar through Check as well.
	res, err := engine.CheckFile(context.Background(), path, engine.Options{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(res); !slices.Equal(got, []string{"says"}) {
		t.Errorf("engine.CheckFile: %v", got)
	}
}

// BenchmarkSemanticCheck measures what D005 adds to `ftls check` on
// 10,000 rows with 1,536-dimension vectors (OpenAI's text-embedding-3-small):
// reading the sidecar, the signatures and the pair search, against the
// same check without embeddings as the reference.
func BenchmarkSemanticCheck(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "data.jsonl")
	text := []byte(fakeopenai.Lines(fakeopenai.Conversations(10000, 3)))
	if err := os.WriteFile(path, text, 0o644); err != nil {
		b.Fatal(err)
	}
	s := diagnostics.DefaultSettings()
	s.Embeddings = &diagnostics.EmbeddingSettings{Model: "m", Threshold: 0.9}
	sides, err := engine.SideTexts(context.Background(), text, s)
	if err != nil {
		b.Fatal(err)
	}
	const dims = 1536
	c := embedding.New("m", dims)
	rng := rand.New(rand.NewPCG(1, 1))
	v := make([]float32, dims)
	for _, k := range sides.Keys() {
		for i := range v {
			v[i] = float32(rng.NormFloat64())
		}
		if err := c.Add(k, v); err != nil {
			b.Fatal(err)
		}
	}
	if err := c.Save(embedding.SidecarPath(path)); err != nil {
		b.Fatal(err)
	}
	off := diagnostics.DefaultSettings()
	for _, bc := range []struct {
		name string
		s    *diagnostics.Settings
	}{{"reference", off}, {"embeddings", s}} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				res, err := engine.CheckFile(context.Background(), path, engine.Options{Settings: bc.s})
				if err != nil {
					b.Fatal(err)
				}
				for _, d := range res.Diagnostics {
					if d.Code == "D005" {
						b.Fatalf("random vectors paired: %s", d.Message)
					}
				}
			}
		})
	}
}

// On 10,000 rows D005 reports exactly the paraphrases planted among them,
// from a sidecar of the fake provider's vectors, and not an exact copy.
func TestSemanticDuplicatesAt10k(t *testing.T) {
	convs := fakeopenai.Conversations(10000, 11)
	reverse := func(s string) string {
		w := strings.Fields(strings.Trim(s, "?."))
		slices.Reverse(w)
		return strings.Join(w, " ")
	}
	want := map[int]int{} // 1-based line of the paraphrase -> line of the original
	for k := range 25 {
		i := k * 397
		c := convs[i]
		convs = append(convs, []fakeopenai.Message{{Role: "user", Content: reverse(c[0].Content)}, {Role: "assistant", Content: reverse(c[1].Content)}})
		want[len(convs)] = i + 1
	}
	convs = append(convs, convs[42])
	path := filepath.Join(t.TempDir(), "data.jsonl")
	text := []byte(fakeopenai.Lines(convs))
	if err := os.WriteFile(path, text, 0o644); err != nil {
		t.Fatal(err)
	}
	s := diagnostics.DefaultSettings()
	s.Embeddings = &diagnostics.EmbeddingSettings{Model: "fake-embed", Threshold: 0.9}
	embedAll(t, path, text, s)
	res, err := engine.CheckFile(context.Background(), path, engine.Options{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]int{}
	for _, d := range res.Diagnostics {
		if d.Code == "D005" {
			got[d.Range.Start.Line+1] = d.Related[0].Range.Start.Line + 1
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("D005 on %d rows:\n got %v\nwant %v", len(got), got, want)
	}
}
