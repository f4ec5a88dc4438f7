package protocol

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// AppendJSON writes what encoding/json writes, byte for byte, on
// diagnostics with every field set or left out and on strings with every
// kind of character encoding/json escapes.
func TestAppendJSONMatchesMarshal(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		p := randomParams(rnd, i)
		want, err := json.Marshal(&p)
		if err != nil {
			t.Fatal(err)
		}
		got := p.AppendJSON(nil)
		if string(got) != string(want) {
			t.Fatalf("params %d:\n got %s\nwant %s", i, got, want)
		}
		if !json.Valid(got) {
			t.Fatalf("params %d: invalid JSON %s", i, got)
		}
	}
}

// FuzzAppendString quotes any string as encoding/json does.
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "plain", "a\"b\\c", "<tag>&amp;", "\x00\x1f\b\f\n\r\t", "\u2028\u2029", "\xff\xfe", "é漢字🙂", "\xe2\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendString(nil, s); string(got) != string(want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}

// randomString draws from the characters encoding/json treats apart.
func randomString(rnd *rand.Rand) string {
	pieces := []string{"a", "Z", " ", "\"", "\\", "/", "<", ">", "&", "\x00", "\x07", "\b", "\f", "\n", "\r", "\t", "\x1f", "\x7f", "é", "漢", "🙂", "\u2028", "\u2029", "\xff", "\xe2\x80", "\ufffd", "<|im_start|>"}
	var b strings.Builder
	for range rnd.IntN(12) {
		b.WriteString(pieces[rnd.IntN(len(pieces))])
	}
	return b.String()
}

func randomParams(rnd *rand.Rand, i int) PublishDiagnosticsParams {
	rng := func() Range {
		return Range{Start: Position{Line: rnd.IntN(1 << 20), Character: rnd.IntN(300)}, End: Position{Line: rnd.IntN(1 << 20), Character: rnd.IntN(300)}}
	}
	p := PublishDiagnosticsParams{URI: "file:///tmp/" + randomString(rnd) + ".jsonl"}
	if rnd.IntN(2) == 0 {
		v := int32(rnd.IntN(1<<31) - 1<<30)
		p.Version = &v
	}
	if i%50 == 0 {
		return p // nil diagnostics: "null"
	}
	p.Diagnostics = []Diagnostic{}
	for range rnd.IntN(5) {
		d := Diagnostic{Range: rng(), Severity: rnd.IntN(5), Code: randomString(rnd), Source: "ftls", Message: randomString(rnd)}
		if rnd.IntN(2) == 0 {
			d.CodeDescription = &CodeDescription{Href: "https://example.invalid/" + randomString(rnd)}
		}
		for range rnd.IntN(3) {
			d.RelatedInformation = append(d.RelatedInformation, DiagnosticRelatedInformation{
				Location: Location{URI: randomString(rnd), Range: rng()}, Message: randomString(rnd),
			})
		}
		if rnd.IntN(3) > 0 {
			d.Data = &DiagnosticData{Code: randomString(rnd), Version: int32(rnd.IntN(1000)), Fix: rnd.IntN(100) - 1}
		}
		p.Diagnostics = append(p.Diagnostics, d)
	}
	return p
}

// SizeHint covers what AppendJSON writes for diagnostics like the
// server's, so that the buffer is not grown while it is written.
func TestSizeHintCovers(t *testing.T) {
	v := int32(1234567)
	p := PublishDiagnosticsParams{URI: "file:///home/user/datasets/train.jsonl", Version: &v}
	for i := range 1000 {
		d := Diagnostic{
			Range:    Range{Start: Position{Line: 999999 + i, Character: 12345}, End: Position{Line: 999999 + i, Character: 123456}},
			Severity: 2, Code: "D002", Source: "ftls", Message: `near duplicate of row 123456 (similarity 0.91): "What is the capital of France?"`,
			CodeDescription: &CodeDescription{Href: "https://github.com/ftls-dev/ftls/blob/main/docs/rules.md#d002"},
			Data:            &DiagnosticData{Code: "D002", Version: v, Fix: 999999},
		}
		if i%2 == 0 {
			d.RelatedInformation = []DiagnosticRelatedInformation{{Location: Location{URI: p.URI, Range: d.Range}, Message: "the first copy"}}
		}
		p.Diagnostics = append(p.Diagnostics, d)
	}
	if got, hint := len(p.AppendJSON(nil)), p.SizeHint(); got > hint {
		t.Errorf("AppendJSON wrote %d bytes, SizeHint said %d", got, hint)
	}
}
