package engine

import (
	"bytes"
	"fmt"
	"testing"
	"unsafe"
)

// CompleteLines cuts text as a plain loop does, and makes the lines of
// one call in slabs: consecutive lines are neighbours in memory, but at
// most for one line in lineSlab (two slabs may happen to be neighbours
// too).
func TestCompleteLinesInSlabs(t *testing.T) {
	var text []byte
	for i := range 2*lineSlab + 100 {
		text = fmt.Appendf(text, "{\"n\":%d}\n", i)
		if i%1000 == 7 {
			text = append(text, " \t]\r\n"...)
		}
	}
	text = append(text, "tail"...)
	lines, used := CompleteLines(nil, text)
	if used != len(text)-len("tail") {
		t.Fatalf("used %d bytes, want %d", used, len(text)-len("tail"))
	}
	var plain [][]byte
	for rest := text[:used]; len(rest) > 0; {
		i := bytes.IndexByte(rest, '\n')
		plain = append(plain, rest[:i+1])
		rest = rest[i+1:]
	}
	if len(lines) != len(plain) {
		t.Fatalf("%d lines, want %d", len(lines), len(plain))
	}
	apart := 0
	for i, l := range lines {
		closes := bytes.TrimLeft(plain[i], " \t")[0] == ']'
		if !bytes.Equal(l.Text(), plain[i]) || l.closes != closes {
			t.Fatalf("line %d: %q (closes %v), want %q (closes %v)", i, l.Text(), l.closes, plain[i], closes)
		}
		if i > 0 && uintptr(unsafe.Pointer(l))-uintptr(unsafe.Pointer(lines[i-1])) != unsafe.Sizeof(Line{}) {
			apart++
		}
	}
	if most := (len(lines) - 1) / lineSlab; apart > most {
		t.Errorf("%d lines are not their predecessor's neighbour, want at most %d", apart, most)
	}
}
