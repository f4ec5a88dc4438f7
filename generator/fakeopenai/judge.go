package fakeopenai

import (
	"encoding/json"
	"regexp"
	"strings"
)

// JudgedRow is a row of a review request (`ftls review`), as the judge
// sees it.
type JudgedRow struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Turns    []struct {
		Index   int    `json:"index"`
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"turns"`
}

// IsReview reports whether req is a review request, and whether it asks
// for categories rather than scores.
func (r *Request) IsReview() (review, categorize bool) {
	sys := r.Prompt("system")
	switch {
	case strings.Contains(sys, "You review rows of a fine-tuning dataset"):
		return true, false
	case strings.Contains(sys, "You sort rows of a fine-tuning dataset"):
		return true, true
	}
	return false, false
}

// ReviewRows returns the rows a review request carries.
func (r *Request) ReviewRows() []JudgedRow {
	u := r.Prompt("user")
	if i := strings.IndexByte(u, '{'); i >= 0 {
		u = u[i:]
	}
	var v struct {
		Rows []JudgedRow `json:"rows"`
	}
	json.Unmarshal([]byte(u), &v)
	return v.Rows
}

var criterionRe = regexp.MustCompile(`(?m)^- (\w+): `)

// Criteria returns the criteria a review request asks to score.
func (r *Request) Criteria() []string {
	var out []string
	for _, m := range criterionRe.FindAllStringSubmatch(r.Prompt("system"), -1) {
		out = append(out, m[1])
	}
	return out
}

// JudgeVerdicts are the judge's verdicts on the rows of a review request,
// as the "rows" list of its answer. A score depends on the row's content:
// an answer containing WRONG scores 1 on accuracy (with a rewrite and
// the answer's turn), one containing OFFTOPIC 1 on relevance, a user turn
// containing UNREAL 2 on realism; everything else scores 5. A
// categorizing request gets the first category named in the row's text
// ("category:NAME"), or "" (none fits).
func JudgeVerdicts(req *Request) []map[string]any {
	_, categorize := req.IsReview()
	crits := req.Criteria()
	var out []map[string]any
	for _, row := range req.ReviewRows() {
		text := ""
		for _, t := range row.Turns {
			text += t.Content + "\n"
		}
		if categorize {
			cat, reason := "", "The row fits none of the categories."
			if m := regexp.MustCompile(`category:([\w-]+)`).FindStringSubmatch(text); m != nil {
				cat, reason = m[1], "The row is about "+m[1]+"."
			}
			out = append(out, map[string]any{"id": row.ID, "category": cat, "reason": reason})
			continue
		}
		scores := map[string]any{}
		for _, c := range crits {
			s := map[string]any{"score": 5, "reason": "Fine.", "turn": -1, "rewrite": ""}
			for _, t := range row.Turns {
				switch {
				case c == "accuracy" && t.Role == "assistant" && strings.Contains(t.Content, "WRONG"):
					s = map[string]any{"score": 1, "reason": "The answer is wrong.", "turn": t.Index, "rewrite": "The corrected answer."}
				case c == "relevance" && t.Role == "assistant" && strings.Contains(t.Content, "OFFTOPIC"):
					s = map[string]any{"score": 1, "reason": "The answer is about something else.", "turn": t.Index, "rewrite": ""}
				case c == "realism" && t.Role == "user" && strings.Contains(t.Content, "UNREAL"):
					s = map[string]any{"score": 2, "reason": "Nobody writes like this.", "turn": t.Index, "rewrite": ""}
				}
			}
			scores[c] = s
		}
		out = append(out, map[string]any{"id": row.ID, "scores": scores})
	}
	return out
}

// Judge answers a review request as JudgeVerdicts says, as
// {"rows": [...]}, with a usage of 500 prompt tokens and 60 completion
// tokens per row.
func Judge(req *Request) *Reply {
	v := JudgeVerdicts(req)
	b, _ := json.Marshal(map[string]any{"rows": v})
	return &Reply{Content: string(b), PromptTokens: 500 * len(v), CompletionTokens: 60 * len(v)}
}
