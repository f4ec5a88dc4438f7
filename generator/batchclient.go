package generator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// The Batch API calls themselves, shared by generation (batchapi.go) and
// other jobs through Chat (the judge of `ftls review --batch-api`):
// upload and submit, poll until the batch ends, read its output and error
// files. Errors are redacted like every error of the client.

// BatchRequest is one request of a Batch API job; ID is its custom_id.
type BatchRequest struct {
	ID      string
	Request openai.ChatCompletionRequest
}

// BatchAnswer is the answer to one request of a completed batch.
type BatchAnswer struct {
	ID        string
	Text      string
	Truncated bool
	Usage     openai.Usage
}

// submitBatch uploads the requests as one file and creates the batch.
func (c *chatClient) submitBatch(ctx context.Context, fileName string, reqs []BatchRequest, window string, meta map[string]any) (fileID, batchID string, err error) {
	var up openai.UploadBatchFileRequest
	up.FileName = fileName
	for _, r := range reqs {
		up.AddChatCompletion(r.ID, r.Request)
	}
	file, err := c.api.UploadBatchFile(ctx, up)
	if err != nil {
		return "", "", fmt.Errorf("uploading the batch file: %w", c.apiError(err))
	}
	if window == "" {
		window = "24h"
	}
	resp, err := c.api.CreateBatch(ctx, openai.CreateBatchRequest{
		InputFileID: file.ID, Endpoint: openai.BatchEndpointChatCompletions, CompletionWindow: window, Metadata: meta,
	})
	if err != nil {
		return file.ID, "", fmt.Errorf("creating the batch: %w", c.apiError(err))
	}
	return file.ID, resp.ID, nil
}

// pollBatch reads the batch's status every interval until it ends,
// telling onStatus of each read and onRetry of each failed read (up to
// five in a row are retried). A batch that ended without results is an
// error.
func (c *chatClient) pollBatch(ctx context.Context, id string, interval time.Duration, onStatus func(openai.BatchResponse), onRetry func(failures int, err error)) (openai.BatchResponse, error) {
	failures := 0
	for {
		b, err := c.api.RetrieveBatch(ctx, id)
		if ctx.Err() != nil {
			return b, ctx.Err()
		}
		if err != nil {
			e := c.apiError(err)
			var re *redactedError
			if errors.As(e, &re) && re.retryable && failures < 5 {
				failures++
				onRetry(failures, e)
			} else {
				return b, fmt.Errorf("reading batch %s: %w", id, e)
			}
		} else {
			failures = 0
			onStatus(b)
			switch b.Status {
			case "completed":
				return b, nil
			case "failed", "expired", "cancelled":
				return b, c.batchFailure(b)
			}
		}
		if err := c.sleep(ctx, interval); err != nil {
			return b, err
		}
	}
}

// batchFailure describes a batch that ended without results.
func (c *chatClient) batchFailure(b openai.BatchResponse) error {
	var details []string
	if b.Errors != nil {
		for _, e := range b.Errors.Data {
			d := e.Message
			if e.Code != "" {
				d = e.Code + ": " + d
			}
			if e.Line != nil {
				d = fmt.Sprintf("line %d: %s", *e.Line, d)
			}
			details = append(details, c.clean(d))
		}
	}
	msg := fmt.Sprintf("batch %s %s", b.ID, b.Status)
	if len(details) > 0 {
		msg += ": " + strings.Join(details, "; ")
	}
	if b.RequestCounts.Total > 0 {
		msg += fmt.Sprintf(" (%d of %d requests completed, %d failed)", b.RequestCounts.Completed, b.RequestCounts.Total, b.RequestCounts.Failed)
	}
	return errors.New(msg)
}

// batchAnswers reads a completed batch's error and output files: the
// answers, and a description of each request that failed.
func (c *chatClient) batchAnswers(ctx context.Context, b openai.BatchResponse) (answers []BatchAnswer, failed []string, err error) {
	if b.ErrorFileID != nil && *b.ErrorFileID != "" {
		data, err := c.download(ctx, *b.ErrorFileID)
		if err != nil {
			return nil, nil, err
		}
		for _, line := range splitLines(data) {
			var l batchLine
			if json.Unmarshal(line, &l) != nil {
				continue
			}
			failed = append(failed, c.lineError(l))
		}
	}
	if b.OutputFileID == nil || *b.OutputFileID == "" {
		return nil, failed, nil
	}
	data, err := c.download(ctx, *b.OutputFileID)
	if err != nil {
		return nil, nil, err
	}
	for _, line := range splitLines(data) {
		var l batchLine
		if err := json.Unmarshal(line, &l); err != nil {
			failed = append(failed, "an output line that is not JSON")
			continue
		}
		if l.Response == nil || l.Response.StatusCode != 200 || l.Error != nil {
			failed = append(failed, c.lineError(l))
			continue
		}
		var resp openai.ChatCompletionResponse
		if err := json.Unmarshal(l.Response.Body, &resp); err != nil || len(resp.Choices) == 0 {
			failed = append(failed, l.CustomID+": an answer without a choice")
			continue
		}
		ch := resp.Choices[0]
		answers = append(answers, BatchAnswer{ID: l.CustomID, Text: ch.Message.Content, Truncated: ch.FinishReason == openai.FinishReasonLength, Usage: resp.Usage})
	}
	return answers, failed, nil
}

func (c *chatClient) lineError(l batchLine) string {
	msg := l.CustomID + ": "
	switch {
	case l.Error != nil:
		msg += l.Error.Code + " " + l.Error.Message
	case l.Response != nil:
		var body struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		json.Unmarshal(l.Response.Body, &body)
		msg += fmt.Sprintf("HTTP %d %s", l.Response.StatusCode, body.Error.Message)
	default:
		msg += "no response"
	}
	return c.clean(msg)
}

func (c *chatClient) download(ctx context.Context, fileID string) ([]byte, error) {
	rc, err := c.api.GetFileContent(ctx, fileID)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %w", fileID, c.apiError(err))
	}
	defer rc.Close()
	data, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("downloading %s: %s", fileID, c.clean(err.Error()))
	}
	return data, nil
}

// apiError redacts an error of go-openai.
func (c *chatClient) apiError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return c.classify(err, &respMeta{}, false, FormatNone)
}

// SubmitBatch uploads the requests and creates a Batch API batch with a
// 24h window; it returns the batch id.
func (c *Chat) SubmitBatch(ctx context.Context, fileName string, reqs []BatchRequest) (string, error) {
	_, id, err := c.c.submitBatch(ctx, fileName, reqs, "", map[string]any{"created_by": "ftls"})
	return id, err
}

// WaitBatch polls the batch every interval until it ends (onStatus is
// told the status and the requests completed out of the total), then
// reads its answers and the requests that failed.
func (c *Chat) WaitBatch(ctx context.Context, id string, interval time.Duration, onStatus func(status string, done, total int)) ([]BatchAnswer, []string, error) {
	b, err := c.c.pollBatch(ctx, id, interval,
		func(b openai.BatchResponse) { onStatus(b.Status, b.RequestCounts.Completed, b.RequestCounts.Total) },
		func(failures int, err error) { onStatus("retrying: "+err.Error(), 0, 0) })
	if err != nil {
		return nil, nil, err
	}
	return c.c.batchAnswers(ctx, b)
}
