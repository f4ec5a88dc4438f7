package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

func TestServeFlags(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string // help asked for goes to standard output
		stderr string
	}{
		{[]string{"serve", "--help"}, exitOK, "Usage: ftls serve", ""},
		{[]string{"serve", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{[]string{"serve", "--frobnicate"}, exitUsage, "", "unknown flag"},
		{[]string{"serve", "--log", "/nonexistent/dir/ftls.log"}, exitUsage, "", "no such file or directory"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		code := run(tt.args, &stdout, &stderr)
		if code != tt.code || !strings.Contains(stderr.String(), tt.stderr) || !strings.Contains(stdout.String(), tt.stdout) || (tt.stdout == "") != (stdout.Len() == 0) || (tt.stderr == "") != (stderr.Len() == 0) {
			t.Errorf("%v: code %d, stdout %q, stderr %q; want code %d, %q and %q", tt.args, code, stdout.String(), stderr.String(), tt.code, tt.stdout, tt.stderr)
		}
	}
}

// TestServeSubprocess runs `ftls serve` in a child process through a whole
// session and checks that standard output carries nothing but LSP frames.
func TestServeSubprocess(t *testing.T) {
	if os.Getenv("FTLS_SERVE_CHILD") == "1" {
		os.Exit(run([]string{"serve"}, os.Stdout, os.Stderr))
	}
	var in bytes.Buffer
	frame := func(body string) { fmt.Fprintf(&in, "Content-Length: %d\r\n\r\n%s", len(body), body) }
	frame(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"processId":null,"rootUri":null,"capabilities":{}}}`)
	frame(`{"jsonrpc":"2.0","method":"initialized","params":{}}`)
	frame(`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x/train.jsonl","languageId":"jsonl","version":1,"text":"{\"messages\":[]}\n"}}}`)
	frame(`{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	frame(`{"jsonrpc":"2.0","method":"exit"}`)
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeSubprocess$")
	cmd.Env = append(os.Environ(), "FTLS_SERVE_CHILD=1")
	cmd.Stdin = &in
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		t.Fatalf("ftls serve: %v\nstderr:\n%s", err, stderr.String())
	}
	out := stdout.String()
	frames := regexp.MustCompile(`Content-Length: (\d+)\r\n\r\n`)
	for len(out) > 0 {
		m := frames.FindStringSubmatchIndex(out)
		if m == nil || m[0] != 0 {
			t.Fatalf("standard output holds something else than LSP frames: %q", out)
		}
		var n int
		fmt.Sscan(out[m[2]:m[3]], &n)
		out = out[m[1]+n:]
	}
	if !strings.Contains(stdout.String(), `"id":1,"result":{"capabilities"`) || !strings.Contains(stdout.String(), `"id":2,"result":null`) {
		t.Errorf("responses missing:\n%s", stdout.String())
	}
}
