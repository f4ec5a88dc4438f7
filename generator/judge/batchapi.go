package judge

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/ftls-dev/ftls/generator"
)

// RunBatch judges like Run, but through the provider's Batch API (`ftls
// review --batch-api`): every request goes in one file, the batch is
// polled every interval until it ends, then each answer is read and
// recorded as Run would. The Batch API costs half the synchronous price,
// and the report's cost says so. A wait that is interrupted loses the
// batch's results (the verdicts recorded before stay); the next run sends
// the rows still unreviewed.
func RunBatch(ctx context.Context, job Job, interval time.Duration, progress func(Event)) (Report, error) {
	rep, err := start(ctx, job, progress, func(r *run, batches []batch) error {
		return r.viaBatchAPI(ctx, batches, interval)
	})
	rep.Cost /= 2
	return rep, err
}

func (r *run) viaBatchAPI(ctx context.Context, batches []batch, interval time.Duration) error {
	if len(batches) == 0 {
		return nil
	}
	if interval <= 0 {
		interval = 30 * time.Second
	}
	byID := map[string]batch{}
	reqs := make([]generator.BatchRequest, 0, len(batches))
	for _, b := range batches {
		id := fmt.Sprintf("ftls-review-%d", b.seq)
		byID[id] = b
		reqs = append(reqs, generator.BatchRequest{ID: id, Request: r.request(b, generator.FormatJSONSchema)})
	}
	id, err := r.chat.SubmitBatch(ctx, "ftls-review-"+filepath.Base(r.job.Store.Path())+".jsonl", reqs)
	if err != nil {
		return err
	}
	r.emit("submitted batch " + id)
	answers, failed, err := r.chat.WaitBatch(ctx, id, interval, func(status string, done, total int) {
		r.emit(fmt.Sprintf("batch %s: %s, %d/%d requests", id, status, done, total))
	})
	if err != nil {
		return err
	}
	for _, a := range answers {
		b, ok := byID[a.ID]
		if !ok {
			failed = append(failed, a.ID+": not a request of this review")
			continue
		}
		if err := r.record(b, generator.ChatAnswer{Text: a.Text, Truncated: a.Truncated, Usage: a.Usage}); err != nil {
			return err
		}
	}
	r.mu.Lock()
	for _, f := range failed {
		r.rep.Notes = append(r.rep.Notes, "batch API: "+f)
	}
	r.mu.Unlock()
	return nil
}
