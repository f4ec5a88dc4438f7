package hostile

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// initializeWorkspace initializes the server with one workspace folder.
func (p *lspProc) initializeWorkspace(ws string) {
	p.t.Helper()
	_, err := p.call("initialize", map[string]any{
		"processId": nil, "rootUri": "file://" + ws,
		"workspaceFolders": []any{map[string]any{"uri": "file://" + ws, "name": "ws"}},
		"capabilities": map[string]any{
			"workspace": map[string]any{"workspaceEdit": map[string]any{"documentChanges": true}},
		},
		"initializationOptions": map[string]any{"debounceMs": 0},
	})
	if err != nil {
		p.t.Fatalf("initialize: %v", err)
	}
	p.notify("initialized", map[string]any{})
}

// The server's file-writing commands (split, dataset_info.txt, generate)
// refuse a document outside the workspace folders, however its URI spells
// the way out: a sibling folder, "..", "%2e%2e", a symlink, another host.
func TestServeWritesOnlyInsideTheWorkspace(t *testing.T) {
	base := t.TempDir()
	ws, other := filepath.Join(base, "ws"), filepath.Join(base, "other")
	for _, d := range []string{ws, other} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(other, filepath.Join(ws, "link")); err != nil {
		t.Fatal(err)
	}
	sentinel := []byte("not yours\n")
	os.WriteFile(filepath.Join(other, "dataset_info.txt"), sentinel, 0o644)
	text := strings.Repeat(validRow+"\n", 1) + strings.ReplaceAll(validRow, "parcel", "order") + "\n"

	p := startServe(t, base, nil)
	p.initializeWorkspace(ws)
	outside := []string{
		"file://" + other + "/x.jsonl",
		"file://" + ws + "/../other/y.jsonl",
		"file://" + ws + "/%2e%2e/other/z.jsonl",
		"file://" + ws + "/link/w.jsonl",
		"file://evil.example" + ws + "/remote.jsonl",
	}
	for _, uri := range outside {
		p.didOpen(uri, text)
		for _, cmd := range []string{"ftls.writeInfo", "ftls.splitValidation"} {
			start := time.Now()
			_, err := p.call("workspace/executeCommand", map[string]any{"command": cmd,
				"arguments": []any{map[string]any{"uri": uri, "version": 1}}})
			if err == nil {
				t.Errorf("%s on %s: accepted", cmd, uri)
				continue
			}
			t.Logf("%s %s: refused in %v: %s", cmd, uri, time.Since(start).Round(time.Millisecond), err.Message)
			if !strings.Contains(err.Message, "outside the workspace") && !strings.Contains(err.Message, "another machine") &&
				!strings.Contains(err.Message, "on the machine") {
				t.Errorf("%s on %s: unclear refusal %q", cmd, uri, err.Message)
			}
		}
	}
	time.Sleep(300 * time.Millisecond) // a write in the background would land by now
	if got := readFile(t, filepath.Join(other, "dataset_info.txt")); !bytes.Equal(got, sentinel) {
		t.Errorf("dataset_info.txt outside the workspace was overwritten")
	}
	entries, _ := os.ReadDir(other)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files written outside the workspace: %v", names)
	}

	// Inside, the same command works.
	inside := "file://" + ws + "/in.jsonl"
	os.WriteFile(filepath.Join(ws, "in.jsonl"), []byte(text), 0o644)
	p.didOpen(inside, text)
	if _, err := p.call("workspace/executeCommand", map[string]any{"command": "ftls.writeInfo",
		"arguments": []any{map[string]any{"uri": inside, "version": 1}}}); err != nil {
		t.Fatalf("writeInfo inside the workspace: %v", err)
	}
	p.waitFor("dataset_info.txt in the workspace", 30*time.Second, func() bool {
		_, err := os.Stat(filepath.Join(ws, "dataset_info.txt"))
		return err == nil
	})
	p.healthy()
	_, rss := p.exit(10 * time.Second)
	t.Logf("peak RSS %.0f MiB", rss)
}
