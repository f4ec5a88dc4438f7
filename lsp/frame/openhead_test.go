package frame

import (
	"strings"
	"testing"
)

func TestParseOpenHead(t *testing.T) {
	const text = `"{\"messages\":[]}\n`
	tests := []struct {
		name, body string
		ok         bool
		uri        string
		version    int32
	}{
		{"vscode", `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.jsonl","languageId":"jsonl","version":3,"text":` + text, true, "file:///a.jsonl", 3},
		{"spaces and extra keys", "{ \"method\" : \"textDocument/didOpen\" ,\n \"jsonrpc\":\"2.0\", \"params\": { \"x\": {\"a\":[1,{\"b\":\"}\"}]}, \"textDocument\": { \"uri\": \"file:///b\\/c%20d.jsonl\", \"extra\": null, \"version\": -1, \"text\" : " + text, true, "file:///b/c%20d.jsonl", -1},
		{"text first", `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"text":` + text, true, "", 0},
		{"params before method", `{"params":{"textDocument":{"version":1,"uri":"file:///a.jsonl","text":` + text, true, "file:///a.jsonl", 1},
		{"neovim", `{"method":"textDocument\/didOpen","jsonrpc":"2.0","params":{"textDocument":{"uri":"file:\/\/\/a.jsonl","text":` + text, true, "file:///a.jsonl", 0},
		{"a request", `{"jsonrpc":"2.0","id":1,"method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.jsonl","version":1,"text":` + text, false, "", 0},
		{"didChange", `{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"file:///a.jsonl","version":1,"text":` + text, false, "", 0},
		{"text not a string", `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.jsonl","version":1,"text":[`, false, "", 0},
		{"cut before the text", `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///a.js`, false, "", 0},
		{"not an object", `["textDocument/didOpen"]`, false, "", 0},
		{"text outside textDocument", `{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"text":"x","textDocument":{"uri":"file:///a.jsonl","version":1}}}`, false, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := ParseOpenHead([]byte(tt.body))
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if h.URI != tt.uri || h.Version != tt.version || h.Versioned != (tt.version != 0) || tt.body[h.TextAt-1] != '"' || !strings.HasPrefix(tt.body[h.TextAt:], `{\"messages`) {
				t.Errorf("head %+v", h)
			}
		})
	}
}
