package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// writeEmbedFiles writes a plan that turns D005 on for data.jsonl, and
// data.jsonl with text, in dir; it returns the dataset's path.
func writeEmbedFiles(t *testing.T, dir, text string) string {
	t.Helper()
	plan := "embeddings:\n  model: fake-embed\noutput:\n  train: data.jsonl\n"
	for name, data := range map[string]string{"data.jsonl": text, "shop.plan.yaml": plan} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, "data.jsonl")
}

func embedRow(q, a string) string {
	return fmt.Sprintf(`{"messages":[{"role":"user","content":%q},{"role":"assistant","content":%q}]}`, q, a)
}

// Without a sidecar nobody agreed to send this file's rows anywhere: the
// server reports that there are no embeddings yet and sends nothing.
func TestNoSidecarNothingSent(t *testing.T) {
	text := embedRow("Where is my parcel?", "It left the depot this morning.") + "\n"
	path := writeEmbedFiles(t, t.TempDir(), text)
	srv := fakeopenai.New(nil)
	defer srv.Close()
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5, "baseUrl": srv.URL, "apiKey": "sk-x"}, false)
	d := c.open(pathURI(path), "jsonl", text)
	diags := c.waitFull(d.uri, 1)
	found := false
	for _, dg := range diags {
		found = found || dg.Code == "D005" && strings.Contains(dg.Message, "no embeddings yet")
	}
	if !found {
		t.Errorf("no D005 note about the missing embeddings: %+v", diags)
	}
	d.edit(protocol.Range{Start: protocol.Position{Line: 0, Character: 40}, End: protocol.Position{Line: 0, Character: 40}}, "x")
	c.waitFull(d.uri, 2)
	time.Sleep(3 * time.Second)
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("%d requests without a sidecar", n)
	}
}

// The editor shows D005 from the sidecar `ftls embed` wrote, and an edit
// sends the edited row's texts alone to the endpoint (embed.go): over the
// server's pipes, against the fake provider.
func TestEditedRowIsEmbeddedAlone(t *testing.T) {
	row := embedRow
	rows := []string{
		row("How do I reset my password on the mobile app?", "Open Security in the app settings and tap Reset password."),
		row("Which countries do you ship parcels to?", "Every country of the European Union and Norway."),
		row("Can I pay an invoice by bank transfer?", "Yes, the bank details are printed on the invoice."),
		row("On the mobile app, how can my password be reset?", "Tap Reset password: open Security in the app settings."),
	}
	text := strings.Join(rows, "\n") + "\n"
	path := writeEmbedFiles(t, t.TempDir(), text)
	// What `ftls embed` would have written.
	s := newConfigState().freshSettings(path)
	sides, err := engine.SideTexts(context.Background(), []byte(text), s)
	if err != nil || s.Embeddings == nil {
		t.Fatalf("settings %+v: %v", s.Embeddings, err)
	}
	vecs := embedding.New("fake-embed", fakeopenai.EmbedDims)
	for _, k := range sides.Keys() {
		vecs.Add(k, fakeopenai.Embed(sides.Texts[k], fakeopenai.EmbedDims))
	}
	if err := vecs.Save(embedding.SidecarPath(path)); err != nil {
		t.Fatal(err)
	}
	srv := fakeopenai.New(nil)
	defer srv.Close()
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5, "baseUrl": srv.URL, "apiKey": "sk-lsp-embed-secret"}, false)
	d := c.open(pathURI(path), "jsonl", text)
	semantic := func() map[int]int {
		out := map[int]int{}
		for _, dg := range c.diags[d.uri].Diagnostics {
			if dg.Code == "D005" && len(dg.RelatedInformation) > 0 {
				out[dg.Range.Start.Line+1] = dg.RelatedInformation[0].Location.Range.Start.Line + 1
			}
		}
		return out
	}
	c.waitFull(d.uri, 1)
	c.mu.Lock()
	got := semantic()
	c.mu.Unlock()
	if fmt.Sprint(got) != "map[4:1]" {
		t.Fatalf("on open, D005 %v; want line 4 paired with line 1", got)
	}
	// Row 3 becomes a paraphrase of row 2, prompt and answer.
	d.edit(protocol.Range{Start: protocol.Position{Line: 2}, End: protocol.Position{Line: 2, Character: len(rows[2])}},
		row("To which countries do you ship your parcels?", "Norway and every country of the European Union."))
	c.waitFor("D005 on the edited row", func() bool { return fmt.Sprint(semantic()) == "map[3:2 4:1]" })
	reqs := srv.Requests()
	if len(reqs) != 1 || len(reqs[0].Inputs()) != 2 || !strings.Contains(reqs[0].Inputs()[0], "To which countries") {
		t.Fatalf("%d requests; the first embeds %q", len(reqs), reqs[0].Inputs())
	}
	// Nothing else is sent: the sidecar now has every text.
	time.Sleep(3 * time.Second)
	if n := len(srv.Requests()); n != 1 {
		t.Errorf("%d requests in all, want 1", n)
	}
}
