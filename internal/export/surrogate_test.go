package export

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// A lone surrogate (\ud800) is not valid Unicode: export refuses the row,
// or with SkipInvalid leaves it out, whatever the rule settings (the CLI
// removes it first with J006's safe fix under --skip-invalid).
func TestWriteRefusesLoneSurrogates(t *testing.T) {
	good := `{"messages": [{"role": "user", "content": "Smile \ud83d\ude00"}, {"role": "assistant", "content": "ok"}]}`
	bad := `{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Great job! \ud83d"}]}`
	data := []byte(good + "\n" + bad + "\n")
	var out bytes.Buffer
	_, err := Write(context.Background(), &out, data, Options{Convert: true})
	if err == nil || !strings.Contains(err.Error(), `line 2: lone surrogate \ud83d`) {
		t.Fatalf("err = %v", err)
	}
	out.Reset()
	st, err := Write(context.Background(), &out, data, Options{Convert: true, SkipInvalid: true})
	if err != nil || st.Rows != 1 || st.Skipped != 1 || !strings.Contains(out.String(), `Smile \ud83d\ude00`) || strings.Contains(out.String(), "Great") {
		t.Errorf("skip-invalid: %+v, %v, %q", st, err, out.String())
	}
}
