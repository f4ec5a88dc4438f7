package generator

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/plan"
)

// Job is one generation run. Only Plan and Provider are required; every
// other field has a default, mostly taken from the plan.
type Job struct {
	Plan *plan.Plan
	// Settings are the rules the dataset is checked with (ftls.yaml, the
	// plan and flags layered); nil means the plan applied to the defaults.
	// Generated rows are validated with them, and their CategoryField and
	// NearDuplicate threshold are used.
	Settings *diagnostics.Settings
	Provider Provider

	// Dataset is the training file; "" means the plan's output.train.
	Dataset string
	// Existing, when not nil, is the dataset's current content (an
	// editor's buffer) and is measured instead of the file on disk.
	Existing []byte
	// Sink receives accepted rows; nil means a FileSink on Dataset.
	Sink Sink

	// Count is the number of examples to add; 0 means the plan's
	// size.examples minus the rows present (and, with Category, that
	// category's target minus its rows).
	Count int
	// Category restricts the run to one category of the plan.
	Category string

	// BatchSize overrides generation.batch_size; either is clamped to
	// 10-100.
	BatchSize int
	// Concurrency overrides generation.concurrency: the most requests in
	// flight at once.
	Concurrency int
	// MaxRetries overrides generation.max_retries (retries of one
	// request); -1 means none.
	MaxRetries int
	// RetryBudget is the most retries of the whole run; 0 means
	// 5 × max retries, at least 10.
	RetryBudget int
	// MaxRequests is the most batches the run requests (retries of a
	// batch are bounded by MaxRetries and RetryBudget instead); 0 means
	// three times the batches needed, plus 3.
	MaxRequests int
	// Temperature overrides generation.temperature.
	Temperature *float64

	// RequestTimeout bounds one request; 0 means 5 minutes.
	RequestTimeout time.Duration
	// Backoff is the first retry delay (default 1 s), doubled for each
	// retry up to MaxBackoff (default 1 min). MaxRetryAfter (default
	// 5 min) is the longest Retry-After honoured before giving up.
	Backoff, MaxBackoff, MaxRetryAfter time.Duration

	// Seed makes the per-example assignments reproducible; 0 means a
	// random seed.
	Seed int64
	// Prices overrides or extends DefaultPrices.
	Prices PriceTable
	// HTTPClient is the client requests go through; nil means a new one.
	HTTPClient *http.Client
	// Reject are rule codes that reject a generated example even below
	// error severity (when enabled); nil means DefaultReject. AlwaysReject
	// applies whatever Reject says.
	Reject []string
	// Reviewer, when set, judges each batch's accepted rows before they
	// are appended; the rows it rejects are dropped (DropReview) and
	// generated again (ftls generate --review).
	Reviewer Reviewer
}

// Reviewer judges generated rows before they land (package judge's Gate).
type Reviewer interface {
	// Review returns, for each row, "" to keep it, or why it is dropped:
	// the code of a rule whose criterion scored below the threshold
	// (R001...), or "unreviewed" when the judge gave no usable verdict.
	Review(ctx context.Context, rows [][]byte) ([]string, error)
}

// DefaultReject are the warnings that also reject a generated example:
// structural defects a model should never produce (a conversation that
// does not end with the assistant, a misplaced system message, repeated
// roles, empty content) and template placeholders. Everything at error
// severity in the J, C and Q families rejects an example regardless.
var DefaultReject = []string{"C010", "C011", "C012", "C015", "Q004"}

// AlwaysReject are the warnings that reject a generated example whatever
// Job.Reject and the user's severities say: model output is untrusted, and
// held to a stricter bar than hand-written rows. An example over the token
// limit (Q001: a runaway 10 MB answer) would be truncated in training, and
// ChatML control tokens in content (C017: "<|im_end|>", "<|im_start|>")
// are an injection that ends a turn early or opens a forged one. Such
// examples are dropped as DropInvalid, counted under their rule in
// Report.InvalidRules.
var AlwaysReject = []string{"Q001", "C017"}

// Reasons an example is dropped; the keys of Report.Dropped.
const (
	// DropInvalid: the example breaks a J, C or Q rule at error severity
	// (or one of Job.Reject), or is not a list of messages at all.
	DropInvalid = "invalid"
	// DropDuplicate: the same conversation as a row of the dataset or an
	// example accepted earlier in the run.
	DropDuplicate = "duplicate"
	// DropNearDuplicate: at or above the near-duplicate threshold of such
	// a row.
	DropNearDuplicate = "near-duplicate"
	// DropTruncated: the example the model was writing when its answer
	// was cut off (finish_reason "length"), or a cut answer with nothing
	// whole in it.
	DropTruncated = "truncated"
	// DropUnparseable: an answer with no JSON in it (counted per answer).
	DropUnparseable = "unparseable"
	// DropSurplus: valid and new, but beyond the number asked for.
	DropSurplus = "surplus"
	// DropReview: the judge scored a criterion below the threshold, or
	// gave no verdict (Job.Reviewer); Report.ReviewRules says which.
	DropReview = "review"
)

// CategoryTarget is one category's numbers in a run.
type CategoryTarget struct {
	Name string `json:"name"`
	// Target is the number the category should reach by the end of the
	// run.
	Target int `json:"target"`
	// Before is the rows of the category in the dataset before the run;
	// Added the rows the run added.
	Before int `json:"before"`
	Added  int `json:"added"`
}

// Report is what a run did. It never holds the API key.
type Report struct {
	Provider string `json:"provider"`
	Model    string `json:"model"`
	Dataset  string `json:"dataset"`
	// Existing is the rows (JSON objects) in the dataset before the run;
	// Requested the examples the run set out to add; Accepted those
	// appended.
	Existing  int              `json:"existing"`
	Requested int              `json:"requested"`
	Accepted  int              `json:"accepted"`
	Targets   []CategoryTarget `json:"categories"`
	// Dropped counts dropped examples by reason (Drop* constants);
	// InvalidRules the rule codes behind DropInvalid ("shape" for values
	// that are not a list of messages).
	Dropped      map[string]int `json:"dropped"`
	InvalidRules map[string]int `json:"invalidRules"`
	// ReviewRules counts the reasons behind DropReview: rule codes
	// (R001...) and "unreviewed".
	ReviewRules map[string]int `json:"reviewRules,omitempty"`
	// Requests are the completed requests; Retries the retried attempts;
	// TruncatedAnswers the answers cut off by the token limit.
	Requests         int `json:"requests"`
	Retries          int `json:"retries"`
	TruncatedAnswers int `json:"truncatedAnswers"`
	// Format is the response_format in use at the end of the run.
	Format           string `json:"responseFormat"`
	PromptTokens     int64  `json:"promptTokens"`
	CompletionTokens int64  `json:"completionTokens"`
	// Cost is the estimated cost in US dollars; CostKnown is false for a
	// model without a price.
	Cost      float64 `json:"cost"`
	CostKnown bool    `json:"costKnown"`
	// Stopped says why the run ended before adding Requested examples;
	// "" when it added them all.
	Stopped  string        `json:"stopped,omitempty"`
	Duration time.Duration `json:"duration"`
}

// DroppedSummary describes the drops, e.g. "3 invalid (C009 2, shape 1),
// 1 review (R001 1)".
func (r *Report) DroppedSummary() string {
	return formatDropped(r.Dropped, r.InvalidRules, r.ReviewRules)
}

// DroppedTotal is the number of examples dropped for any reason.
func (r *Report) DroppedTotal() int {
	n := 0
	for _, v := range r.Dropped {
		n += v
	}
	return n
}

// EventKind tells what an Event reports.
type EventKind string

// Event kinds, in the order a run emits them.
const (
	// EventStart: the run is measured and about to send requests
	// (Requested, Targets).
	EventStart EventKind = "start"
	// EventRequest: a batch is being requested (Batch, Category, Count).
	EventRequest EventKind = "request"
	// EventRetry: a request failed and is retried after Wait (Attempt,
	// Message).
	EventRetry EventKind = "retry"
	// EventFallback: the endpoint rejected response_format; the run moves
	// to Format.
	EventFallback EventKind = "fallback"
	// EventBatch: a batch was validated and its accepted rows appended
	// (Accepted, Dropped, Total).
	EventBatch EventKind = "batch"
	// EventDone: the run ended; Message says why when it ended early.
	EventDone EventKind = "done"
)

// Event is a progress report. Progress callbacks are called one at a time,
// from the run's goroutines, and must return quickly.
type Event struct {
	Kind     EventKind `json:"kind"`
	Batch    int       `json:"batch,omitempty"`
	Category string    `json:"category,omitempty"`
	// Count is the examples asked for in the batch.
	Count int `json:"count,omitempty"`
	// Accepted and Dropped are the batch's outcome.
	Accepted int            `json:"accepted,omitempty"`
	Dropped  map[string]int `json:"dropped,omitempty"`
	// Total is the examples accepted so far in the run, out of Requested.
	Total     int              `json:"total"`
	Requested int              `json:"requested"`
	Targets   []CategoryTarget `json:"targets,omitempty"`
	Attempt   int              `json:"attempt,omitempty"`
	Wait      time.Duration    `json:"wait,omitempty"`
	Format    string           `json:"format,omitempty"`
	// Message is a redacted error or a remark.
	Message string `json:"message,omitempty"`
}

// Errors that end a run early (wrapped with details).
var (
	// ErrNoProgress: several batches in a row gave no usable example.
	ErrNoProgress = errors.New("no usable examples")
	// ErrRequestBudget: the run made as many requests as it may.
	ErrRequestBudget = errors.New("request budget spent")
)

// stagnationLimit is how many batches in a row may give nothing before the
// run stops.
const stagnationLimit = 3
