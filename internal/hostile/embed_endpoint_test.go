package hostile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

// `ftls embed` resolves its endpoint as `ftls generate` does: a committed
// plan's generation.base_url over plain http to another machine never
// receives the key, whatever the user's environment says, and the key is
// never printed.
func TestEmbedPlanEndpointGetsNoKey(t *testing.T) {
	ip := nonLoopbackIP()
	if ip == "" {
		t.Skip("no non-loopback address")
	}
	srv := fakeopenai.New(nil)
	defer srv.Close()
	var log authLog
	dir := t.TempDir()
	plan := "generation:\n  base_url: " + log.serve(t, ip, srv.URL) + "\nembeddings:\n  model: fake-embed\noutput:\n  train: data.jsonl\n"
	files := map[string]string{
		"shop.plan.yaml": plan,
		"data.jsonl":     fakeopenai.Lines(fakeopenai.Conversations(3, 1)),
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runFTLS(t, runOpts{dir: dir, env: map[string]string{"OPENAI_API_KEY": fakeKey}}, "embed", "data.jsonl")
	if len(log.auths) == 0 {
		t.Fatalf("no request reached the plan's endpoint:\n%s", r)
	}
	for _, a := range log.auths {
		if strings.Contains(a, fakeKey) {
			t.Fatalf("the key went to the plan's plain-http endpoint: %q", a)
		}
	}
	if out := r.stdout.String() + r.stderr.String(); strings.Contains(out, fakeKey) || !strings.Contains(out, "plain http") {
		t.Errorf("want a note about the withheld key, and never the key:\n%s", r)
	}
}
