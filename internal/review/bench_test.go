package review

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

// BenchmarkCheckReviewed checks 20,000 rows without a review cache (the
// reference) and with one holding a verdict on every row (one in twenty
// flagged), so that the cost of the R rules reads as a ratio of the two
// in the same run; load is the time to read the sidecar itself.
func BenchmarkCheckReviewed(b *testing.B) {
	var data bytes.Buffer
	for i := range 20000 {
		fmt.Fprintf(&data, `{"messages": [{"role": "system", "content": "You answer shoppers."}, {"role": "user", "content": "Where is order %d? It was due on Monday and the tracking page says nothing new."}, {"role": "assistant", "content": "Order %d left our depot yesterday; the courier delivers it within two working days, and the tracking page updates tonight."}]}`+"\n", i, i)
	}
	text := data.Bytes()
	s := diagnostics.DefaultSettings()
	rows, err := ReadRows(context.Background(), text, s)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "d.jsonl")
	rubric := NewRubric(nil)
	st := NewStore(path, rubric, "judge")
	for i, r := range rows {
		sc := map[string]diagnostics.ReviewScore{}
		for _, c := range rubric.Criteria {
			sc[c.Name] = diagnostics.ReviewScore{Score: 5, Reason: "Fine.", Turn: -1}
		}
		if i%20 == 0 {
			sc["accuracy"] = diagnostics.ReviewScore{Score: 2, Reason: "The delivery promise is wrong.", Turn: 2, Rewrite: "It arrives Friday."}
		}
		st.Record(r.Key, r.Line+1, sc, nil)
	}
	if err := st.Save(nil); err != nil {
		b.Fatal(err)
	}
	check := func(b *testing.B, s *diagnostics.Settings) {
		b.SetBytes(int64(len(text)))
		for b.Loop() {
			if _, err := engine.Check(context.Background(), path, bytes.NewReader(text), engine.Options{Settings: s.Clone()}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("reference", func(b *testing.B) { check(b, s) })
	b.Run("reviewed", func(b *testing.B) {
		loaded, _, err := Load(path, rubric, "judge")
		if err != nil {
			b.Fatal(err)
		}
		rs := s.Clone()
		rs.Review = loaded
		check(b, rs)
	})
	b.Run("load", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := Load(path, rubric, "judge"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
