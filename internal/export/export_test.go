package export

import (
	"bytes"
	"context"
	"testing"
)

func TestWriteKeep(t *testing.T) {
	for _, tc := range []struct {
		name, in, want, dropped string
		opts                    Options
	}{
		{"ShareGPT id", `{"id":"x","conversations":[{"from":"human","value":"a"},{"from":"gpt","value":"b"}]}`,
			`{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]}`, "id (1 row)",
			Options{Convert: true, Keep: OpenAIKeys}},
		{"metadata stripped, other keys dropped", `{"messages":[],"metadata":{"c":1},"a":1,"b":2}`,
			`{"messages":[]}`, "a (1 row), b (1 row)",
			Options{StripKey: "metadata", Keep: OpenAIKeys}},
		{"kept keys untouched", `{"messages": [], "tools": []}`, `{"messages":[],"tools":[]}`, "",
			Options{Keep: OpenAIKeys}},
		{"no Keep: nothing dropped", `{"messages":[],"id":1}`, `{"messages":[],"id":1}`, "", Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			st, err := Write(context.Background(), &buf, []byte(tc.in+"\n"), tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want+"\n" {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if got := st.DroppedKeys(); got != tc.dropped {
				t.Errorf("dropped %q, want %q", got, tc.dropped)
			}
		})
	}
}
