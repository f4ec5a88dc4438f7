package textpos

import (
	"math/rand/v2"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

func TestUTF16Len(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"hello", 5},
		{"café", 4},
		{"中文", 2},
		{"😀", 2},
		{"a😀b", 4},
		{"\xff", 1}, // invalid byte: one replacement character
		{"héllo wörld, this is longer than eight bytes 😀😀", 49},
	}
	for _, tt := range tests {
		if got := UTF16Len([]byte(tt.in)); got != tt.want {
			t.Errorf("UTF16Len(%q) = %d, want %d", tt.in, got, tt.want)
		}
		if utf8.ValidString(tt.in) {
			if got, _ := CheckUTF8([]byte(tt.in)); got != tt.want {
				t.Errorf("CheckUTF8(%q) = %d, want %d", tt.in, got, tt.want)
			}
		}
	}
}

// TestCheckUTF8Random checks the eight-bytes-at-a-time count against the
// rune-by-rune one on random mixes of one- to four-byte characters.
func TestCheckUTF8Random(t *testing.T) {
	alphabet := []rune{'a', 'Z', ' ', 'é', 'ß', '中', '文', '😀', '𝄞', '\n'}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		var b []byte
		for n := r.IntN(40); n > 0; n-- {
			b = utf8.AppendRune(b, alphabet[r.IntN(len(alphabet))])
		}
		if got, valid := CheckUTF8(b); !valid || got != utf16Units(b) {
			t.Fatalf("CheckUTF8(%q) = %d, %v; want %d, true", b, got, valid, utf16Units(b))
		}
	}
}

func TestLineIndex(t *testing.T) {
	text := []byte("ab\r\ncafé😀x\n\nlast")
	x := NewLineIndex(text)
	if x.Lines() != 4 {
		t.Fatalf("Lines() = %d, want 4", x.Lines())
	}
	tests := []struct {
		off  int
		want Position
	}{
		{0, Position{0, 0}},
		{2, Position{0, 2}}, // before \r\n: the \r is not a character
		{4, Position{1, 0}},
		{9, Position{1, 4}},  // after "café" (é is two bytes)
		{13, Position{1, 6}}, // after the emoji: two UTF-16 units
		{15, Position{2, 0}},
		{16, Position{3, 0}},
		{20, Position{3, 4}},
		{99, Position{3, 4}}, // past the end clamps
	}
	for _, tt := range tests {
		if got := x.Position(tt.off); got != tt.want {
			t.Errorf("Position(%d) = %v, want %v", tt.off, got, tt.want)
		}
		if tt.off <= len(text) {
			if off, _ := x.Offset(tt.want); off != tt.off && !(tt.off == 2 && off == 2) {
				t.Errorf("Offset(%v) = %d, want %d", tt.want, off, tt.off)
			}
		}
	}
	// A column inside a surrogate pair resolves to the character's start;
	// one past the end of a line stays on that line.
	if off, _ := x.Offset(Position{1, 5}); off != 9 {
		t.Errorf("Offset inside surrogate pair = %d, want 9", off)
	}
	if off, ok := x.Offset(Position{0, 10}); off != 2 || ok {
		t.Errorf("Offset past line end = %d, %v; want 2, false", off, ok)
	}
	if got := string(x.Line(0)); got != "ab" {
		t.Errorf("Line(0) = %q, want %q", got, "ab")
	}
}

func TestAdvance(t *testing.T) {
	got := Advance(Position{Line: 3, Character: 2}, []byte("é😀\r\nab"))
	if want := (Position{Line: 4, Character: 2}); got != want {
		t.Errorf("Advance = %v, want %v", got, want)
	}
}

func FuzzLineIndex(f *testing.F) {
	f.Add([]byte("ab\r\ncafé😀x\n\nlast"), 3, 2)
	f.Add([]byte("\xff\xfe\n\x00"), 1, 1)
	f.Fuzz(func(t *testing.T, text []byte, line, char int) {
		x := NewLineIndex(text)
		p := Position{Line: line % (x.Lines() + 2), Character: char % 64}
		if p.Line < 0 || p.Character < 0 {
			return
		}
		off, _ := x.Offset(p)
		if off < 0 || off > len(text) {
			t.Fatalf("Offset(%v) = %d out of range", p, off)
		}
		back := x.Position(off)
		if back.Line > p.Line && p.Line < x.Lines() {
			t.Fatalf("Offset(%v) = %d maps back to later line %v", p, off, back)
		}
		if x.Position(len(text)).Line != x.Lines()-1 {
			t.Fatalf("end of text is not on the last line")
		}
	})
}

func TestCheckUTF8(t *testing.T) {
	for _, s := range []string{"", "plain ascii text that is long", "café 中文 😀 mixed", "\xff", "ok\xc3", "abcdefgh\xe2\x82"} {
		units, valid := CheckUTF8([]byte(s))
		if valid != utf8.ValidString(s) {
			t.Errorf("CheckUTF8(%q) valid = %v, want %v", s, valid, utf8.ValidString(s))
		}
		if valid && units != utf16Units([]byte(s)) {
			t.Errorf("CheckUTF8(%q) = %d units, want %d", s, units, utf16Units([]byte(s)))
		}
	}
}

// utf16Units is the reference for CheckUTF8 and UTF16Len: the standard
// library's decoding, one U+FFFD per byte that does not decode.
func utf16Units(b []byte) int { return len(utf16.Encode([]rune(string(b)))) }

// FuzzCheckUTF8 holds the hand-written validator to the standard library,
// on the edge cases of RFC 3629 (overlong forms, surrogates, code points
// above U+10FFFF, sequences cut short at the end).
func FuzzCheckUTF8(f *testing.F) {
	for _, s := range []string{"café 中文 😀", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe0\x9f\xbf", "\xf0\x8f\xbf\xbf", "0123456789abcdef0123456789abcdef\xf0\x9f\x98", "\xef\xbf\xbf\xf4\x8f\xbf\xbf"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		units, valid := CheckUTF8(b)
		if valid != utf8.Valid(b) {
			t.Fatalf("CheckUTF8(%q) valid = %v, want %v", b, valid, !valid)
		}
		if valid && units != utf16Units(b) {
			t.Fatalf("CheckUTF8(%q) = %d units, want %d", b, units, utf16Units(b))
		}
		if got := UTF16Len(b); got != utf16Units(b) {
			t.Fatalf("UTF16Len(%q) = %d, want %d", b, got, utf16Units(b))
		}
	})
}
