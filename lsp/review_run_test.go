package lsp

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

const reviewTestKey = "sk-test-LSP-review-SECRET"

// reviewFixture is an open dataset with a judge on 127.0.0.1.
type reviewFixture struct {
	c    *client
	srv  *fakeopenai.Server
	doc  *doc
	path string
	log  string
}

func newReviewFixture(t *testing.T, h fakeopenai.Handler) *reviewFixture {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "data.jsonl")
	text := `{"messages":[{"role":"user","content":"Boiling point of water?"},{"role":"assistant","content":"WRONG 50 °C."}]}` + "\n" +
		`{"messages":[{"role":"user","content":"Capital of France?"},{"role":"assistant","content":"Paris."}]}` + "\n" +
		`{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"4."}]}` + "\n"
	os.WriteFile(path, []byte(text), 0o644)
	f := &reviewFixture{srv: fakeopenai.New(h), path: path, log: filepath.Join(dir, "ftls.log")}
	t.Cleanup(f.srv.Close)
	f.c = startServer(t, "--log", f.log)
	var res protocol.InitializeResult
	f.c.mustCall("initialize", map[string]any{
		"capabilities":          map[string]any{"window": map[string]any{"workDoneProgress": true}},
		"initializationOptions": map[string]any{"debounceMs": 5, "baseUrl": f.srv.URL, "apiKey": reviewTestKey, "generationModel": "judge-1"},
	}, &res)
	if !slices.Contains(res.Capabilities.ExecuteCommandProvider.Commands, cmdReview) {
		t.Fatalf("commands lack %s", cmdReview)
	}
	f.c.notify("initialized", map[string]any{})
	f.c.mu.Lock()
	f.c.msgAnswer = "Review"
	f.c.mu.Unlock()
	f.doc = f.c.open(pathURI(path), "jsonl", text)
	f.c.waitFull(f.doc.uri, 1)
	return f
}

func (f *reviewFixture) actions(line int) []protocol.CodeAction {
	var actions []protocol.CodeAction
	f.c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: f.doc.uri},
		"range":        protocol.Range{Start: protocol.Position{Line: line}, End: protocol.Position{Line: line}},
		"context":      map[string]any{"diagnostics": []any{}},
	}, &actions)
	return actions
}

func findAction(actions []protocol.CodeAction, prefix string) *protocol.CodeAction {
	for i := range actions {
		if strings.HasPrefix(actions[i].Title, prefix) {
			return &actions[i]
		}
	}
	return nil
}

func (f *reviewFixture) run(t *testing.T, a *protocol.CodeAction) {
	t.Helper()
	if a == nil || a.Command == nil {
		t.Fatal("no such action")
	}
	f.c.mustCall("workspace/executeCommand", map[string]any{"command": a.Command.Command, "arguments": a.Command.Arguments}, nil)
}

// TestServeReviewActions reviews one row, then the others, from code
// actions: the verdicts become diagnostics, the lens counts them, and a
// second request sends nothing.
func TestServeReviewActions(t *testing.T) {
	f := newReviewFixture(t, fakeopenai.Judge)
	titles := func(as []protocol.CodeAction) (out []string) {
		for _, a := range as {
			out = append(out, a.Title)
		}
		return out
	}
	acts := f.actions(0)
	if findAction(acts, "Review this row") == nil || findAction(acts, "Review the 3 unreviewed rows") == nil {
		t.Fatalf("actions %q", titles(acts))
	}
	f.run(t, findAction(acts, "Review this row"))
	f.c.waitFor("R001 on row 1", func() bool { return strings.Contains(codes(f.c.diags[f.doc.uri].Diagnostics), "R001 0:") })
	reqs := f.srv.Requests()
	if len(reqs) != 1 || len(reqs[0].ReviewRows()) != 1 || reqs[0].Auth != "Bearer "+reviewTestKey || reqs[0].Body.Model != "judge-1" {
		t.Fatalf("%d requests; the first carried %d rows", len(reqs), len(reqs[0].ReviewRows()))
	}
	f.c.waitFor("the end of the progress", func() bool {
		return len(f.c.progress) > 0 && strings.Contains(string(f.c.progress[len(f.c.progress)-1]), `"kind":"end"`)
	})
	acts = f.actions(0)
	if findAction(acts, "Review this row") != nil || findAction(acts, "Review the 2 unreviewed rows") == nil {
		t.Fatalf("after one row, actions %q", titles(acts))
	}
	var lenses []protocol.CodeLens
	f.c.mustCall("textDocument/codeLens", map[string]any{"textDocument": protocol.TextDocumentIdentifier{URI: f.doc.uri}}, &lenses)
	if len(lenses) < 2 || !strings.Contains(lenses[1].Command.Title, "1 rows reviewed, 1 flagged · review 2 unreviewed") {
		t.Fatalf("lenses %+v", lenses)
	}
	f.run(t, findAction(acts, "Review the 2 unreviewed rows"))
	f.c.waitFor("two more rows judged", func() bool {
		n := 0
		for _, r := range f.srv.Requests() {
			n += len(r.ReviewRows())
		}
		return n == 3 && strings.Contains(lastMessage(f.c), "review: 2 rows reviewed")
	})
	// The document is checked again with the new verdicts; then no
	// review action is left.
	for deadline := time.Now().Add(10 * time.Second); findAction(f.actions(1), "Review") != nil; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("actions after a full review: %q", titles(f.actions(1)))
		}
	}
	log, _ := os.ReadFile(f.log)
	if strings.Contains(string(log), reviewTestKey) {
		t.Error("the key is in the server's log")
	}
}

func lastMessage(c *client) string {
	if len(c.messages) == 0 {
		return ""
	}
	return c.messages[len(c.messages)-1].Message
}

// TestServeReviewCancel cancels a review whose judge is slow, from the
// progress: the run ends, no verdict is invented.
func TestServeReviewCancel(t *testing.T) {
	f := newReviewFixture(t, func(req *fakeopenai.Request) *fakeopenai.Reply {
		r := fakeopenai.Judge(req)
		r.Delay = 20 * time.Second
		return r
	})
	f.run(t, findAction(f.actions(0), "Review the 3 unreviewed rows"))
	var token string
	f.c.waitFor("the review's progress", func() bool {
		for _, p := range f.c.progress {
			if s := string(p); strings.Contains(s, `"kind":"begin"`) {
				i := strings.Index(s, "ftls-review-")
				token = s[i : i+len("ftls-review-1")]
				return true
			}
		}
		return false
	})
	// The request reaches the judge, which holds it (no client message
	// says so: poll).
	for deadline := time.Now().Add(10 * time.Second); len(f.srv.Requests()) == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no request reached the judge")
		}
	}
	start := time.Now()
	f.c.notify("window/workDoneProgress/cancel", map[string]any{"token": token})
	f.c.waitFor("the cancelled end", func() bool { return strings.Contains(lastMessage(f.c), "cancelled") })
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancelling took %s", d)
	}
	if _, err := os.Stat(f.path + ".ftls-review"); err == nil {
		t.Error("a cancelled review with no answer wrote verdicts")
	}
}
