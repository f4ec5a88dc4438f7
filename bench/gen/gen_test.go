package main

import (
	"bytes"
	"testing"
)

func TestDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	if _, err := Generate(&a, 1000, 42); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(&b, 1000, 42); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same seed produced different bytes")
	}
	if _, err := Generate(&c, 1000, 43); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("different seeds produced identical bytes")
	}
}

func TestRowSizeAndCounts(t *testing.T) {
	var buf bytes.Buffer
	cnt, err := Generate(&buf, 1000, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(buf.Bytes(), []byte{'\n'}); got != 1000 || cnt.Rows != 1000 {
		t.Fatalf("lines = %d, rows = %d, want 1000", got, cnt.Rows)
	}
	if int64(buf.Len()) != cnt.Bytes {
		t.Fatalf("Bytes = %d, buffer has %d", cnt.Bytes, buf.Len())
	}
	avg := float64(buf.Len()) / 1000 / 1024
	if avg < 2.0 || avg > 2.6 {
		t.Fatalf("average row size %.2f KB, want 2.0–2.6 KB", avg)
	}
	if cnt.Malformed != cnt.Truncated+cnt.TrailingComma || cnt.MisspelledRole != cnt.Asistant+cnt.Human {
		t.Fatalf("inconsistent counts: %+v", cnt)
	}
}
