package generator

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const (
	exA = `{"messages":[{"role":"user","content":"A?"},{"role":"assistant","content":"A."}]}`
	exB = `{"messages":[{"role":"user","content":"B?"},{"role":"assistant","content":"B."}]}`
	exC = `{"messages":[{"role":"user","content":"C?"},{"role":"assistant","content":"C."}]}`
	// bare messages arrays
	msgsA = `[{"role":"user","content":"A?"},{"role":"assistant","content":"A."}]`
	msgsB = `[{"role":"user","content":"B?"},{"role":"assistant","content":"B."}]`
)

// firstUsers returns the first message's content of each example.
func firstUsers(t *testing.T, p Parsed) string {
	t.Helper()
	var out []string
	for _, ex := range p.Examples {
		var m struct{ Content string }
		if err := json.Unmarshal(ex[0], &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m.Content)
	}
	return strings.Join(out, " ")
}

func TestParseAnswer(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // first user messages
		mal      int
		trunc    bool
	}{
		{"object examples", `{"examples":[` + exA + `,` + exB + `]}`, "A? B?", 0, false},
		{"object data", `{"data":[` + exA + `]}`, "A?", 0, false},
		{"object rows", `{"rows":[` + exA + `,` + exB + `]}`, "A? B?", 0, false},
		{"any single array field", `{"note":"x","conversations_v2":[` + exA + `]}`, "A?", 0, false},
		{"named field wins over others", `{"tags":["a","b"],"examples":[` + exB + `]}`, "B?", 0, false},
		{"array field holding examples", `{"tags":["a"],"list":[` + exA + `]}`, "A?", 0, false},
		{"bare array", `[` + exA + `,` + exB + `]`, "A? B?", 0, false},
		{"bare array of message lists", `[` + msgsA + `,` + msgsB + `]`, "A? B?", 0, false},
		{"object of message lists", `{"examples":[` + msgsA + `]}`, "A?", 0, false},
		{"one conversation as messages", msgsA, "A?", 0, false},
		{"one example object", exA, "A?", 0, false},
		{"json lines", exA + "\n" + exB + "\n" + exC + "\n", "A? B? C?", 0, false},
		{"json lines of message lists", msgsA + "\n" + msgsB, "A? B?", 0, false},
		{"fenced object", "Here you go:\n```json\n{\"examples\":[" + exA + "]}\n```\nEnjoy!", "A?", 0, false},
		{"fenced jsonl", "```jsonl\n" + exA + "\n" + exB + "\n```", "A? B?", 0, false},
		{"fenced bare array, no info string", "```\n[" + exA + "]\n```", "A?", 0, false},
		{"two fences", "First:\n```json\n" + exA + "\n```\nSecond:\n```json\n" + exB + "\n```", "A? B?", 0, false},
		{"prose around", "Sure! Here are the examples.\n{\"examples\":[" + exA + "]}\nLet me know if you need more.", "A?", 0, false},
		{"prose lines between json lines", exA + "\nAnd another one:\n" + exB, "A? B?", 0, false},
		{"string-encoded examples", `{"examples":[` + quote(exA) + `]}`, "A?", 0, false},
		{"non-examples counted", `{"examples":[` + exA + `,"oops",{"text":"x"},` + exB + `]}`, "A? B?", 2, false},
		{"broken line between good ones", exA + "\n{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}\n" + exB, "A? B?", 1, false},
		{"truncated object", `{"examples":[` + exA + `,` + exB + `,{"messages":[{"role":"user","content":"Wh`, "A? B?", 0, true},
		{"truncated after a comma", `{"examples":[` + exA + `,`, "A?", 0, true},
		{"truncated bare array", `[` + exA + `,{"messages":[{"role":"us`, "A?", 0, true},
		{"truncated json lines", exA + "\n" + exB + "\n{\"messages\":[{\"role\":\"user\",\"con", "A? B?", 0, true},
		{"truncated inside fence", "```json\n{\"examples\":[" + exA + ",{\"mess", "A?", 0, true},
		{"truncated single conversation", `{"messages":[{"role":"user","content":"A?"},{"role":"assis`, "", 0, true},
		{"truncated before any example", `{"examples":[{"messages":[{"role":"user"`, "", 0, true},
		{"truncated after a complete field", `{"note":"fine","examples":[` + exA + `,{"mes`, "A?", 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParseAnswer(c.in)
			if err != nil {
				t.Fatalf("error %v", err)
			}
			if got := firstUsers(t, p); got != c.want {
				t.Errorf("examples %q, want %q", got, c.want)
			}
			if p.Malformed != c.mal {
				t.Errorf("malformed %d, want %d", p.Malformed, c.mal)
			}
			if p.Truncated != c.trunc {
				t.Errorf("truncated %v, want %v", p.Truncated, c.trunc)
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestParseAnswerNoJSON(t *testing.T) {
	for _, in := range []string{"", "I cannot help with that.", "```\nno json here\n```"} {
		if _, err := ParseAnswer(in); !errors.Is(err, ErrNoJSON) {
			t.Errorf("%q: err %v, want ErrNoJSON", in, err)
		}
	}
}

// FuzzParseAnswer checks that no answer makes the parser panic and that
// whatever it returns is a list of complete JSON values.
func FuzzParseAnswer(f *testing.F) {
	for _, s := range []string{exA, "```json\n[" + exA + "]\n```", `{"examples":[` + exA + `,{"mes`, exA + "\n" + msgsB} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, _ := ParseAnswer(s)
		for _, ex := range p.Examples {
			for _, m := range ex {
				if !json.Valid(m) {
					t.Fatalf("invalid message %q", m)
				}
			}
		}
	})
}
