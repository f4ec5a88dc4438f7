package judge

import (
	"encoding/json"
	"fmt"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/review"
)

// Mode is what a request asks of the judge.
type Mode int

const (
	// Score asks for a score per criterion of the rubric.
	Score Mode = iota
	// Categorize asks for one of the plan's categories, or none.
	Categorize
)

func (m Mode) String() string {
	if m == Categorize {
		return "categorize"
	}
	return "review"
}

// batch is the rows of one request.
type batch struct {
	seq  int
	mode Mode
	rows []review.Row
}

// id names row i of a batch in the request and the answer.
func id(i int) string { return fmt.Sprintf("r%d", i+1) }

// lines describes the rows of a batch for notes, e.g. "lines 3-12".
func (b batch) lines() string {
	if len(b.rows) == 0 {
		return "no rows"
	}
	first, last := b.rows[0].Line+1, b.rows[len(b.rows)-1].Line+1
	if first == last {
		return fmt.Sprintf("line %d", first)
	}
	return fmt.Sprintf("lines %d-%d", first, last)
}

// messages returns the request's chat messages.
func (b batch) messages(r review.Rubric) []openai.ChatCompletionMessage {
	sys := scoreInstructions(r)
	if b.mode == Categorize {
		sys = categoryInstructions(r)
	}
	return []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: sys},
		{Role: openai.ChatMessageRoleUser, Content: b.payload(r)},
	}
}

// payload is the user message: the rows as JSON, each with its id, its
// category and the category's description, and its numbered turns.
func (b batch) payload(r review.Rubric) string {
	type turn struct {
		Index   int    `json:"index"`
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	type row struct {
		ID          string `json:"id"`
		Category    string `json:"category,omitempty"`
		Description string `json:"category_description,omitempty"`
		Turns       []turn `json:"turns"`
	}
	rows := make([]row, len(b.rows))
	for i, rr := range b.rows {
		rows[i] = row{ID: id(i)}
		if b.mode == Score {
			rows[i].Category, rows[i].Description = rr.Category, r.Category(rr.Category)
		}
		for j, t := range rr.Turns {
			rows[i].Turns = append(rows[i].Turns, turn{j, t.Role, string(t.Text)})
		}
	}
	data, _ := json.MarshalIndent(map[string]any{"rows": rows}, "", " ")
	return fmt.Sprintf("Judge these %d rows.\n%s", len(rows), data)
}

func scoreInstructions(r review.Rubric) string {
	var b strings.Builder
	b.WriteString("You review rows of a fine-tuning dataset for a chat assistant. Be strict and fair: a row is training data, and every defect you let through is learnt.\n\n")
	b.WriteString("The dataset's plan:\n")
	b.WriteString(r.Context)
	fmt.Fprintf(&b, "\n\nScore every row on each criterion from 1 (unusable) to %d (excellent):\n", diagnostics.ReviewScale)
	for _, c := range r.Criteria {
		fmt.Fprintf(&b, "- %s: %s\n", c.Name, c.Question)
	}
	b.WriteString(`
For each criterion give:
- "score": a whole number from 1 to 5;
- "reason": one sentence saying why, naming the concrete problem when the score is low;
- "turn": the index of the turn the verdict is about, or -1 for the row as a whole;
- "rewrite": for accuracy and relevance with a score below 3, the corrected text of that assistant turn, written as the assistant should have answered; otherwise "".

Answer with JSON only, no prose and no code fence:
{"rows": [{"id": "r1", "scores": {"<criterion>": {"score": 4, "reason": "...", "turn": 1, "rewrite": ""}}}]}
One entry per row, with the ids given, and every criterion for every row.`)
	return b.String()
}

func categoryInstructions(r review.Rubric) string {
	var b strings.Builder
	b.WriteString("You sort rows of a fine-tuning dataset into the categories of its plan.\n\n")
	b.WriteString(r.Context)
	b.WriteString(`

For each row pick the one category of the plan it belongs to, by the categories' descriptions. When none fits, answer "" and say what the row is about.
Answer with JSON only, no prose and no code fence:
{"rows": [{"id": "r1", "category": "<name or empty>", "reason": "one sentence"}]}
One entry per row, with the ids given.`)
	return b.String()
}

// responseFormat is the request's response_format for f.
func responseFormat(f generator.ResponseFormat, mode Mode, r review.Rubric) *openai.ChatCompletionResponseFormat {
	switch f {
	case generator.FormatJSONSchema:
		return &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name: "review_" + mode.String(), Schema: schema(mode, r), Strict: true,
			},
		}
	case generator.FormatJSONObject:
		return &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return nil
}

// schema is the JSON schema of an answer, in the strict subset (every
// property required, no others).
func schema(mode Mode, r review.Rubric) json.RawMessage {
	obj := func(props map[string]any) map[string]any {
		req := make([]string, 0, len(props))
		for k := range props {
			req = append(req, k)
		}
		sortStrings(req)
		return map[string]any{"type": "object", "properties": props, "required": req, "additionalProperties": false}
	}
	str := map[string]any{"type": "string"}
	var row map[string]any
	if mode == Categorize {
		names := []string{""}
		for _, c := range r.Categories {
			names = append(names, c.Name)
		}
		row = obj(map[string]any{"id": str, "category": map[string]any{"type": "string", "enum": names}, "reason": str})
	} else {
		score := obj(map[string]any{
			"score": map[string]any{"type": "integer"}, "reason": str,
			"turn": map[string]any{"type": "integer"}, "rewrite": str,
		})
		crits := map[string]any{}
		for _, c := range r.Criteria {
			crits[c.Name] = score
		}
		row = obj(map[string]any{"id": str, "scores": obj(crits)})
	}
	root := obj(map[string]any{"rows": map[string]any{"type": "array", "items": row}})
	b, _ := json.Marshal(root)
	return b
}
