package dataset

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func TestIsArrayStart(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"[{}]", true},
		{"\xEF\xBB\xBF  \n[", true},
		{"{\"a\":1}\n", false},
		{"", false},
		{"   ", false},
	}
	for _, tt := range tests {
		if got := IsArrayStart([]byte(tt.head)); got != tt.want {
			t.Errorf("IsArrayStart(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

// TestLineReader reads the same text with chunk sizes from tiny to large
// and checks that every row, its line, offset and terminator come out the
// same.
func TestLineReader(t *testing.T) {
	text := "\xEF\xBB\xBF{\"a\":1}\r\n\n{\"b\":\"é\"}\n{\"c\":3}"
	type rowSeen struct {
		line   int
		offset int64
		text   string
		term   int
	}
	want := []rowSeen{{0, 3, `{"a":1}`, 2}, {1, 12, ``, 1}, {2, 13, `{"b":"é"}`, 1}, {3, 24, `{"c":3}`, 0}}
	for _, size := range []int{1, 7, 64, DefaultChunkSize} {
		lr := NewLineReader(strings.NewReader(text), size)
		var got []rowSeen
		bomSeen := false
		for {
			c, err := lr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			bomSeen = bomSeen || c.BOM
			for _, r := range c.Rows {
				got = append(got, rowSeen{r.Line, r.Offset, string(r.Text), r.Term})
			}
			c.Release()
		}
		if !bomSeen {
			t.Errorf("chunk size %d: byte order mark not reported", size)
		}
		if len(got) != len(want) {
			t.Fatalf("chunk size %d: %d rows %+v, want %d", size, len(got), got, len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("chunk size %d: row %d = %+v, want %+v", size, i, got[i], want[i])
			}
		}
	}
}

func TestToChat(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"sharegpt", `{"id":"x","conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello"}]}`,
			`{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}],"id":"x"}`},
		{"alpaca with input and system", `{"instruction":"Sum","input":"1+1","output":"2","system":"Be exact."}`,
			`{"messages":[{"role":"system","content":"Be exact."},{"role":"user","content":"Sum\n\n1+1"},{"role":"assistant","content":"2"}]}`},
		{"prompt/completion", `{"prompt":"Q","completion":"A","metadata":{"category":"x"}}`,
			`{"messages":[{"role":"user","content":"Q"},{"role":"assistant","content":"A"}],"metadata":{"category":"x"}}`},
		{"chatml text", `{"text":"<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>"}`,
			`{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}`},
	}
	for _, tt := range tests {
		root, err := jsonpos.Parse([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		got, err := ToChat(root, Detect(root))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !bytes.Equal(got, []byte(tt.want)) {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	// Rows that would need guessing are refused.
	for _, in := range []string{
		`{"conversations":[{"from":"function_call","value":"{}"}]}`,
		`{"conversations":[{"from":"human","value":"Hi"}],"tools":"[]"}`,
		`{"text":"no markers"}`,
		`{"text":"<|im_start|>user\nunclosed"}`,
	} {
		root, _ := jsonpos.Parse([]byte(in))
		if _, err := ToChat(root, Detect(root)); !errors.Is(err, ErrNotConvertible) {
			t.Errorf("ToChat(%s) = %v, want ErrNotConvertible", in, err)
		}
	}
}

// TestDetectChatMLEscaped: Go's encoding/json writes "<" and ">" as
// \u003c and \u003e, so a ChatML text written by a Go program holds no
// literal "<|im_start|>"; it is still ChatML, and a text that only
// mentions im_start is not.
func TestDetectChatMLEscaped(t *testing.T) {
	tests := []struct {
		in   string
		want Format
	}{
		{`{"text": "<|im_start|>user\nHi<|im_end|>"}`, ChatMLText},
		{`{"text": "\u003c|im_start|\u003euser\nHi\u003c|im_end|\u003e"}`, ChatMLText},
		{`{"text": "the token |im_start| opens a turn"}`, PlainText},
		{`{"text": "plain words"}`, PlainText},
	}
	for _, tt := range tests {
		root, err := jsonpos.Parse([]byte(tt.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(root); got != tt.want {
			t.Errorf("Detect(%s) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
