package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func testWords() []string {
	var w []string
	for i := range 3000 {
		w = append(w, fmt.Sprintf("w%d", i%700), "the", "é\"q")
	}
	return w
}

func TestDeterministicAndValid(t *testing.T) {
	for _, style := range []string{"alpaca", "chat"} {
		var a, b bytes.Buffer
		ca, err := Generate(&a, Source{Words: testWords()}, style, 2000, 7)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Generate(&b, Source{Words: testWords()}, style, 2000, 7); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatalf("%s: the same seed gave different bytes", style)
		}
		lines := bytes.Split(bytes.TrimSuffix(a.Bytes(), []byte("\n")), []byte("\n"))
		if len(lines) != 2000 || ca.Rows != 2000 || int64(a.Len()) != ca.Bytes {
			t.Fatalf("%s: %d lines, counts %+v", style, len(lines), ca)
		}
		for i, l := range lines {
			if !json.Valid(l) {
				t.Fatalf("%s: line %d is not JSON: %s", style, i+1, l)
			}
		}
		if ca.ExactDup == 0 || ca.NearDup == 0 {
			t.Fatalf("%s: no duplicates planted: %+v", style, ca)
		}
		avg := a.Len() / 2000
		if want := map[string][2]int{"alpaca": {300, 600}, "chat": {1200, 3000}}[style]; avg < want[0] || avg > want[1] {
			t.Fatalf("%s: %d bytes a row, want %d-%d", style, avg, want[0], want[1])
		}
	}
}

// The scripts style's text is mostly runes outside ASCII, in several
// scripts.
func TestScriptsStyle(t *testing.T) {
	var b bytes.Buffer
	if _, err := Generate(&b, Source{Words: scriptWords}, "scripts", 200, 1); err != nil {
		t.Fatal(err)
	}
	nonASCII := 0
	for _, c := range b.Bytes() {
		if c >= 0x80 {
			nonASCII++
		}
	}
	if share := float64(nonASCII) / float64(b.Len()); share < 0.6 {
		t.Errorf("%.0f %% of the bytes are outside ASCII, want 60 %% or more", 100*share)
	}
	for _, r := range []string{"и", "και", "في", "के", "我们", "今日", "오늘"} {
		if !bytes.Contains(b.Bytes(), []byte(r)) {
			t.Errorf("no %q in the text", r)
		}
	}
	// Each row is in one language: no row has both Cyrillic and Hangul.
	for i, line := range bytes.Split(bytes.TrimSpace(b.Bytes()), []byte("\n")) {
		cyrillic := bytes.ContainsFunc(line, func(r rune) bool { return r >= 0x400 && r < 0x500 })
		hangul := bytes.ContainsFunc(line, func(r rune) bool { return r >= 0xAC00 && r <= 0xD7A3 })
		if cyrillic && hangul {
			t.Fatalf("row %d mixes Russian and Korean", i+1)
		}
	}
}

// The code, long and latex styles write valid JSON rows of the shape their
// names promise, the same bytes for the same seed.
func TestCodeAndMathStyles(t *testing.T) {
	src := Source{Words: testWords(), Code: []byte(strings.Repeat("func f(a, b int) int {\n\tif a < b && b > 0 {\n\t\treturn \"x\"\n\t}\n}\n", 20000))}
	for _, tc := range []struct {
		style      string
		rows       int
		minRow     int
		maxRow     int
		mustHold   string
		mustNotUse string
	}{
		{"code", 300, 900, 3500, "```go\\nfunc f(a, b int) int {", `\u003c`},
		{"long", 20, 56000, 80000, `"content":"\tif a < b`, `\u0026`},
		{"latex", 300, 2000, 6000, `\\frac{`, ""},
	} {
		var a, b bytes.Buffer
		c, err := Generate(&a, src, tc.style, tc.rows, 3)
		if err != nil {
			t.Fatal(err)
		}
		Generate(&b, src, tc.style, tc.rows, 3)
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: the same seed gave different bytes", tc.style)
		}
		lines := bytes.Split(bytes.TrimSuffix(a.Bytes(), []byte("\n")), []byte("\n"))
		if len(lines) != tc.rows || c.Rows != tc.rows {
			t.Fatalf("%s: %d lines, counts %+v", tc.style, len(lines), c)
		}
		for i, l := range lines {
			if !json.Valid(l) {
				t.Fatalf("%s: line %d is not JSON: %.200s", tc.style, i+1, l)
			}
		}
		if avg := a.Len() / tc.rows; avg < tc.minRow || avg > tc.maxRow {
			t.Errorf("%s: %d bytes a row, want %d-%d", tc.style, avg, tc.minRow, tc.maxRow)
		}
		if !bytes.Contains(a.Bytes(), []byte(tc.mustHold)) {
			t.Errorf("%s: no %q in the rows", tc.style, tc.mustHold)
		}
		if tc.mustNotUse != "" && bytes.Contains(a.Bytes(), []byte(tc.mustNotUse)) {
			t.Errorf("%s: %q in the rows", tc.style, tc.mustNotUse)
		}
	}
}

// The escaped style writes the scripts rows as Python's json.dumps does:
// ASCII only, the same text once decoded.
func TestEscapedStyle(t *testing.T) {
	var esc, plain bytes.Buffer
	if _, err := Generate(&esc, Source{Words: scriptWords}, "escaped", 300, 2); err != nil {
		t.Fatal(err)
	}
	Generate(&plain, Source{Words: scriptWords}, "scripts", 300, 2)
	for _, c := range esc.Bytes() {
		if c >= 0x80 {
			t.Fatalf("byte %#x outside ASCII", c)
		}
	}
	if !bytes.Contains(esc.Bytes(), []byte(`\u`)) {
		t.Fatal("no \\u escape")
	}
	el := bytes.Split(bytes.TrimSpace(esc.Bytes()), []byte("\n"))
	pl := bytes.Split(bytes.TrimSpace(plain.Bytes()), []byte("\n"))
	if len(el) != len(pl) {
		t.Fatalf("%d rows, the scripts style %d", len(el), len(pl))
	}
	for i := range el {
		var a, b any
		if err := json.Unmarshal(el[i], &a); err != nil {
			t.Fatalf("row %d: %v", i+1, err)
		}
		json.Unmarshal(pl[i], &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("row %d decodes to other text than the scripts style's", i+1)
		}
	}
	// Above U+FFFF: a surrogate pair, as Python writes it.
	if got := string(asciiEscaped([]byte(`"😀é"`))); got != `"\ud83d\ude00\u00e9"` {
		t.Errorf("asciiEscaped: %s", got)
	}
}
