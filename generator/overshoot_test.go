package generator

import (
	"context"
	"testing"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
)

// TestRunNeverOvershoots: a model that answers with more examples than
// asked for lands no more than the batch asked for, and no category ends
// above its target (the shop plan: orders 15, returns 8, billing 7).
func TestRunNeverOvershoots(t *testing.T) {
	for _, extra := range []int{1, 2, 5} {
		f := newFixture(t, func(q *fakeopenai.Request) *fakeopenai.Reply {
			_, n := q.Asked()
			return &fakeopenai.Reply{Content: fakeopenai.Batch(fakeopenai.Conversations(n+extra, uint64(q.N+200)))}
		})
		job := f.job()
		job.Concurrency = 1
		rep, err := Run(context.Background(), job, f.progress)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range f.eventsOf(EventBatch) {
			if e.Accepted > e.Count {
				t.Errorf("extra %d: batch %d (%s): %d of %d accepted", extra, e.Batch, e.Category, e.Accepted, e.Count)
			}
		}
		want := map[string]int{"orders": 15, "returns": 8, "billing": 7}
		got := countByCategory(readRows(t, f.train))
		for c, n := range want {
			if got[c] > n {
				t.Errorf("extra %d: %s has %d rows, target %d (all: %v)", extra, c, got[c], n, got)
			}
		}
		if rep.Accepted != 24 {
			t.Errorf("extra %d: accepted %d, want 24", extra, rep.Accepted)
		}
	}
}
