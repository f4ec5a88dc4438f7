package jsonpos

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// decodeInPieces runs a StringDecoder over data (a string token and
// whatever follows it) as if it arrived cut at the given sizes, and
// returns the decoded text, the index after the closing quote and the
// error.
func decodeInPieces(data []byte, pieces []int) (string, int, error) {
	buf := bytes.Clone(data)
	d := NewStringDecoder(1)
	filled := 1
	for k := 0; ; k++ {
		step := len(buf)
		if k < len(pieces) {
			step = pieces[k]
		}
		filled = min(filled+max(step, 0), len(buf))
		final := filled == len(buf)
		decoded, done, err := d.Decode(buf[:filled], final)
		if err != nil {
			return "", 0, err
		}
		if done {
			return string(buf[1:decoded]), d.End(), nil
		}
		if final {
			panic("final and not done without an error")
		}
	}
}

func TestStringDecoder(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
		end      int // 0: the whole input
		err      string
	}{
		{"plain", `"abc"`, "abc", 0, ""},
		{"empty", `""`, "", 0, ""},
		{"escapes", `"a\"b\\c\/d\b\f\n\r\t"`, "a\"b\\c/d\b\f\n\r\t", 0, ""},
		{"jsonl", `"{\"a\":1}\n{\"a\":2}\n"`, "{\"a\":1}\n{\"a\":2}\n", 0, ""},
		{"unicode", `"\u00e9\u4e2d"`, "é中", 0, ""},
		{"pair", `"\ud83d\ude00!"`, "😀!", 0, ""},
		{"lone high", `"\ud83dx"`, "\uFFFDx", 0, ""},
		{"lone low", `"\ude00"`, "\uFFFD", 0, ""},
		{"high then escape", `"\ud83d\n"`, "\uFFFD\n", 0, ""},
		{"raw utf8", "\"é中😀\"", "é中😀", 0, ""},
		{"invalid utf8 kept", "\"a\xffb\"", "a\xffb", 0, ""},
		{"rest after quote", `"ab"}}`, "ab", 4, ""},
		{"control", "\"a\nb\"", "", 0, "invalid character '\\n' in string literal"},
		{"bad escape", `"a\xb"`, "", 0, "invalid character 'x' in string escape code"},
		{"bad hex", `"\u12g4"`, "", 0, "invalid character 'g' in \\u hexadecimal character escape"},
		{"unterminated", `"abc`, "", 0, "unexpected end of input"},
		{"cut escape", `"abc\`, "", 0, "unexpected end of input"},
		{"cut unicode", `"abc\u12`, "", 0, "unexpected end of input"},
	}
	// Every way of cutting a short input in two or three pieces.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			end := tt.end
			if end == 0 {
				end = len(tt.in)
			}
			for a := 0; a <= len(tt.in); a++ {
				for b := 0; b <= len(tt.in)-a; b++ {
					got, gotEnd, err := decodeInPieces([]byte(tt.in), []int{a, b})
					if tt.err != "" {
						if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
							t.Fatalf("pieces %d,%d: err %v, want %q", a, b, err, tt.err)
						}
						continue
					}
					if err != nil || got != tt.want || gotEnd != end {
						t.Fatalf("pieces %d,%d: %q end %d err %v, want %q end %d", a, b, got, gotEnd, err, tt.want, end)
					}
				}
			}
		})
	}
}

// FuzzStringDecoder holds the decoder to the parser: whatever the pieces,
// it accepts exactly the strings scanString accepts, ends where it ends
// and decodes them as Str does.
func FuzzStringDecoder(f *testing.F) {
	f.Add([]byte(`"{\"messages\":[{\"role\":\"user\"}]}\n"`), uint8(3), uint8(7))
	f.Add([]byte(`"\ud83d\ude00\u00e9"`), uint8(5), uint8(1))
	f.Add([]byte(`"a\"`), uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, body []byte, a, b uint8) {
		data := append([]byte{'"'}, body...)
		var u utf8Tally
		end, _, scanErr := scanString(data, 1, &u)
		got, gotEnd, err := decodeInPieces(data, []int{int(a), int(b), int(a) + int(b)})
		if (err == nil) != (scanErr == nil) {
			t.Fatalf("decoder err %v, scanString err %v", err, scanErr)
		}
		if err != nil {
			if err.(*SyntaxError).Offset != scanErr.Offset {
				t.Fatalf("decoder error at %d, scanString at %d", err.(*SyntaxError).Offset, scanErr.Offset)
			}
			return
		}
		v, perr := Parse(data[:end])
		if perr != nil {
			t.Fatalf("Parse of the token: %v", perr)
		}
		if gotEnd != end || got != v.Str() {
			t.Fatalf("decoded %q end %d, want %q end %d", got, gotEnd, v.Str(), end)
		}
	})
}

// documentString is what an editor sends for a dataset: many rows joined
// by newlines, as one JSON string.
func documentString(rows int) []byte {
	text := strings.Repeat(chatRow+"\n", rows)
	return AppendQuote(nil, text)
}

// BenchmarkStringDecoder decodes a 2.3 MB document in 64 KB pieces;
// BenchmarkParseUnescape is the same work done at once, with Parse and
// UnescapeInPlace, as the server does for a message it does not stream.
func BenchmarkStringDecoder(b *testing.B) {
	src := documentString(1000)
	buf := make([]byte, len(src))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		copy(buf, src)
		d := NewStringDecoder(1)
		for filled := 0; ; {
			filled = min(filled+64<<10, len(buf))
			if _, done, err := d.Decode(buf[:filled], filled == len(buf)); err != nil {
				b.Fatal(err)
			} else if done {
				break
			}
		}
	}
}

func BenchmarkParseUnescape(b *testing.B) {
	src := documentString(1000)
	buf := make([]byte, len(src))
	var p Parser
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		copy(buf, src)
		v, err := p.Parse(buf)
		if err != nil {
			b.Fatal(err)
		}
		v.UnescapeInPlace()
	}
}

// moveDown copies as copy does, for every run length around its cases'
// bounds and every distance down, and writes nothing past the run.
func TestMoveDown(t *testing.T) {
	for n := range 40 {
		for gap := 1; gap <= 20; gap++ {
			src := make([]byte, gap+n+24)
			for i := range src {
				src[i] = byte(i + 1)
			}
			want, got := bytes.Clone(src), bytes.Clone(src)
			const w = 3
			copy(want[w:], want[w+gap:w+gap+n])
			moveDown(got, w, w+gap, w+gap+n)
			if !bytes.Equal(got, want) {
				t.Fatalf("run of %d bytes moved %d down: got %v, want %v", n, gap, got, want)
			}
		}
	}
}

// BenchmarkStrEscaped decodes text as Python's json.dumps writes it by
// default: every character outside ASCII a \uXXXX escape (here Chinese,
// with spaces and a little ASCII between).
func BenchmarkStrEscaped(b *testing.B) {
	var sb strings.Builder
	sb.WriteByte('"')
	for i := 0; sb.Len() < 64<<10; i++ {
		fmt.Fprintf(&sb, `\u%04x\u%04x\u%04x `, 0x4e00+i%2000, 0x4e00+(i*7)%2000, 0x3001+i%3)
		if i%9 == 0 {
			sb.WriteString(`GPT-4 \n`)
		}
	}
	sb.WriteByte('"')
	src := []byte(sb.String())
	var p Parser
	v, err := p.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 0, len(src))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		buf = v.AppendStr(buf[:0])
	}
}
