package engine

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/workgroup"
)

// panickingVerdicts stands for a rule's bug: the R rules' cache look-up
// panics on every row.
type panickingVerdicts struct{}

func (panickingVerdicts) Verdict(string) (diagnostics.ReviewVerdict, bool) { panic("cache broken") }

// TestRulePanicReachesCaller checks that a rule panicking on one of the
// checking goroutines surfaces as a panic in the caller's goroutine, where
// the server recovers and goes on, instead of ending the process.
func TestRulePanicReachesCaller(t *testing.T) {
	s := diagnostics.DefaultSettings()
	s.Review = panickingVerdicts{}
	var data bytes.Buffer
	for i := range 2000 {
		fmt.Fprintf(&data, `{"messages":[{"role":"user","content":"q %d"},{"role":"assistant","content":"a %d"}]}`+"\n", i, i)
	}
	lines := strings.SplitAfter(data.String(), "\n")
	doc := make([]*Line, len(lines))
	for i, l := range lines {
		doc[i] = NewLine([]byte(strings.TrimSuffix(l, "\n")))
	}
	for _, tc := range []struct {
		name string
		run  func()
	}{
		{"Check", func() {
			_, _ = Check(context.Background(), "t.jsonl", bytes.NewReader(data.Bytes()), Options{Settings: s, ChunkSize: 4096})
		}},
		{"CheckLines", func() { _ = CheckLines(context.Background(), NewDoc(doc), s, 0, len(doc)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				p, ok := recover().(*workgroup.Panic)
				if !ok {
					t.Fatalf("no *workgroup.Panic reached the caller")
				}
				if !strings.Contains(fmt.Sprint(p.Value), "cache broken") {
					t.Errorf("panic value %v", p.Value)
				}
			}()
			tc.run()
		})
	}
}
