package lsp

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// applyReference applies an edit with textpos.LineIndex, the conversion
// the engine trusts, on the whole text.
func applyReference(text string, r protocol.Range, repl string) string {
	x := textpos.NewLineIndex([]byte(text))
	s, _ := x.Offset(r.Start)
	e, _ := x.Offset(r.End)
	if e < s {
		e = s
	}
	return text[:s] + repl + text[e:]
}

func TestEditsMatchLineIndex(t *testing.T) {
	pieces := []string{"a", "b", "é", "中文", "😀", " ", "\n", "\r\n", "{\"x\":1}", ""}
	rnd := rand.New(rand.NewPCG(7, 9))
	randText := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		return b.String()
	}
	for iter := 0; iter < 3000; iter++ {
		text := randText(rnd.IntN(30))
		snap := open("file:///x.jsonl", "jsonl", 1, text)
		x := textpos.NewLineIndex([]byte(text))
		pos := func() protocol.Position {
			ln := rnd.IntN(x.Lines())
			return protocol.Position{Line: ln, Character: rnd.IntN(textpos.UTF16Len(x.Line(ln)) + 1)}
		}
		a, b := pos(), pos()
		if b.Before(a) {
			a, b = b, a
		}
		repl := randText(rnd.IntN(4))
		next, clamped := snap.change(2, []protocol.TextDocumentContentChangeEvent{{Range: &protocol.Range{Start: a, End: b}, Text: repl}})
		if clamped != 0 {
			t.Fatalf("in-range edit %v-%v of %q reported clamped", a, b, text)
		}
		want := applyReference(text, protocol.Range{Start: a, End: b}, repl)
		if got := string(next.Text()); got != want {
			t.Fatalf("edit %v-%v %q of %q:\ngot  %q\nwant %q", a, b, repl, text, got, want)
		}
		if got, want := next.Len(), textpos.NewLineIndex([]byte(want)).Lines(); got != want {
			t.Fatalf("lines = %d, want %d (text %q)", got, want, next.Text())
		}
		// Offsets and positions agree with the line index.
		nx := textpos.NewLineIndex([]byte(want))
		for off := 0; off <= len(want); off++ {
			if got, w := next.Position(int64(off)), nx.Position(off); got != w {
				t.Fatalf("Position(%d) of %q = %v, want %v", off, want, got, w)
			}
		}
	}
}

func TestEditOutOfRangeIsClamped(t *testing.T) {
	snap := open("file:///x.jsonl", "jsonl", 1, "ab\r\ncd")
	next, clamped := snap.change(2, []protocol.TextDocumentContentChangeEvent{{Range: &protocol.Range{Start: protocol.Position{Line: 0, Character: 99}, End: protocol.Position{Line: 7, Character: 3}}, Text: "X"}})
	if clamped != 1 {
		t.Errorf("clamped = %d, want 1", clamped)
	}
	if got := string(next.Text()); got != "abX" {
		t.Errorf("text = %q, want %q", got, "abX")
	}
	next, _ = next.change(3, []protocol.TextDocumentContentChangeEvent{{Text: "whole\nnew"}})
	if got := string(next.Text()); got != "whole\nnew" || next.Len() != 2 {
		t.Errorf("full replacement = %q (%d lines)", got, next.Len())
	}
	next, clamped = next.change(4, []protocol.TextDocumentContentChangeEvent{{Range: &protocol.Range{Start: protocol.Position{Line: -1}, End: protocol.Position{Line: 0, Character: 2}}, Text: ""}})
	if clamped != 1 || string(next.Text()) != "ole\nnew" {
		t.Errorf("negative position: %q, clamped %d", next.Text(), clamped)
	}
}

func TestKindOf(t *testing.T) {
	tests := []struct {
		uri, lang string
		want      docKind
	}{
		{"file:///d/train.jsonl", "jsonl", kindDataset},
		{"file:///d/train.jsonl", "json", kindDataset},
		{"file:///d/x.ndjson", "plaintext", kindDataset},
		{"untitled:Untitled-1", "jsonl", kindDataset},
		{"file:///d/support.plan.yaml", "yaml", kindPlan},
		{"file:///d/other.yaml", "yaml", kindOther},
	}
	for _, tt := range tests {
		if got := kindOf(tt.uri, tt.lang); got != tt.want {
			t.Errorf("kindOf(%q, %q) = %v, want %v", tt.uri, tt.lang, got, tt.want)
		}
	}
}

func TestSliceAndReader(t *testing.T) {
	text := "é1\r\n中文2\n😀3"
	snap := open("file:///x.jsonl", "jsonl", 1, text)
	for s := 0; s <= len(text); s++ {
		for e := s; e <= len(text); e++ {
			if got := string(snap.Slice(int64(s), int64(e))); got != text[s:e] {
				t.Fatalf("Slice(%d,%d) = %q, want %q", s, e, got, text[s:e])
			}
		}
	}
	buf := make([]byte, 3)
	var got []byte
	r := snap.Reader()
	for {
		n, err := r.Read(buf)
		got = append(got, buf[:n]...)
		if err != nil {
			break
		}
	}
	if string(got) != text {
		t.Errorf("Reader = %q", got)
	}
}

func TestDecodeStringInPlace(t *testing.T) {
	for _, s := range []string{"", "plain", "a\nb\r\n\t\"q\"\\/", "é 中文 😀", "\x01\u2028", "\U0001F600x"} {
		raw, _ := json.Marshal(s)
		raw = append([]byte(`{"t":`), append(raw, '}')...)
		var p jsonpos.Parser
		root, err := p.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(decodeString(root.Get("t"))); got != s {
			t.Errorf("decodeString(%s) = %q, want %q", raw, got, s)
		}
	}
	// Escapes encoding/json does not write: surrogate pairs, lone
	// surrogates, upper-case hex.
	var p jsonpos.Parser
	root, _ := p.Parse([]byte(`{"t":"\ud83d\ude00 \uD800x \u00E9\/"}`))
	if got := string(decodeString(root.Get("t"))); got != "😀 \uFFFDx é/" {
		t.Errorf("decodeString = %q", got)
	}
}
