package main

// Progress on a terminal for long work (issue 19): stats, info, check and
// split draw a bar for a large file, and never when standard error is not
// a terminal.

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// withProgressTerminal makes the progress decision believe its writer is
// a terminal (or not), with bars for files of min bytes or more.
func withProgressTerminal(t *testing.T, tty bool, min int64, env map[string]string) {
	t.Helper()
	oldTTY, oldMin, oldEnv := progressTerminal, progressMin, progressEnv
	t.Cleanup(func() { progressTerminal, progressMin, progressEnv = oldTTY, oldMin, oldEnv })
	progressTerminal = func(io.Writer) bool { return tty }
	progressMin = min
	progressEnv = func(k string) string { return env[k] }
}

func TestShowProgress(t *testing.T) {
	big := progressMin
	// The real decision: a buffer, a pipe or a regular file is no terminal.
	if showProgress(&bytes.Buffer{}, big) {
		t.Error("progress on a buffer")
	}
	f, err := os.CreateTemp(t.TempDir(), "stderr")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if showProgress(f, big) {
		t.Error("progress on a regular file")
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer pr.Close()
	defer pw.Close()
	if showProgress(pw, big) {
		t.Error("progress on a pipe")
	}

	withProgressTerminal(t, true, big, nil)
	if !showProgress(&bytes.Buffer{}, big) {
		t.Error("no progress for a large file on a terminal")
	}
	if showProgress(&bytes.Buffer{}, big-1) {
		t.Error("progress for a small file on a terminal")
	}
	withProgressTerminal(t, true, big, map[string]string{"TERM": "dumb"})
	if showProgress(&bytes.Buffer{}, big) {
		t.Error("progress on TERM=dumb")
	}
	withProgressTerminal(t, false, big, nil)
	if showProgress(&bytes.Buffer{}, big) {
		t.Error("progress off a terminal")
	}
}

// TestProgressCountsBytesRead: the bar is driven by the bytes read through
// the wrapped reader, and cleared when done.
func TestProgressCountsBytesRead(t *testing.T) {
	withProgressTerminal(t, true, 1, nil)
	data := strings.Repeat("{\"x\": 1}\n", 1000)
	var w bytes.Buffer
	r, done := withProgress(strings.NewReader(data), int64(len(data)), &w, "reading data")
	pr, ok := r.(*progressReader)
	if !ok {
		t.Fatalf("reader %T, want a progress reader", r)
	}
	buf := make([]byte, 100)
	n, _ := io.ReadFull(r, buf)
	if got := pr.bar.State().CurrentNum; got != int64(n) {
		t.Errorf("bar at %d after reading %d bytes", got, n)
	}
	rest, _ := io.ReadAll(r)
	if got := pr.bar.State().CurrentNum; got != int64(len(data)) || n+len(rest) != len(data) {
		t.Errorf("bar at %d after reading all %d bytes", got, len(data))
	}
	done()
	if !strings.Contains(w.String(), "reading data") {
		t.Errorf("no bar drawn: %q", w.String())
	}
	if !strings.HasSuffix(w.String(), "\r") {
		t.Errorf("bar not cleared at the end: %q", w.String())
	}

	// Off a terminal the reader is the file itself and nothing is drawn.
	withProgressTerminal(t, false, 1, nil)
	w.Reset()
	src := strings.NewReader(data)
	r, done = withProgress(src, int64(len(data)), &w, "reading data")
	if r != io.Reader(src) {
		t.Errorf("reader wrapped off a terminal: %T", r)
	}
	_, _ = io.ReadAll(r)
	done()
	if w.Len() != 0 {
		t.Errorf("drawn off a terminal: %q", w.String())
	}
}

// TestCommandsShowProgress: check, stats, info and split draw a bar on a
// terminal for a file over the threshold, and nothing otherwise.
func TestCommandsShowProgress(t *testing.T) {
	cmds := []struct {
		args []string
		bar  string
	}{
		{[]string{"check", "clean.jsonl"}, "checking clean.jsonl"},
		{[]string{"stats", "clean.jsonl"}, "checking clean.jsonl"},
		{[]string{"info", "clean.jsonl"}, "checking clean.jsonl"},
		{[]string{"split", "--ratio", "0.2", "clean.jsonl"}, "reading clean.jsonl"},
	}
	for _, c := range cmds {
		for _, tc := range []struct {
			name string
			tty  bool
			min  int64
			want bool
		}{
			{"terminal, large file", true, 1, true},
			{"terminal, small file", true, 1 << 30, false},
			{"no terminal", false, 1, false},
		} {
			t.Run(c.args[0]+"/"+tc.name, func(t *testing.T) {
				sandbox(t, "clean.jsonl")
				withProgressTerminal(t, tc.tty, tc.min, nil)
				r := ftls(t, c.args...)
				if got := strings.Contains(r.stderr, c.bar); got != tc.want {
					t.Errorf("bar %v, want %v; exit %d, stderr:\n%q", got, tc.want, r.code, r.stderr)
				}
				if !tc.want && strings.Contains(r.stderr, "\r") {
					t.Errorf("carriage return without a bar: %q", r.stderr)
				}
			})
		}
	}
}
