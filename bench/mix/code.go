package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// maxCodeBytes bounds how much source the code and long styles load: enough
// that rows seldom repeat a piece, little enough to load in a moment.
const maxCodeBytes = 16 << 20

// loadCode returns the Go sources under dir (the toolchain's standard
// library when dir is empty), tests and testdata left out, in the order of
// a sorted walk, joined, up to maxCodeBytes: real code, the same for a
// given Go version.
func loadCode(dir string) ([]byte, error) {
	if dir == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		if err != nil {
			return nil, fmt.Errorf("go env GOROOT: %w", err)
		}
		dir = filepath.Join(strings.TrimSpace(string(out)), "src")
	}
	var code []byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case len(code) >= maxCodeBytes:
			return filepath.SkipAll
		case d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor"):
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		data, err := os.ReadFile(path)
		code = append(code, data...)
		return err
	})
	if err == nil && len(code) < 1<<20 {
		err = fmt.Errorf("%s: only %d bytes of Go source", dir, len(code))
	}
	return code, err
}

// source returns about n bytes of g.code, whole lines from a random one:
// the text starts with the line's indentation and ends with a newline, as
// pasted code does.
func (g *mixer) source(n int) []byte {
	start := g.r.IntN(len(g.code) - n)
	start = bytes.LastIndexByte(g.code[:start], '\n') + 1
	end := start + n
	if i := bytes.IndexByte(g.code[end:], '\n'); i >= 0 {
		end += i + 1
	} else {
		end = len(g.code)
	}
	return g.code[start:end]
}

// codeChat returns a chat row whose answer is 0.8-2.2 KB of Go in a fence.
func (g *mixer) codeChat() []byte {
	answer := "Here is the code:\n\n```go\n" + string(g.source(g.between(800, 2200))) + "```"
	return g.chatRow(g.text(g.between(12, 40)), jsonString(answer))
}

// long returns a chat row whose prompt and answer are each about 30 KB of
// Go, unfenced: rows ten times the size of the longest in most datasets.
func (g *mixer) long() []byte {
	return g.chatRow(jsonString(string(g.source(g.between(28000, 32000)))),
		jsonString(string(g.source(g.between(28000, 32000)))))
}

// chatRow returns a system, user, assistant row of the given JSON strings.
func (g *mixer) chatRow(user, answer string) []byte {
	sys, _ := json.Marshal(systems[g.r.IntN(len(systems))])
	return fmt.Appendf(nil, `{"messages":[{"role":"system","content":%s},{"role":"user","content":%s},{"role":"assistant","content":%s}]}`+"\n",
		sys, user, answer)
}

// jsonString returns s as a JSON string, with <, > and & as they are (as
// Python's json.dumps writes them), not escaped for HTML.
func jsonString(s string) string {
	var b strings.Builder
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	e.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
