package lsp

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// feedInPieces runs a streamText over msg, the JSON string of a
// document's text (from after its opening quote) and what follows it, as
// if it arrived in pieces of random sizes, keeping what a call leaves for
// the next, as incoming.read does. It returns the lines' texts, joined,
// and what follows the closing quote.
func feedInPieces(t *testing.T, rnd *rand.Rand, msg []byte, maxChunk int) (string, string, int, error) {
	t.Helper()
	text := streamText{maxChunk: maxChunk}
	var b strings.Builder
	lines := 0
	var raw []byte
	for read := 0; ; {
		// Small pieces, and some larger than a chunk's least room, so that
		// the room, not the piece, cuts off an escape.
		m := min(len(msg)-read, 1+rnd.IntN([]int{300, 3 * minChunkRoom}[rnd.IntN(2)]))
		raw = append(raw, msg[read:read+m]...)
		read += m
		cut, last, used, done, err := text.feed(raw, len(msg)-read)
		if err != nil {
			return "", "", 0, err
		}
		for i, l := range cut {
			if s := string(l.Text()); !strings.HasSuffix(s, "\n") || strings.Contains(s[:len(s)-1], "\n") {
				t.Fatalf("line %d of a piece is %q: not one whole line", i, s)
			}
			b.Write(l.Text())
		}
		lines += len(cut)
		raw = append(raw[:0], raw[used:]...)
		if done {
			if strings.Contains(string(last.Text()), "\n") {
				t.Fatalf("the last line %q has a newline", last.Text())
			}
			b.Write(last.Text())
			return b.String(), string(raw) + string(msg[read:]), lines + 1, nil
		}
		if read == len(msg) {
			t.Fatal("the message ended and the text did not, without an error")
		}
	}
}

// A document's text decoded as its message arrives, into chunks of its
// own, must be the text, cut into its lines, whatever the pieces and the
// chunks' size: escapes cut off by a piece's end or a chunk's room, lines
// longer than a chunk, an empty last line or none.
func TestStreamText(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 8))
	long := strings.Repeat(`{"messages":[{"role":"user","content":"é中😀 \"q\" \\ \t"}]}`, 300)
	tests := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"one line, no newline", `{"a":1}`},
		{"lines", strings.Repeat("{\"text\":\"a \\\"b\\\" c\"}\n", 2000)},
		{"crlf and blank lines", strings.Repeat("{\"a\":\"\u00e9\"}\r\n\n", 1500)},
		{"a line longer than a chunk", "short\n" + long + "\n" + long + long + "\nend"},
		{"escapes", strings.Repeat("\\ \" \x7f \u2028 \U0001F600 \x01\n", 3000)},
		{"invalid utf-8", strings.Repeat("a\xff\xfeb\n", 4000)},
	}
	for _, tt := range tests {
		for _, maxChunk := range []int{1, 5000, textChunk} {
			msg := append(appendJSONString(nil, tt.text)[1:], `,"version":3}}`...)
			got, after, lines, err := feedInPieces(t, rnd, msg, maxChunk)
			if err != nil {
				t.Fatalf("%s, chunks of %d: %v", tt.name, maxChunk, err)
			}
			if got != tt.text {
				t.Fatalf("%s, chunks of %d: the lines hold %d bytes that differ from the text's %d", tt.name, maxChunk, len(got), len(tt.text))
			}
			if want := strings.Count(tt.text, "\n") + 1; lines != want {
				t.Fatalf("%s, chunks of %d: %d lines, want %d", tt.name, maxChunk, lines, want)
			}
			if after != `,"version":3}}` {
				t.Fatalf("%s, chunks of %d: %q follows the text", tt.name, maxChunk, after)
			}
		}
	}
}

// A malformed string is an error, wherever the piece that holds it ends.
func TestStreamTextMalformed(t *testing.T) {
	rnd := rand.New(rand.NewPCG(9, 9))
	for _, msg := range []string{
		strings.Repeat(`{\"a\":1}\n`, 500) + "raw\ncontrol" + `"}`,
		strings.Repeat(`{\"a\":1}\n`, 500) + `bad \x escape"}`,
		strings.Repeat(`{\"a\":1}\n`, 500) + `cut off at the end \u12`,
		strings.Repeat(`{\"a\":1}\n`, 500) + `no closing quote`,
	} {
		if _, _, _, err := feedInPieces(t, rnd, []byte(msg), 5000); err == nil {
			t.Fatalf("no error for %.40q...", msg[len(msg)-30:])
		}
	}
}
