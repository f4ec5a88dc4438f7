package main

import (
	"bytes"
	"encoding/json"
	"fmt"
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
		ca, err := Generate(&a, testWords(), style, 2000, 7)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Generate(&b, testWords(), style, 2000, 7); err != nil {
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
	if _, err := Generate(&b, scriptWords, "scripts", 200, 1); err != nil {
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
