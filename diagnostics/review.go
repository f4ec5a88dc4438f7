package diagnostics

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// The R family reports what a judge model said about a row (`ftls
// review`). The verdicts are not computed here: package review keeps them
// in a sidecar file next to the dataset and hands them to the rules
// through Settings.Review, keyed by ReviewKey. Without verdicts, or for a
// row whose content changed since it was reviewed (its key is new), the
// rules report nothing.

// ReviewScale is the judge's scale: every criterion scores 1 (worst) to
// ReviewScale (best).
const ReviewScale = 5

// DefaultReviewThreshold is the score below which a criterion is a
// finding.
const DefaultReviewThreshold = 3

// ReviewCriterion is one question of the judge's checklist and the rule
// that reports a low score on it.
type ReviewCriterion struct {
	Name string // the key in the judge's answer and in the plan's review.criteria
	Code string
	// Label names the criterion in messages.
	Label string
	// Question is what the judge is asked to score.
	Question string
	// Answer marks criteria about an assistant turn: the judge may offer a
	// rewrite of it.
	Answer bool
}

// ReviewCriteria is the checklist, in the order of the rule codes.
var ReviewCriteria = []ReviewCriterion{
	{Name: "accuracy", Code: "R001", Label: "accuracy", Answer: true,
		Question: "Are the assistant's answers accurate and helpful? Score facts, reasoning and usefulness."},
	{Name: "relevance", Code: "R002", Label: "relevance", Answer: true,
		Question: "Does each answer address what the user asked, rather than a different or a more generic question?"},
	{Name: "flow", Code: "R003", Label: "conversation flow",
		Question: "Does the conversation hang together: each turn follows from the previous ones? A single exchange that makes sense scores 5."},
	{Name: "realism", Code: "R004", Label: "user realism",
		Question: "Are the user turns natural and realistic: something a real user of this assistant would write, answerable without the web, attachments or personal experience?"},
	{Name: "system", Code: "R005", Label: "system prompt",
		Question: "Is the system prompt appropriate for the task, and do the answers follow it? With no system prompt, score whether the answers fit the task described."},
	{Name: "category", Code: "R006", Label: "category fit",
		Question: "Does the row belong to its category, as the category's description defines it? With no category given, score 5."},
}

// ReviewCriterionByName returns the criterion named name.
func ReviewCriterionByName(name string) (ReviewCriterion, bool) {
	for _, c := range ReviewCriteria {
		if c.Name == name {
			return c, true
		}
	}
	return ReviewCriterion{}, false
}

// ReviewScore is the judge's verdict on one criterion of one row.
type ReviewScore struct {
	Score  int    `json:"score"`
	Reason string `json:"reason"`
	// Turn is the index, in the row's turns (Turns), of the turn the
	// verdict is about; -1 when it names none.
	Turn int `json:"turn"`
	// Rewrite is the judge's corrected text of that turn (an answer),
	// "" when it offers none.
	Rewrite string `json:"rewrite,omitempty"`
}

// ReviewCategory is the judge's proposed category for a row without one.
type ReviewCategory struct {
	// Proposed is one of the plan's categories, or "" when none fits.
	Proposed string `json:"proposed"`
	Reason   string `json:"reason"`
}

// ReviewVerdict is everything the judge said about one row.
type ReviewVerdict struct {
	Scores   map[string]ReviewScore
	Category *ReviewCategory
}

// ReviewVerdicts are the verdicts a rule can read: package review's store.
type ReviewVerdicts interface {
	// Verdict returns the verdict on the row whose ReviewKey is key.
	Verdict(key string) (ReviewVerdict, bool)
}

// ReviewSum identifies a row's content for the review cache: the first
// 128 bits of a SHA-256 of its turns (role and text, with runs of ASCII
// white space folded to one space and the ends trimmed, so that
// re-indenting a row does not make it new) and of its category, which the
// judge sees. It is stable across processes and machines, unlike the
// duplicate fingerprints, which are seeded per process. It is zero for a
// row with no conversation.
type ReviewSum [16]byte

// String is the key as the sidecar writes it: 32 hex digits, "" for zero.
func (s ReviewSum) String() string {
	if s == (ReviewSum{}) {
		return ""
	}
	return hex.EncodeToString(s[:])
}

// ReviewKey returns the review key of a conversation (ReviewSum.String).
func ReviewKey(turns []Turn, category string) string {
	return reviewSum(turns, category, nil).String()
}

// reviewSum hashes the conversation, folding each turn's text into buf
// (grown as needed and returned for reuse).
func reviewSum(turns []Turn, category string, buf *[]byte) ReviewSum {
	if len(turns) == 0 {
		return ReviewSum{}
	}
	if buf == nil {
		buf = new([]byte)
	}
	h := sha256.New()
	for _, t := range turns {
		b := append((*buf)[:0], t.Role...)
		b = append(b, 0)
		b = appendFolded(b, t.Text)
		b = append(b, 1)
		h.Write(b)
		*buf = b
	}
	h.Write([]byte{2})
	h.Write([]byte(category))
	var s ReviewSum
	copy(s[:], h.Sum(nil))
	return s
}

// appendFolded appends text's words (runs of bytes other than ASCII white
// space) separated by one space.
func appendFolded(dst, text []byte) []byte {
	first := true
	for i := 0; i < len(text); {
		for i < len(text) && isFoldSpace(text[i]) {
			i++
		}
		j := i
		for j < len(text) && !isFoldSpace(text[j]) {
			j++
		}
		if j > i {
			if !first {
				dst = append(dst, ' ')
			}
			dst = append(dst, text[i:j]...)
			first = false
		}
		i = j
	}
	return dst
}

func isFoldSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\v' || b == '\f'
}

// ReviewSum returns the row's review key, computed once.
func (c *RowContext) ReviewSum() ReviewSum {
	if !c.reviewSumDone {
		c.reviewSumDone = true
		if c.Root.Kind() == jsonpos.Object {
			c.reviewSum = reviewSum(c.Turns(), c.Category(), &c.foldBuf)
		}
	}
	return c.reviewSum
}

// ReviewKey returns the row's review key as the sidecar writes it.
func (c *RowContext) ReviewKey() string { return c.ReviewSum().String() }

// verdict looks the row's verdict up once for all R rules.
func (c *RowContext) verdict() (ReviewVerdict, bool) {
	if !c.reviewDone {
		c.reviewDone = true
		if c.Settings.Review != nil {
			if key := c.ReviewKey(); key != "" {
				c.review, c.reviewOK = c.Settings.Review.Verdict(key)
			}
		}
	}
	return c.review, c.reviewOK
}

// ReviewVerdict returns the judge's cached verdict on the row, when the
// settings carry a review cache that has one.
func (c *RowContext) ReviewVerdict() (ReviewVerdict, bool) { return c.verdict() }

// ReviewThresholdOrDefault is the score below which a criterion is
// reported.
func (s *Settings) ReviewThresholdOrDefault() int { return s.reviewThreshold() }

// reviewThreshold is the score below which a criterion is reported.
func (s *Settings) reviewThreshold() int {
	if s.ReviewThreshold > 0 {
		return s.ReviewThreshold
	}
	return DefaultReviewThreshold
}

// checkCriterion returns the row check of a criterion's rule.
func checkCriterion(name string) func(*RowContext) {
	crit, ok := ReviewCriterionByName(name)
	if !ok {
		panic("diagnostics: no review criterion " + name)
	}
	return func(c *RowContext) {
		v, ok := c.verdict()
		if !ok {
			return
		}
		s, ok := v.Scores[crit.Name]
		if !ok || s.Score >= c.Settings.reviewThreshold() {
			return
		}
		msg := fmt.Sprintf("reviewer scores %s %d/%d: %s", crit.Label, s.Score, ReviewScale, s.Reason)
		var fix *Fix
		if crit.Answer && s.Rewrite != "" {
			if fix = c.rewriteFix(s); fix != nil {
				fix.Model = true
			}
		}
		turns := c.Turns()
		if s.Turn >= 0 && s.Turn < len(turns) && len(c.Messages) == len(turns) && c.Messages[s.Turn].Content.Exists() {
			c.ReportValue(crit.Code, c.Messages[s.Turn].Content, fix, "%s", msg)
			return
		}
		c.ReportRow(crit.Code, fix, "%s", msg)
	}
}

// RewriteTitle is the title of the fix that applies a reviewer's rewrite.
const RewriteTitle = "Replace the answer with the reviewer's rewrite"

// rewriteFix replaces the content of the assistant turn the verdict is
// about (the last answer when it names none) with the rewrite. Only chat
// rows whose content is a string can take it.
func (c *RowContext) rewriteFix(s ReviewScore) *Fix {
	if len(c.Messages) != len(c.Turns()) || c.Format != dataset.Chat {
		return nil
	}
	i := s.Turn
	if i < 0 || i >= len(c.Messages) || c.Messages[i].RoleName() != "assistant" {
		i = -1
		for j := len(c.Messages) - 1; j >= 0; j-- {
			if c.Messages[j].RoleName() == "assistant" {
				i = j
				break
			}
		}
	}
	if i < 0 || c.Messages[i].Content.Kind() != jsonpos.String {
		return nil
	}
	v := c.Messages[i].Content
	return c.Splice(RewriteTitle, v.Start(), v.End(), quoted(s.Rewrite))
}

// checkProposedCategory reports the judge's category for a row that has
// none (R007), with a fix that writes it at the category field.
func checkProposedCategory(c *RowContext) {
	v, ok := c.verdict()
	if !ok || v.Category == nil || c.Category() != "" {
		return
	}
	pc := v.Category
	if pc.Proposed == "" {
		c.ReportRow("R007", nil, "no category of the plan fits this row, says the reviewer: %s", pc.Reason)
		return
	}
	var fix *Fix
	if text, ok := setField(c.Root, strings.Split(c.Settings.CategoryField, "."), pc.Proposed); ok {
		fix = c.ReplaceRow(fmt.Sprintf("Set the category to %q", pc.Proposed), text)
		fix.Model = true
	}
	c.ReportRow("R007", fix, "reviewer proposes category %q: %s", pc.Proposed, pc.Reason)
}

// setField returns the text of obj with the string value at the dotted
// path set to value, creating the objects on the way; false when a value
// on the way is not an object.
func setField(obj jsonpos.Value, path []string, value string) ([]byte, bool) {
	if obj.Kind() != jsonpos.Object || len(path) == 0 || path[0] == "" {
		return nil, false
	}
	key := path[0]
	found, ok := false, true
	out := rewriteObject(obj, func(k jsonpos.Key, v jsonpos.Value) memberEdit {
		if k.Name() != key || found {
			return memberEdit{}
		}
		found = true
		if len(path) == 1 {
			return memberEdit{value: quoted(value)}
		}
		inner, good := setField(v, path[1:], value)
		ok = ok && good
		return memberEdit{value: inner}
	})
	if found {
		return out, ok
	}
	// Build the missing objects from the inside out.
	val := quoted(value)
	for i := len(path) - 1; i >= 1; i-- {
		val = append(append(append(append([]byte("{"), quoted(path[i])...), ':'), val...), '}')
	}
	return rewriteObject(obj, func(jsonpos.Key, jsonpos.Value) memberEdit { return memberEdit{} }, [2][]byte{quoted(key), val}), true
}
