package diagnostics_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/config"
)

// The formats ftls reads, in the order of the columns of TestContentRulesFormats.
var rowFormats = []string{"chat", "sharegpt", "alpaca", "prompt/completion", "text", "chatml text"}

// formatRow writes one example, a prompt and its answer, in format f.
func formatRow(f, prompt, answer string) string {
	var row any
	switch f {
	case "chat":
		row = map[string]any{"messages": []map[string]string{{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}}}
	case "sharegpt":
		row = map[string]any{"conversations": []map[string]string{{"from": "human", "value": prompt}, {"from": "gpt", "value": answer}}}
	case "alpaca":
		row = map[string]string{"instruction": prompt, "input": "", "output": answer}
	case "prompt/completion":
		row = map[string]string{"prompt": prompt, "completion": answer}
	case "text":
		row = map[string]string{"text": prompt + "\n" + answer}
	case "chatml text":
		row = map[string]string{"text": "<|im_start|>user\n" + prompt + "<|im_end|>\n<|im_start|>assistant\n" + answer + "<|im_end|>"}
	}
	b, err := json.Marshal(row)
	if err != nil {
		panic(err)
	}
	return string(b) + "\n"
}

// TestContentRulesFormats runs each content rule on the same defect written
// in every format ftls reads, and states where a rule stays silent and why,
// so that a format a rule forgets shows up here rather than in a user's
// file. want holds one letter per format of rowFormats: y reports, n does
// not.
func TestContentRulesFormats(t *testing.T) {
	long := strings.Repeat("Eat a banana! ", 40)
	cases := []struct {
		code, prompt, answer, want string
		// second, when set, is a second row of the file (Q014 compares rows).
		second [2]string
		why    string
	}{
		{code: "Q003", prompt: "Tell me a joke.", answer: "As an AI language model, I cannot tell jokes.", want: "yyyyny",
			why: "a text row does not say where its answer starts, and Q003 reads only an answer's opening"},
		{code: "Q004", prompt: "Write a note.", answer: "Hello {{name}}, welcome.", want: "yyyyny",
			why: "a text row has no turns to tell a prompt's placeholder from an answer's"},
		{code: "Q004", prompt: "Write an apology email.", answer: "Dear [Customer Name], your order ships today and we are sorry for the wait.", want: "yyyyny",
			why: "bracketed fields count only in answers, which a text row does not mark"},
		{code: "Q009", prompt: "Say hi.", answer: "<noinput>", want: "yyyynn",
			why: "a placeholder field is a whole JSON value; a text row's turns are parts of one string"},
		{code: "Q010", prompt: "Give a synonym for happy.", answer: "Joyful.\n\n### Instruction:\nGive a synonym for sad.", want: "yyyyny",
			why: "a text row is a whole example written in its template, headers included"},
		{code: "Q010", prompt: "Act as Freyja.", answer: "Hail, mortal!\n\nUser: What is your backstory?", want: "yyyyny",
			why: "a text row is a whole example written in its template"},
		{code: "Q011", prompt: "Describe the painting in the attached picture.", answer: "It shows a sunflower field.", want: "yyyyny",
			why: "a text row does not say which part is the prompt"},
		{code: "Q012", prompt: "Say hi.", answer: "Don\u00e2\u20ac\u2122t wait, it is ready.", want: "yyyyyy"},
		{code: "Q013", prompt: "Say hi.", answer: long, want: "yyyyyy"},
		{code: "Q014", prompt: "What is the capital of France?", answer: "The capital of France is Paris, on the Seine.", want: "yyyyny",
			second: [2]string{"Name the largest city of Brazil.", "The capital of France is Paris, on the Seine."},
			why:    "a text row has no answer to compare"},
	}
	for _, c := range cases {
		for i, f := range rowFormats {
			t.Run(fmt.Sprintf("%s/%s/%s", c.code, f, c.answer[:min(12, len(c.answer))]), func(t *testing.T) {
				data := formatRow(f, c.prompt, c.answer)
				if c.second[0] != "" {
					data += formatRow(f, c.second[0], c.second[1])
				}
				s := genericSettings(t)
				if err := config.SetSeverity(s, "Q", "info"); err != nil {
					t.Fatal(err)
				}
				res := check(t, "formats.jsonl", []byte(data), s)
				got := false
				for _, d := range res.Diagnostics {
					got = got || d.Code == c.code
				}
				if want := c.want[i] == 'y'; got != want {
					t.Errorf("%s on a %s row: reported %v, want %v (%s)\n%s", c.code, f, got, want, c.why, data)
				}
			})
		}
	}
}

// TestNoUserTurnFormats: Q015 applies to the formats that carry roles; an
// Alpaca row without instruction or a prompt/completion row without prompt
// is C015's empty field instead.
func TestNoUserTurnFormats(t *testing.T) {
	rows := map[string]string{
		"chat":        `{"messages": [{"role": "system", "content": "You are upbeat."}, {"role": "assistant", "content": "You're great!"}]}`,
		"sharegpt":    `{"conversations": [{"from": "system", "value": "You are upbeat."}, {"from": "gpt", "value": "You're great!"}]}`,
		"chatml text": `{"text": "<|im_start|>system\nYou are upbeat.<|im_end|>\n<|im_start|>assistant\nYou're great!<|im_end|>"}`,
	}
	for f, row := range rows {
		res := check(t, "q015.jsonl", []byte(row+"\n"), genericSettings(t))
		found := false
		for _, d := range res.Diagnostics {
			found = found || d.Code == "Q015"
		}
		if !found {
			t.Errorf("Q015 not reported on a %s row with no user turn: %v", f, res.Diagnostics)
		}
	}
}

func genericSettings(t *testing.T) *diagnostics.Settings {
	t.Helper()
	s := diagnostics.DefaultSettings()
	if err := (&config.Lint{Target: "generic"}).Apply(s); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPlaceholderSignOffSeverity: a letter's name field signing it off is
// noted at info, other placeholders stay warnings (the fixtures' want
// lines do not show severities).
func TestPlaceholderSignOffSeverity(t *testing.T) {
	tests := []struct {
		answer string
		want   diagnostics.Severity
	}{
		{"Best regards, [Your Name]", diagnostics.Info},
		{"Thank you again for your help.\n\nWarm wishes,\n[Name]", diagnostics.Info},
		{"Dear [Customer Name],\n\nYour order ships today.\n\nBest,\nSam", diagnostics.Warning},
		{"I have known Ana for [number of years] years.", diagnostics.Warning},
		{"Hello! I am {{name}}.", diagnostics.Warning},
	}
	for _, tt := range tests {
		row := formatRow("chat", "Write a note.", tt.answer)
		res := check(t, "q004.jsonl", []byte(row), genericSettings(t))
		var got []diagnostics.Severity
		for _, d := range res.Diagnostics {
			if d.Code == "Q004" {
				got = append(got, d.Severity)
			}
		}
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("Q004 severities on %q = %v, want [%v]", tt.answer, got, tt.want)
		}
	}
}
