package engine

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// flat returns the lines of d as one slice.
func flat(d *Doc) []*Line {
	var lines []*Line
	for _, l := range d.All() {
		lines = append(lines, l)
	}
	return lines
}

// plainApply is Apply stated plainly, on the lines as one slice: what the
// chunked document must hold after the same edit.
func plainApply(lines []*Line, r textpos.Range, text string) []*Line {
	d := NewDoc(lines)
	sl, sb, _ := d.clampPos(r.Start)
	el, eb, _ := d.clampPos(r.End)
	if el < sl || (el == sl && eb < sb) {
		el, eb = sl, sb
	}
	joined := string(lines[sl].Text()[:sb]) + text + string(lines[el].Text()[eb:])
	repl := SplitLines([]byte(joined))
	if el < len(lines)-1 && len(repl) > 1 && len(repl[len(repl)-1].Text()) == 0 {
		repl = repl[:len(repl)-1]
	}
	return slices.Concat(lines[:sl], repl, lines[el+1:])
}

// plainDiff is DiffLines on the lines as slices.
func plainDiff(old, cur []*Line) LineChange {
	n := min(len(old), len(cur))
	p := 0
	for p < n && old[p] == cur[p] {
		p++
	}
	q := 0
	for q < n-p && old[len(old)-1-q] == cur[len(cur)-1-q] {
		q++
	}
	if p == 0 && n > 0 {
		q = min(q, n-1)
	}
	return LineChange{From: p, OldTo: len(old) - q, NewTo: len(cur) - q}
}

// TestApplyMatchesPlain applies random edits (inserts, deletions across
// lines and chunks, newlines typed and removed, positions past the end) to
// documents cut into chunks of a few lines, and holds every way of reading
// the result to the same reading of the lines as one slice: lines,
// offsets, positions, slices, ranges, heads, and the change from the
// version before.
func TestApplyMatchesPlain(t *testing.T) {
	for _, size := range []int{1, 2, 3, 8, 1024} {
		t.Run(fmt.Sprint("chunks of ", size), func(t *testing.T) {
			defer func(n int) { chunkLines = n }(chunkLines)
			chunkLines = size
			rnd := rand.New(rand.NewPCG(3, uint64(size)))
			texts := []string{"", "a", "\n", "x\ny", "{\"k\": 1}\n", "\r\n", "é€", "\n\n\n\n\n", strings.Repeat("{}\n", 9)}
			start := []byte(strings.Repeat("{\"a\": 1}\n{\"b\": 2}\r\n\n{\"c\": 3}\n", 5))
			d := NewDoc(SplitLines(start))
			plain := flat(d)
			pos := func() textpos.Position {
				return textpos.Position{Line: rnd.IntN(len(plain) + 1), Character: rnd.IntN(12)}
			}
			for i := range 3000 {
				r := textpos.Range{Start: pos(), End: pos()}
				text := texts[rnd.IntN(len(texts))]
				next, _ := d.Apply(r, text)
				want := plainApply(plain, r, text)
				checkChunkedDoc(t, fmt.Sprintf("edit %d (%v %q)", i, r, text), next, want, rnd)
				if got, wantChange := DiffLines(d, next), plainDiff(plain, flat(next)); got != wantChange {
					t.Fatalf("edit %d: change %+v, want %+v", i, got, wantChange)
				}
				d, plain = next, flat(next)
				if len(plain) > 300 {
					d = NewDoc(SplitLines(start))
					plain = flat(d)
				}
			}
		})
	}
}

// checkChunkedDoc holds d to want, its lines as one slice.
func checkChunkedDoc(t *testing.T, what string, d *Doc, want []*Line, rnd *rand.Rand) {
	t.Helper()
	if d.Len() != len(want) {
		t.Fatalf("%s: %d lines, want %d", what, d.Len(), len(want))
	}
	// Edits leave no chunk but the last with fewer than half the lines of
	// a chunk, so that a document does not end up in ever smaller ones.
	for k, c := range d.chunks {
		if len(c.lines) == 0 || len(c.lines) > chunkLines || k < len(d.chunks)-1 && len(c.lines) < chunkLines/2 {
			t.Fatalf("%s: chunk %d of %d holds %d lines (%d at most)", what, k, len(d.chunks), len(c.lines), chunkLines)
		}
	}
	var text []byte
	starts := make([]int64, 0, len(want)+1)
	for i, l := range want {
		if string(d.Line(i).Text()) != string(l.Text()) {
			t.Fatalf("%s: line %d %q, want %q", what, i, d.Line(i).Text(), l.Text())
		}
		starts = append(starts, int64(len(text)))
		text = append(text, l.Text()...)
	}
	starts = append(starts, int64(len(text)))
	lines := flat(d) // want's text, and d's own lines
	if !slices.Equal(d.Starts(), starts) {
		t.Fatalf("%s: offsets %v, want %v", what, d.Starts(), starts)
	}
	if string(d.Text()) != string(text) || d.Size() != int64(len(text)) {
		t.Fatalf("%s: text %q (%d bytes), want %q", what, d.Text(), d.Size(), text)
	}
	for i := range len(want) + 1 {
		if d.Start(i) != starts[i] {
			t.Fatalf("%s: Start(%d) = %d, want %d", what, i, d.Start(i), starts[i])
		}
	}
	size := int64(len(text))
	for range 10 {
		a, b := int64(rnd.IntN(len(text)+3))-1, int64(rnd.IntN(len(text)+3))-1
		lo := min(max(a, 0), size)
		hi := min(max(b, lo), size)
		if got := d.Slice(a, b); string(got) != string(text[lo:hi]) {
			t.Fatalf("%s: Slice(%d, %d) = %q, want %q", what, a, b, got, text[lo:hi])
		}
		// The line that holds the offset (the last for the end), and the
		// column, in UTF-16 units, within its content.
		ln := min(sort.Search(len(want), func(i int) bool { return starts[i+1] > lo }), len(want)-1)
		c := want[ln].Content()
		wantPos := textpos.Position{Line: ln, Character: textpos.UTF16Len(c[:min(int(lo-starts[ln]), len(c))])}
		if got := d.Position(a); got != wantPos {
			t.Fatalf("%s: Position(%d) = %v, want %v", what, a, got, wantPos)
		}
		p := textpos.Position{Line: rnd.IntN(len(want)+2) - 1, Character: rnd.IntN(14)}
		woff, wok := int64(0), false
		switch {
		case p.Line < 0:
		case p.Line >= len(want):
			woff = size
		default:
			c := want[p.Line].Content()
			n := textpos.ByteOffset(c, p.Character)
			woff, wok = starts[p.Line]+int64(n), n < len(c) || textpos.UTF16Len(c) >= p.Character
		}
		if off, ok := d.Offset(p); off != woff || ok != wok {
			t.Fatalf("%s: Offset(%v) = %d, %v, want %d, %v", what, p, off, ok, woff, wok)
		}
		from, to := rnd.IntN(len(want)+1), rnd.IntN(len(want)+1)
		var got []*Line
		for i, l := range d.Range(from, to) {
			if l != lines[i] || i != from+len(got) {
				t.Fatalf("%s: Range(%d, %d) gave line %d out of place", what, from, to, i)
			}
			got = append(got, l)
		}
		if len(got) != max(to-from, 0) {
			t.Fatalf("%s: Range(%d, %d) gave %d lines", what, from, to, len(got))
		}
		if h := d.Head(to); !slices.Equal(flat(h), lines[:to]) {
			t.Fatalf("%s: Head(%d) has %d lines, want %d", what, to, h.Len(), to)
		}
	}
	var read strings.Builder
	buf := make([]byte, 1+rnd.IntN(7))
	for r := d.Reader(); ; {
		n, err := r.Read(buf)
		read.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if read.String() != string(text) {
		t.Fatalf("%s: Reader gave %q, want %q", what, read.String(), text)
	}
}

// TestNumberChangeMatchesNumber numbers versions after random edits with
// NumberChange and holds the numbering to what PlaceCarried relies on:
// every line of the version at its index and of the generation, every
// line the edits took away (all the lines ever seen) of another one, as
// Number would leave them.
func TestNumberChangeMatchesNumber(t *testing.T) {
	defer func(n int) { chunkLines = n }(chunkLines)
	chunkLines = 4
	rnd := rand.New(rand.NewPCG(7, 8))
	texts := []string{"", "a", "\n", "x\ny", "{\"k\": 1}\n", "\n\n\n", "é€"}
	d := NewDoc(SplitLines([]byte(strings.Repeat("{\"a\": 1}\n", 20))))
	const gen = 5
	Number(d, gen)
	seen := map[*Line]bool{}
	for _, l := range d.All() {
		seen[l] = true
	}
	pos := func() textpos.Position {
		return textpos.Position{Line: rnd.IntN(d.Len() + 1), Character: rnd.IntN(12)}
	}
	for i := range 3000 {
		r := textpos.Range{Start: pos(), End: pos()}
		if rnd.IntN(2) == 0 {
			r.End = r.Start // typing within a line, as most edits are
		}
		next, _ := d.Apply(r, texts[rnd.IntN(len(texts))])
		NumberChange(d, next, DiffLines(d, next), gen)
		in := map[*Line]int{}
		for j, l := range next.All() {
			in[l] = j
			seen[l] = true
		}
		for l := range seen {
			j, ok := in[l]
			switch {
			case ok && (l.gen != gen || int(l.idx) != j):
				t.Fatalf("edit %d: line %d numbered %d (generation %d)", i, j, l.idx, l.gen)
			case !ok && l.gen == gen:
				t.Fatalf("edit %d: a line taken away still counts as line %d", i, l.idx)
			}
		}
		d = next
		if d.Len() > 200 {
			d = NewDoc(SplitLines([]byte(strings.Repeat("{}\n", 30))))
			Number(d, gen)
			for l := range seen {
				l.gen = 0 // the old document's lines are gone with it
			}
		}
	}
}

// FuzzDocApply applies edits decoded from the input to a document cut
// into chunks of three lines, and holds each version to plainApply's
// lines (checkChunkedDoc). Each edit is four bytes (start line and
// column, end line and column, all small) and a text taken from the
// rest of the input, up to a 0xFF byte.
func FuzzDocApply(f *testing.F) {
	f.Add([]byte("{\"a\": 1}\n{\"b\": 2}\r\n\n{\"c\": 3}"), []byte{0, 2, 1, 3, 'x', '\n', 'y', 0xFF, 3, 0, 0, 0})
	f.Add([]byte(strings.Repeat("{}\n", 10)), []byte{1, 0, 7, 0, 0xFF, 0, 0, 0, 0, '\n', '\n', '\n'})
	f.Add([]byte("é€\r\n"), []byte{0, 1, 0, 3, 0xC3, 0xFF})
	f.Fuzz(func(t *testing.T, start, script []byte) {
		defer func(n int) { chunkLines = n }(chunkLines)
		chunkLines = 3
		d := NewDoc(SplitLines(bytes.Clone(start)))
		plain := flat(d)
		rnd := rand.New(rand.NewPCG(uint64(len(start)), uint64(len(script))))
		for len(script) >= 4 && len(plain) < 500 {
			r := textpos.Range{
				Start: textpos.Position{Line: int(script[0] % 16), Character: int(script[1] % 16)},
				End:   textpos.Position{Line: int(script[2] % 16), Character: int(script[3] % 16)},
			}
			script = script[4:]
			n := bytes.IndexByte(script, 0xFF)
			if n < 0 {
				n = len(script)
			}
			text := string(script[:n])
			script = script[min(n+1, len(script)):]
			next, _ := d.Apply(r, text)
			checkChunkedDoc(t, fmt.Sprintf("edit %v %q", r, text), next, plainApply(plain, r, text), rnd)
			if got, want := DiffLines(d, next), plainDiff(plain, flat(next)); got != want {
				t.Fatalf("edit %v %q: change %+v, want %+v", r, text, got, want)
			}
			d, plain = next, flat(next)
		}
	})
}

// TestRowSpansOnEditedChunks replays "fix all" as the server sends it, on
// documents cut into chunks of three lines and put through edits first
// (a line typed in and taken out again, so the chunks are no longer
// even): the byte spans of every fixture's row edits, applied to its
// text, must give `ftls fix`'s output byte for byte.
func TestRowSpansOnEditedChunks(t *testing.T) {
	defer func(n int) { chunkLines = n }(chunkLines)
	chunkLines = 3
	s := diagnostics.DefaultSettings()
	fixed := 0
	for name, text := range ruleInputs(t) {
		out, res, err := FixEdits(context.Background(), text, Options{Settings: s})
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasPrefix(text, bomBytes) || len(res.Edits) == 0 {
			continue
		}
		d := NewDoc(SplitLines(bytes.Clone(text)))
		for _, ln := range []int{1, d.Len() / 2, max(d.Len()-2, 0)} {
			at := textpos.Position{Line: ln}
			d, _ = d.Apply(textpos.Range{Start: at, End: at}, "{\"x\": 1}\n")
			d, _ = d.Apply(textpos.Range{Start: at, End: textpos.Position{Line: ln + 1}}, "")
		}
		if string(d.Text()) != string(text) {
			t.Fatalf("%s: the edits did not give the text back", name)
		}
		if !SpansMake(text, out, d.RowSpans(res.Edits, nil)) {
			t.Errorf("%s: the row spans do not make ftls fix's output", name)
		}
		fixed++
	}
	if fixed < 5 {
		t.Fatalf("only %d fixtures with fixes: the test tests little", fixed)
	}
}
