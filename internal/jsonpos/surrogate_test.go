package jsonpos

import (
	"fmt"
	"testing"
)

func TestLoneSurrogates(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []int
		out  string
	}{
		{`"a\ud800b"`, []int{2}, `"ab"`},
		{`"\uDC00"`, []int{1}, `""`},
		{`"\ud83d\ude00"`, nil, `"\ud83d\ude00"`},                              // a pair
		{`"\ude00\ud83d"`, []int{1, 7}, `""`},                                  // reversed: two lone halves
		{`"\ud83d\ud83d\ude00"`, []int{1}, `"\ud83d\ude00"`},                   // a high one before a pair
		{`"\\ud800"`, nil, `"\\ud800"`},                                        // an escaped backslash, then text
		{`"\\\ud800"`, []int{3}, `"\\"`},                                       //
		{`{"\ud800": "\u00e9\n\"\ud800"}`, []int{2, 22}, `{"": "\u00e9\n\""}`}, // keys too
		{`"\ud800\u0041"`, []int{1}, `"\u0041"`},
		{`"plain"`, nil, `"plain"`},
	} {
		got := LoneSurrogates([]byte(c.in), 0)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("LoneSurrogates(%s) = %v, want %v", c.in, got, c.want)
		}
		if out := string(WithoutLoneSurrogates([]byte(c.in))); out != c.out {
			t.Errorf("WithoutLoneSurrogates(%s) = %s, want %s", c.in, out, c.out)
		}
	}
	if got := LoneSurrogates([]byte(`"\ud800\ud800\ud800"`), 2); len(got) != 2 {
		t.Errorf("limit 2: %v", got)
	}
	if n := testing.AllocsPerRun(100, func() { LoneSurrogates([]byte(`"\u00e9\ud83d\ude00\n"`), 0) }); n != 0 {
		t.Errorf("%v allocations without a lone surrogate", n)
	}
}
