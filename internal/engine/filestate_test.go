package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

// templatedRows is a dataset with what the file rules group: exact copies
// (D001), one prompt with several answers (D003), answers that open the same
// way (Q005), a few categories and rows without one (B001, B002).
func templatedRows(n int) []byte {
	var b bytes.Buffer
	cats := []string{"returns", "billing", "shipping", "retruns"}
	for i := range n {
		prompt := fmt.Sprintf("question %d about my order", i%(n/3))
		answer := fmt.Sprintf("Answer %d: the parcel is on its way and arrives soon.", i%(n/2))
		if i%2 == 0 {
			answer = "Thank you for asking! " + answer
		}
		meta := fmt.Sprintf(`,"metadata":{"category":%q}`, cats[i%len(cats)])
		if i%7 == 0 {
			meta = "" // no category: B002
		}
		fmt.Fprintf(&b, `{"messages":[{"role":"user","content":%q},{"role":"assistant","content":%q}]%s}`+"\n", prompt, answer, meta)
	}
	return b.Bytes()
}

func fileDiagnostics(res *engine.Result) []string {
	var out []string
	for _, d := range res.Diagnostics {
		line := fmt.Sprintf("%d:%d %s %s", d.Range.Start.Line+1, d.Range.Start.Character+1, d.Code, d.Message)
		for _, r := range d.Related {
			line += fmt.Sprintf(" [%d %s]", r.Range.Start.Line+1, r.Message)
		}
		out = append(out, line)
	}
	return out
}

// A FileState that follows edits row by row reports what the file rules
// report on the same rows from scratch.
func TestFileStateMatchesFreshRun(t *testing.T) {
	s := diagnostics.DefaultSettings()
	res, err := engine.Check(context.Background(), "t.jsonl", bytes.NewReader(templatedRows(300)), engine.Options{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	pool := slices.Clone(res.Rows) // summaries to copy onto other rows
	rows := slices.Clone(res.Rows)
	var st engine.FileState
	st.Update(slices.Clone(rows))
	st.Run("t.jsonl", nil, s)
	rng := rand.New(rand.NewPCG(1, 2))
	for step := range 200 {
		// Give a few rows the summary of another row (or back their own),
		// keeping their place in the file.
		changed := map[int]bool{}
		for range 1 + rng.IntN(3) {
			i := rng.IntN(len(rows))
			info := pool[rng.IntN(len(pool))]
			if rng.IntN(4) == 0 {
				info = pool[i]
			}
			info.Span, info.Offset, info.Len, info.Term = rows[i].Span, rows[i].Offset, rows[i].Len, rows[i].Term
			rows[i] = info
			changed[i] = true
		}
		if step%2 == 0 {
			for i := range changed {
				st.Set(i, rows[i])
			}
		} else {
			st.Update(slices.Clone(rows))
		}
		got := fileDiagnostics(st.Run("t.jsonl", nil, s))
		var fresh engine.FileState
		fresh.Update(slices.Clone(rows))
		want := fileDiagnostics(fresh.Run("t.jsonl", nil, s))
		if !slices.Equal(got, want) {
			t.Fatalf("step %d: the kept state reports\n%s\nbut a fresh run\n%s", step, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if step == 0 && !slices.ContainsFunc(want, func(l string) bool { return strings.Contains(l, " D001 ") }) {
			t.Fatalf("the dataset should have exact duplicates:\n%s", strings.Join(want, "\n"))
		}
	}
	codes := map[string]bool{}
	for _, l := range fileDiagnostics(st.Run("t.jsonl", nil, s)) {
		codes[strings.Fields(l)[1]] = true
	}
	for _, c := range []string{"D001", "D003", "Q005", "B002"} {
		if !codes[c] {
			t.Errorf("no %s among the findings; the test data should have some", c)
		}
	}
}
