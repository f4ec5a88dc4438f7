package judge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/review"
)

// verdict is what the judge said about one row of a batch.
type verdict struct {
	scores   map[string]diagnostics.ReviewScore
	category *diagnostics.ReviewCategory
}

// parseAnswer reads the judge's answer to a batch as untrusted text. It
// returns the verdicts by row index, and a note for each problem: an
// answer that is not JSON, an unknown or repeated row id, a row left out,
// a criterion missing or out of range. A row with any problem gets no
// verdict, so it is sent again next time.
func parseAnswer(text string, b batch, r review.Rubric) (map[int]verdict, []string) {
	var notes []string
	note := func(format string, args ...any) { notes = append(notes, fmt.Sprintf(format, args...)) }
	items, err := answerRows(text)
	if err != nil {
		note("the judge's answer is %v; no verdict taken", err)
		return nil, notes
	}
	byID := map[string]int{}
	for i := range b.rows {
		byID[id(i)] = i
	}
	out := map[int]verdict{}
	seen := map[int]bool{}
	for _, raw := range items {
		var item struct {
			ID       json.RawMessage            `json:"id"`
			Scores   map[string]json.RawMessage `json:"scores"`
			Category *string                    `json:"category"`
			Reason   string                     `json:"reason"`
		}
		if err := json.Unmarshal(raw, &item); err != nil {
			note("an entry of the answer is not a row verdict (%s)", clip(string(raw)))
			continue
		}
		rid := strings.Trim(string(item.ID), `"`)
		i, ok := byID[rid]
		switch {
		case !ok:
			note("the answer names row %q, which is not in the batch; ignored", clip(rid))
			continue
		case seen[i]:
			note("the answer judges %s (line %d) twice; neither verdict taken", rid, b.rows[i].Line+1)
			delete(out, i)
			continue
		}
		seen[i] = true
		var v verdict
		var problem string
		if b.mode == Categorize {
			v.category, problem = readCategory(item.Category, item.Reason, r)
		} else {
			v.scores, problem = readScores(item.Scores, b.rows[i], r)
		}
		if problem != "" {
			note("line %d: %s; no verdict taken", b.rows[i].Line+1, problem)
			continue
		}
		out[i] = v
	}
	var missing []string
	for i, row := range b.rows {
		if !seen[i] {
			missing = append(missing, fmt.Sprint(row.Line+1))
		}
	}
	if len(missing) > 0 {
		note("the answer leaves out the rows at line %s; they stay unreviewed", strings.Join(missing, ", "))
	}
	return out, notes
}

// answerRows finds the list of row verdicts: {"rows": [...]}, or a bare
// array, possibly in a code fence or with prose around it.
func answerRows(text string) ([]json.RawMessage, error) {
	body := bytes.TrimSpace(generator.Unfence(text))
	if len(body) == 0 {
		return nil, fmt.Errorf("empty")
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		// Prose around the JSON: try the outermost object.
		i, j := bytes.IndexByte(body, '{'), bytes.LastIndexByte(body, '}')
		if i < 0 || j <= i || json.Unmarshal(body[i:j+1], &v) != nil {
			return nil, fmt.Errorf("not JSON (%s)", clip(string(body)))
		}
		body = body[i : j+1]
	}
	var obj struct {
		Rows json.RawMessage `json:"rows"`
	}
	list := body
	if body[0] == '{' {
		if json.Unmarshal(body, &obj) != nil || obj.Rows == nil {
			return nil, fmt.Errorf("JSON without a \"rows\" list")
		}
		list = obj.Rows
	}
	var items []json.RawMessage
	if err := json.Unmarshal(list, &items); err != nil {
		return nil, fmt.Errorf("JSON whose rows are not a list")
	}
	return items, nil
}

// readScores checks a row's scores against the rubric.
func readScores(raw map[string]json.RawMessage, row review.Row, r review.Rubric) (map[string]diagnostics.ReviewScore, string) {
	out := map[string]diagnostics.ReviewScore{}
	for _, c := range r.Criteria {
		data, ok := raw[c.Name]
		if !ok {
			return nil, fmt.Sprintf("no %s score", c.Name)
		}
		var s struct {
			Score   *float64 `json:"score"`
			Reason  string   `json:"reason"`
			Turn    *float64 `json:"turn"`
			Rewrite string   `json:"rewrite"`
		}
		if err := json.Unmarshal(data, &s); err != nil || s.Score == nil {
			return nil, fmt.Sprintf("%s is not a score (%s)", c.Name, clip(string(data)))
		}
		if *s.Score != math.Trunc(*s.Score) || *s.Score < 1 || *s.Score > diagnostics.ReviewScale {
			return nil, fmt.Sprintf("%s score %v is outside 1-%d", c.Name, *s.Score, diagnostics.ReviewScale)
		}
		reason := oneLine(s.Reason)
		if reason == "" {
			return nil, fmt.Sprintf("%s has no reason", c.Name)
		}
		sc := diagnostics.ReviewScore{Score: int(*s.Score), Reason: clipReason(reason), Turn: -1}
		if s.Turn != nil && *s.Turn >= 0 && *s.Turn < float64(len(row.Turns)) && *s.Turn == math.Trunc(*s.Turn) {
			sc.Turn = int(*s.Turn)
		}
		if c.Answer && sc.Score < diagnostics.ReviewScale && strings.TrimSpace(s.Rewrite) != "" {
			sc.Rewrite = strings.TrimSpace(s.Rewrite)
		}
		out[c.Name] = sc
	}
	return out, ""
}

// readCategory checks a proposed category against the plan's.
func readCategory(name *string, reason string, r review.Rubric) (*diagnostics.ReviewCategory, string) {
	if name == nil {
		return nil, "no category"
	}
	reason = oneLine(reason)
	if reason == "" {
		return nil, "no reason for the category"
	}
	n := strings.TrimSpace(*name)
	if strings.EqualFold(n, "none") {
		n = ""
	}
	if n != "" {
		known := false
		for _, c := range r.Categories {
			if c.Name == n {
				known = true
			}
		}
		if !known {
			return nil, fmt.Sprintf("category %q is not one of the plan's", clip(n))
		}
	}
	return &diagnostics.ReviewCategory{Proposed: n, Reason: clipReason(reason)}, ""
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func clip(s string) string {
	s = oneLine(s)
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// clipReason keeps a reason to a message's length.
func clipReason(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}

func sortStrings(s []string) { sort.Strings(s) }
