package main

import (
	"encoding/json"
	"testing"
	"time"
)

func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "a\"b\\c\n\r\t\x01\x1f é 東京 😀", "{\"messages\":[]}\n{\"x\":1}\n"} {
		enc := appendJSONString(nil, []byte(s))
		var back string
		if err := json.Unmarshal(enc, &back); err != nil {
			t.Fatalf("%q: %s does not decode: %v", s, enc, err)
		}
		if back != s {
			t.Errorf("round trip of %q gave %q", s, back)
		}
	}
}

func TestLines(t *testing.T) {
	text := []byte("{\"a\":1}\r\n\n{\"b\":2}\n")
	starts := lineStarts(text)
	if len(starts) != 3 {
		t.Fatalf("lineStarts = %v, want 3 lines", starts)
	}
	for i, want := range []string{`{"a":1}`, "", `{"b":2}`} {
		if got := string(lineAt(text, starts, i)); got != want {
			t.Errorf("line %d = %q, want %q", i, got, want)
		}
	}
	if got := lineStarts([]byte("no newline")); len(got) != 1 {
		t.Errorf("lineStarts without a newline = %v", got)
	}
}

func TestEditPoint(t *testing.T) {
	tests := []struct {
		line string
		want int
		ok   bool
	}{
		{`{"messages":[{"role":"user","content":"hi"}]}`, 39, true},
		{`{"messages":[{"role":"user","content":"hi"}`, 0, false}, // truncated
		{`{"é":1,"messages":[{"role":"user","content":"hi"}]}`, 0, false},
		{`{"messages":[]}`, 0, false},
		{``, 0, false},
	}
	for _, tt := range tests {
		got, ok := editPoint([]byte(tt.line))
		if got != tt.want || ok != tt.ok {
			t.Errorf("editPoint(%s) = %d, %v; want %d, %v", tt.line, got, ok, tt.want, tt.ok)
		}
		if ok {
			// Inserting a letter there keeps the row valid JSON.
			edited := tt.line[:got] + "a" + tt.line[got:]
			if !json.Valid([]byte(edited)) {
				t.Errorf("edit at %d breaks %s", got, tt.line)
			}
		}
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 100; i >= 1; i-- {
		ds = append(ds, time.Duration(i)*time.Millisecond)
	}
	if got := percentile(ds, 0.5); got != 51*time.Millisecond {
		t.Errorf("p50 = %v", got)
	}
	if got := percentile(ds, 1); got != 100*time.Millisecond {
		t.Errorf("max = %v", got)
	}
	if got := percentile(nil, 0.5); got != 0 {
		t.Errorf("p50 of nothing = %v", got)
	}
}
