package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

func chatRow(user, assistant string) string {
	return fmt.Sprintf(`{"messages":[{"role":"user","content":%q},{"role":"assistant","content":%q}]}`, user, assistant)
}

// sentence makes a distinct 30-word text for row i, so that unrelated rows
// share no word 3-grams.
func sentence(i int, topic string) string {
	var words []string
	for j := 0; j < 30; j++ {
		words = append(words, fmt.Sprintf("%s%d_%d", topic, i, j))
	}
	return strings.Join(words, " ")
}

func TestLeakage(t *testing.T) {
	var train, valid []string
	for i := 0; i < 40; i++ {
		train = append(train, chatRow(sentence(i, "q"), sentence(i, "a")))
	}
	valid = append(valid,
		chatRow(sentence(3, "q"), sentence(3, "a")),                      // exact copy of train line 4
		chatRow(sentence(7, "q"), sentence(7, "a")+" and one more word"), // near copy of train line 8
		chatRow(sentence(100, "q"), sentence(100, "a")),                  // new
		chatRow("  "+sentence(5, "q")+"\n", sentence(5, "a")),            // copy with other whitespace
		chatRow(sentence(101, "q"), sentence(101, "a")),                  // new
	)
	s := diagnostics.DefaultSettings()
	s.Severities["C018"] = diagnostics.Off
	s.Severities["Q008"] = diagnostics.Off
	check := func(name string, rows []string) *engine.Result {
		res, err := engine.Check(context.Background(), name, bytes.NewReader([]byte(strings.Join(rows, "\n")+"\n")), engine.Options{Settings: s})
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	tr, va := check("train.jsonl", train), check("valid.jsonl", valid)
	engine.AddLeakage(tr, va, s)
	var got []string
	for _, d := range va.Diagnostics {
		line := fmt.Sprintf("%d %s %s", d.Range.Start.Line+1, d.Code, d.Message)
		if d.Code == "D004" {
			if len(d.Related) != 1 || d.Related[0].Path != "train.jsonl" {
				t.Errorf("D004 on line %d: related %+v, want one location in train.jsonl", d.Range.Start.Line+1, d.Related)
			}
			line = fmt.Sprintf("%s -> %d", line, d.Related[0].Range.Start.Line+1)
		}
		got = append(got, line)
	}
	// The validation share, 5 of 45 (11.1 %), is within range: no B006.
	want := []string{
		"1 D004 also in the training file train.jsonl at line 4 -> 4",
		"2 D004 near-duplicate of the training file train.jsonl at line 8 (similarity 0.98) -> 8",
		"4 D004 also in the training file train.jsonl at line 6 -> 6",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("validation diagnostics:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A validation file a third the size of the training file is too big.
	big := check("valid.jsonl", train[:20])
	engine.AddLeakage(check("train.jsonl", train[20:]), big, s)
	found := false
	for _, d := range big.Diagnostics {
		if d.Code == "B006" {
			found = true
			if want := "validation holds 20 of 40 examples (50.0 %); hold out 10-20 %"; d.Message != want {
				t.Errorf("B006 message %q, want %q", d.Message, want)
			}
		}
	}
	if !found {
		t.Error("no B006 for a 50 % validation share")
	}
}
