package generator

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// answer is one completed chat request.
type answer struct {
	text   string
	finish openai.FinishReason
	usage  openai.Usage
}

// chatClient sends chat completion requests with retries, backoff and the
// response_format fallback.
type chatClient struct {
	api         *openai.Client
	key         string
	model       string
	temperature float32
	timeout     time.Duration
	maxRetries  int
	backoff     time.Duration
	maxBackoff  time.Duration
	// maxRetryAfter is the longest Retry-After the client waits for; a
	// server asking for more ends the run instead of hanging it.
	maxRetryAfter time.Duration
	// budget is the number of retries left for the whole run.
	budget atomic.Int64
	// format is the ResponseFormat in use; it only moves towards
	// FormatNone, and is shared by every request of the run.
	format atomic.Int32
	// retries counts the retries made.
	retries atomic.Int64

	rngMu sync.Mutex
	rng   *rand.Rand

	// sleep waits for d or until ctx ends.
	sleep func(ctx context.Context, d time.Duration) error
	// onRetry and onFallback report to the run's progress.
	onRetry    func(b Batch, attempt int, wait time.Duration, err error)
	onFallback func(from, to ResponseFormat)
}

// metaKey carries a *respMeta in a request's context, so that the HTTP
// layer can hand the Retry-After header of an error response back to the
// retry loop (go-openai's errors do not carry headers).
type metaKey struct{}

type respMeta struct {
	mu         sync.Mutex
	status     int
	retryAfter string
	retryMS    string
}

// headerDoer is the HTTP client given to go-openai: it records the
// status and Retry-After header of each response.
type headerDoer struct{ c *http.Client }

// Response bodies come from a server the user may not control: they are
// capped. A chat completion for one batch is a few megabytes at most; a
// Batch API output file holds many batches.
var (
	MaxChatResponse  int64 = 64 << 20
	MaxOtherResponse int64 = 1 << 30
)

// ErrResponseTooLarge is the reason a request fails when the endpoint
// sends more than the cap.
var ErrResponseTooLarge = errors.New("the endpoint's response is larger than ftls accepts")

type cappedBody struct {
	io.ReadCloser
	left, max int64
}

func (c *cappedBody) Read(p []byte) (int, error) {
	if c.left <= 0 {
		return 0, fmt.Errorf("%w (over %d MB); it was refused", ErrResponseTooLarge, c.max>>20)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.ReadCloser.Read(p)
	c.left -= int64(n)
	return n, err
}

func (d headerDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.c.Do(req)
	if resp != nil && resp.Body != nil {
		max := MaxOtherResponse
		if strings.HasSuffix(req.URL.Path, "/chat/completions") {
			max = MaxChatResponse
		}
		if resp.ContentLength > max {
			resp.Body.Close()
			return nil, fmt.Errorf("%w: %d MB announced, over %d MB", ErrResponseTooLarge, resp.ContentLength>>20, max>>20)
		}
		resp.Body = &cappedBody{ReadCloser: resp.Body, left: max, max: max}
	}
	if resp != nil {
		if m, ok := req.Context().Value(metaKey{}).(*respMeta); ok {
			m.mu.Lock()
			m.status = resp.StatusCode
			m.retryAfter = resp.Header.Get("Retry-After")
			m.retryMS = resp.Header.Get("Retry-After-Ms")
			m.mu.Unlock()
		}
	}
	return resp, err
}

// retryPolicy is how a client retries; zero backoffs take the defaults
// (1 s, at most 1 min, a Retry-After of at most 5 min).
type retryPolicy struct {
	timeout                            time.Duration
	maxRetries                         int
	backoff, maxBackoff, maxRetryAfter time.Duration
}

// newChatClient is a client of p's endpoint that retries as pol says,
// its jitter drawn from seed.
func newChatClient(p Provider, hc *http.Client, pol retryPolicy, seed uint64) *chatClient {
	return &chatClient{
		api: newOpenAIClient(p, hc),
		key: p.APIKey, model: p.Model,
		timeout: pol.timeout, maxRetries: pol.maxRetries,
		backoff: orDefault(pol.backoff, time.Second), maxBackoff: orDefault(pol.maxBackoff, time.Minute),
		maxRetryAfter: orDefault(pol.maxRetryAfter, 5*time.Minute),
		rng:           rand.New(rand.NewPCG(seed, 7)),
		sleep:         defaultSleep,
	}
}

func newOpenAIClient(p Provider, hc *http.Client) *openai.Client {
	cfg := openai.DefaultConfig(p.APIKey)
	cfg.BaseURL = p.BaseURL
	if hc == nil {
		hc = &http.Client{}
	}
	cfg.HTTPClient = headerDoer{hc}
	return openai.NewClientWithConfig(cfg)
}

func defaultSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// errRetryBudget ends a run whose retries are used up.
var errRetryBudget = errors.New("retry budget spent")

// complete sends one request, retrying what can succeed on a second try:
// rate limits (429), server errors (5xx), time-outs and dropped
// connections, waiting as Retry-After says or with exponential backoff and
// jitter. A 400 that names response_format moves the whole run to the next
// format (json_schema, then json_object, then none) and is not counted as a
// retry.
func (c *chatClient) complete(ctx context.Context, b Batch, build func(ResponseFormat) openai.ChatCompletionRequest) (answer, error) {
	attempt := 0
	for {
		f := ResponseFormat(c.format.Load())
		req := build(f)
		meta := &respMeta{}
		actx, cancel := context.WithTimeout(context.WithValue(ctx, metaKey{}, meta), c.timeout)
		resp, err := c.api.CreateChatCompletion(actx, req)
		timedOut := errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil
		cancel()
		if ctx.Err() != nil {
			return answer{}, ctx.Err()
		}
		var e *redactedError
		if err == nil {
			if len(resp.Choices) > 0 {
				ch := resp.Choices[0]
				return answer{text: ch.Message.Content, finish: ch.FinishReason, usage: resp.Usage}, nil
			}
			e = &redactedError{msg: "the endpoint answered without a choice", retryable: true}
		} else {
			e = c.classify(err, meta, timedOut, f)
		}
		if e.formatRejected && f < FormatNone {
			if c.format.CompareAndSwap(int32(f), int32(f+1)) && c.onFallback != nil {
				c.onFallback(f, f+1)
			}
			continue
		}
		if err := c.again(ctx, &attempt, e, meta, func(attempt int, wait time.Duration) {
			if c.onRetry != nil {
				c.onRetry(b, attempt, wait, e)
			}
		}); err != nil {
			return answer{}, err
		}
	}
}

// again decides what follows a failed attempt: when a retry can help and
// the attempts and the run's retry budget allow it, it waits (as wait
// says), counts the retry, tells onRetry and returns nil; otherwise it
// returns the error to give up with.
func (c *chatClient) again(ctx context.Context, attempt *int, e *redactedError, meta *respMeta, onRetry func(attempt int, wait time.Duration)) error {
	if !e.retryable {
		return e
	}
	if *attempt >= c.maxRetries {
		return &redactedError{msg: fmt.Sprintf("gave up after %d attempt%s: %s", *attempt+1, plural(*attempt+1), e.msg), status: e.status}
	}
	wait, err := c.wait(*attempt, meta)
	if err != nil {
		return &redactedError{msg: err.Error() + " (" + e.msg + ")", status: e.status}
	}
	if c.budget.Add(-1) < 0 {
		return &redactedError{msg: fmt.Sprintf("%s: the last error was %s", errRetryBudget, e.msg), status: e.status}
	}
	*attempt++
	c.retries.Add(1)
	onRetry(*attempt, wait)
	return c.sleep(ctx, wait)
}

// wait returns how long to wait before retry number attempt+1: what the
// server's Retry-After (seconds or an HTTP date) or Retry-After-Ms says,
// otherwise backoff·2^attempt capped at maxBackoff, with jitter
// (between half and all of it).
func (c *chatClient) wait(attempt int, meta *respMeta) (time.Duration, error) {
	meta.mu.Lock()
	ra, ms := meta.retryAfter, meta.retryMS
	meta.mu.Unlock()
	if d, ok := parseRetryAfter(ra, ms, time.Now()); ok {
		if d > c.maxRetryAfter {
			return 0, fmt.Errorf("the endpoint asks to wait %s before retrying, longer than %s", d.Round(time.Second), c.maxRetryAfter)
		}
		return d, nil
	}
	d := c.backoff << min(attempt, 20)
	if d <= 0 || d > c.maxBackoff {
		d = c.maxBackoff
	}
	c.rngMu.Lock()
	j := time.Duration(c.rng.Int64N(int64(d/2) + 1))
	c.rngMu.Unlock()
	return d/2 + j, nil
}

// parseRetryAfter reads Retry-After (delay in seconds, or an HTTP date)
// and the Retry-After-Ms header some OpenAI-compatible servers send.
func parseRetryAfter(ra, ms string, now time.Time) (time.Duration, bool) {
	if ms = strings.TrimSpace(ms); ms != "" {
		if v, err := strconv.ParseFloat(ms, 64); err == nil && v >= 0 {
			return time.Duration(v * float64(time.Millisecond)), true
		}
	}
	ra = strings.TrimSpace(ra)
	if ra == "" {
		return 0, false
	}
	if v, err := strconv.ParseFloat(ra, 64); err == nil {
		if v < 0 {
			return 0, false
		}
		return time.Duration(v * float64(time.Second)), true
	}
	if t, err := http.ParseTime(ra); err == nil {
		return max(0, t.Sub(now)), true
	}
	return 0, false
}

// classify turns an error of go-openai into a redactedError: its text
// without the key, whether a retry can help, and whether the endpoint
// rejected response_format.
func (c *chatClient) classify(err error, meta *respMeta, timedOut bool, f ResponseFormat) *redactedError {
	e := &redactedError{}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var msg, code string
	switch {
	case timedOut:
		e.msg = fmt.Sprintf("no answer within %s", c.timeout)
		e.retryable = true
		return e
	case errors.As(err, &apiErr):
		e.status = apiErr.HTTPStatusCode
		msg = apiErr.Message
		if s, ok := apiErr.Code.(string); ok {
			code = s
		}
		if apiErr.Param != nil && *apiErr.Param == "response_format" {
			msg += " (param response_format)"
		}
		if code == "" {
			code = apiErr.Type
		}
	case errors.As(err, &reqErr):
		e.status = reqErr.HTTPStatusCode
		msg = strings.TrimSpace(string(reqErr.Body))
		if msg == "" && reqErr.Err != nil {
			msg = reqErr.Err.Error()
		}
	default:
		var ne net.Error
		e.msg = c.clean(err.Error())
		// Transport failures (refused or reset connections, a body cut
		// off) and answers that were not JSON can go away on a retry.
		e.retryable = errors.As(err, &ne) || strings.Contains(err.Error(), "EOF") ||
			strings.Contains(err.Error(), "connection") || strings.Contains(err.Error(), "invalid character")
		return e
	}
	if e.status == 0 {
		meta.mu.Lock()
		e.status = meta.status
		meta.mu.Unlock()
	}
	msg = c.clean(msg)
	e.msg = fmt.Sprintf("HTTP %d: %s", e.status, msg)
	lower := strings.ToLower(msg)
	switch {
	case e.status == http.StatusTooManyRequests:
		if code == "insufficient_quota" || strings.Contains(lower, "quota") && !strings.Contains(lower, "rate") {
			e.msg += " (the account's quota is used up; retrying will not help)"
		} else {
			e.retryable = true
		}
	case e.status >= 500, e.status == http.StatusRequestTimeout, e.status == http.StatusConflict:
		e.retryable = true
	case e.status == http.StatusBadRequest && f < FormatNone &&
		(strings.Contains(lower, "response_format") || strings.Contains(lower, "json_schema") || strings.Contains(lower, "json_object") || strings.Contains(lower, "response format")):
		e.formatRejected = true
	case e.status == http.StatusUnauthorized, e.status == http.StatusForbidden:
		e.msg += fmt.Sprintf(" (check the API key: %s, or the editor setting ftls.generation.apiKey)", EnvAPIKey)
	case e.status == http.StatusNotFound:
		e.msg += fmt.Sprintf(" (check the model %q and the base URL)", c.model)
	}
	return e
}

// clean removes the key from text and shortens it.
func (c *chatClient) clean(text string) string {
	text = redact(text, c.key)
	text = strings.Join(strings.Fields(text), " ")
	if len(text) > 400 {
		text = text[:400] + "…"
	}
	return text
}
