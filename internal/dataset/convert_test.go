package dataset

import (
	"fmt"
	"testing"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// TestCanConvertAgreesWithToChat: CanConvert, which C016 asks of every
// row without building the converted one, fails exactly where ToChat
// fails, with the same error, for rows of every format that converts,
// whole and broken in each way the conversion refuses.
func TestCanConvertAgreesWithToChat(t *testing.T) {
	rows := map[Format][]string{
		ShareGPT: {
			`{"conversations":[{"from":"human","value":"Hi"},{"from":"gpt","value":"Hello"}]}`,
			`{"conversations":[{"from":"Human","value":"Hi"},{"from":"GPT","value":"Hello"}],"system":"Be brief."}`,
			`{"conversations":[]}`, `{"conversations":"x"}`, `{"conversations":[{"from":"human","value":1}]}`,
			`{"conversations":[{"from":"human"}]}`, `{"conversations":[{"from":"robot","value":"x"}]}`,
			`{"conversations":[{"from":"human","value":"x"}],"tools":"[]"}`, `{"conversations":[{"from":"function_call","value":"x"}]}`,
		},
		PromptCompletion: {
			`{"prompt":"2+2=","completion":"4"}`, `{"prompt":1,"completion":"4"}`, `{"prompt":"p"}`, `{"prompt":"p","completion":null}`,
		},
		Alpaca: {
			`{"instruction":"i","input":"","output":"o"}`, `{"instruction":"i","output":"o","history":[["a","b"]]}`,
			`{"instruction":"i","input":2,"output":"o"}`, `{"instruction":"i","output":"o","history":[["a"]]}`, `{"instruction":"i"}`,
		},
		ChatMLText: {
			`{"text":"<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>"}`, `{"text":"<|im_start|>user\nHi"}`,
		},
	}
	var p jsonpos.Parser
	for f, list := range rows {
		for _, row := range list {
			v, err := p.Parse([]byte(row))
			if err != nil {
				t.Fatal(err)
			}
			_, want := ToChat(v, f)
			got := CanConvert(v, f)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s %s: CanConvert %v, ToChat %v", f.Title(), row, got, want)
			}
		}
	}
}
