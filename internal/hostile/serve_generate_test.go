package hostile

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

// fakeKey is the API key the generation tests give ftls; the fake
// endpoint accepts any.
const fakeKey = "sk-hostile-test-0123456789"

// TestServeClientDisconnectsMidGeneration starts "Generate" through
// workspace/executeCommand on a plan whose training file is not open (so
// the server appends on disk), lets the first batch land, and closes the
// server's input while the next answers are still being written by a slow
// model. The server must exit by itself within a few seconds, and the
// dataset must be valid JSON Lines made of whole rows: the rows it had
// plus whole batches, never a partial row, and no temporary file left.
func TestServeClientDisconnectsMidGeneration(t *testing.T) {
	var requests atomic.Int32
	var srv *fakeopenai.Server
	srv = fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply {
		r := srv.Default(req)
		if requests.Add(1) > 1 {
			r.Delay = 30 * time.Second // still writing when the client leaves
		}
		return r
	})
	defer srv.Close()

	dir := t.TempDir()
	copyFixture(t, dir, "generator/testdata/shop/shop.plan.yaml", "generator/testdata/shop/training_data.jsonl")
	train := filepath.Join(dir, "training_data.jsonl")
	before := readFile(t, train)

	p := startServe(t, dir, map[string]string{"OPENAI_BASE_URL": srv.URL, "OPENAI_API_KEY": fakeKey})
	p.initialize()
	planPath := filepath.Join(dir, "shop.plan.yaml")
	planURI := (&url.URL{Scheme: "file", Path: planPath}).String()
	p.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": planURI, "languageId": "yaml", "version": 1, "text": string(readFile(t, planPath))}})
	args, _ := json.Marshal(map[string]any{"uri": planURI, "version": 1})
	if _, err := p.call("workspace/executeCommand", map[string]any{"command": "ftls.generate", "arguments": []json.RawMessage{args}}); err != nil {
		t.Fatalf("ftls.generate: %v", err)
	}
	// The first batch is appended on disk; the second request hangs.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, _ := os.ReadFile(train)
		if len(got) > len(before) && requests.Load() >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no batch appended within 30 s (%d requests)\n%s", requests.Load(), p.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}

	start := time.Now()
	code, rss := p.exit(5 * time.Second)
	t.Logf("exited %v after its input closed, code %d, peak RSS %.0f MiB", time.Since(start).Round(time.Millisecond), code, rss)
	if code != 1 {
		t.Errorf("exit code %d, want 1 (no shutdown request)", code)
	}
	if rss > rssOrdinary {
		t.Errorf("peak RSS %.0f MiB, limit %d", rss, rssOrdinary)
	}
	after := readFile(t, train)
	assertGrownJSONL(t, before, after)
	if l := leftovers(t, dir); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// assertGrownJSONL checks that after is before followed by whole, valid,
// distinct JSON rows, each ending with a line feed.
func assertGrownJSONL(t *testing.T, before, after []byte) {
	t.Helper()
	if len(after) < len(before) || string(after[:len(before)]) != string(before) {
		t.Fatalf("the dataset's original %d bytes were not kept as they were", len(before))
	}
	if len(after) > 0 && after[len(after)-1] != '\n' {
		t.Fatalf("the dataset ends in the middle of a row: …%q", after[max(0, len(after)-80):])
	}
	seen := map[string]int{}
	for i, row := range jsonlRows(after) {
		if !json.Valid(row) {
			t.Fatalf("row %d is not valid JSON: %.120q", i+1, row)
		}
		if prev, dup := seen[string(row)]; dup {
			t.Fatalf("row %d repeats row %d", i+1, prev)
		}
		seen[string(row)] = i + 1
	}
}
