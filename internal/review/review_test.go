package review

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/plan"
)

const (
	key1 = "0123456789abcdef0123456789abcdef"
	hash = "abcdefabcdef"
)

func TestParseReportsDamagedLines(t *testing.T) {
	good := `{"row":"` + key1 + `","rubric":"` + hash + `","model":"m","scores":{"accuracy":{"score":2,"reason":"wrong","turn":1}}}`
	tests := []struct {
		name, line, want string
	}{
		{"not JSON", `{"row": "x"`, "not a verdict"},
		{"unknown field", `{"row":"` + key1 + `","rubric":"` + hash + `","model":"m","extra":1,"scores":{"accuracy":{"score":2,"reason":"r","turn":1}}}`, `unknown field "extra"`},
		{"short key", `{"row":"abc","rubric":"` + hash + `","model":"m","scores":{"accuracy":{"score":2,"reason":"r","turn":1}}}`, "32 hex digits"},
		{"score out of range", strings.Replace(good, `"score":2`, `"score":9`, 1), "outside 1-5"},
		{"score of the wrong type", strings.Replace(good, `"score":2`, `"score":"2"`, 1), "accuracy score must be a whole number"},
		{"unknown criterion", strings.Replace(good, `"accuracy"`, `"beauty"`, 1), `unknown criterion "beauty"`},
		{"negative turn", strings.Replace(good, `"turn":1`, `"turn":-4`, 1), "negative"},
		{"no model", strings.Replace(good, `"model":"m"`, `"model":""`, 1), "no model"},
		{"nothing judged", `{"row":"` + key1 + `","rubric":"` + hash + `","model":"m"}`, "neither scores nor a category"},
		{"two values", good + ` {}`, "not a verdict (invalid JSON at column"},
		{"invalid UTF-8", "{\"row\":\"\xff\"}", "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := `{"ftls_review":1}` + "\n" + good + "\n" + tt.line + "\n"
			entries, probs := Parse("d.jsonl.ftls-review", []byte(data))
			if len(entries) != 1 {
				t.Errorf("%d entries, want the good line only", len(entries))
			}
			if len(probs) != 1 || probs[0].Line != 3 || !strings.Contains(probs[0].Msg, tt.want) {
				t.Fatalf("problems = %v, want one on line 3 containing %q", probs, tt.want)
			}
			if !strings.HasPrefix(probs[0].Error(), "d.jsonl.ftls-review:3: ") {
				t.Errorf("problem %q does not start with file:line", probs[0].Error())
			}
		})
	}
}

func TestParseRefusesAnotherVersion(t *testing.T) {
	entries, probs := Parse("x", []byte(`{"ftls_review":7}`+"\n"))
	if len(entries) != 0 || len(probs) != 1 || !strings.Contains(probs[0].Msg, "version 7") {
		t.Fatalf("entries %v problems %v", entries, probs)
	}
}

// TestStoreRoundTrip records verdicts, saves, loads them back and checks
// that a changed row is unreviewed.
func TestStoreRoundTrip(t *testing.T) {
	dir := t.TempDir()
	ds := filepath.Join(dir, "d.jsonl")
	data := []byte(`{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}` + "\n" +
		`{"messages":[{"role":"user","content":"2+2?"},{"role":"assistant","content":"5"}]}` + "\n")
	s := diagnostics.DefaultSettings()
	rows, err := ReadRows(context.Background(), data, s)
	if err != nil || len(rows) != 2 {
		t.Fatalf("rows %v err %v", rows, err)
	}
	rub := NewRubric(nil)
	st := NewStore(ds, rub, "judge")
	all := func(score int) map[string]diagnostics.ReviewScore {
		m := map[string]diagnostics.ReviewScore{}
		for _, c := range rub.Criteria {
			m[c.Name] = diagnostics.ReviewScore{Score: score, Reason: "r", Turn: -1}
		}
		return m
	}
	st.Record(rows[0].Key, 1, all(5), nil)
	st.Record(rows[1].Key, 2, all(1), nil)
	if err := st.Save(Live(rows)); err != nil {
		t.Fatal(err)
	}
	back, probs, err := Load(ds, rub, "judge")
	if err != nil || len(probs) > 0 {
		t.Fatalf("load: %v %v", err, probs)
	}
	if !back.Scored(rows[0].Key) || !back.Scored(rows[1].Key) {
		t.Error("verdicts lost in the round trip")
	}
	if got := back.Status(Keys(rows)); got != (Status{Rows: 2, Reviewed: 2, Flagged: 1}) {
		t.Errorf("status = %+v", got)
	}
	// Another model's verdicts still show (check does not know the model),
	// but the row is not scored for that model.
	other, _, _ := Load(ds, rub, "other")
	if _, ok := other.Verdict(rows[1].Key); !ok || other.Scored(rows[1].Key) {
		t.Error("a verdict of another model should show but not count as scored")
	}
	// Another rubric: nothing applies.
	p := &plan.Plan{Task: plan.Task{Type: "qa"}}
	if rb, _, _ := Load(ds, NewRubric(p), "judge"); rb.Scored(rows[0].Key) {
		t.Error("a verdict under another rubric applies")
	}
	// The second row changes: it is unreviewed.
	changed := []byte(strings.Replace(string(data), `"5"`, `"4"`, 1))
	rows2, _ := ReadRows(context.Background(), changed, s)
	if got := back.Status(Keys(rows2)); got != (Status{Rows: 2, Reviewed: 1, Unreviewed: 1}) {
		t.Errorf("status after an edit = %+v", got)
	}
	// Saving for the new rows drops the stale verdict.
	if err := back.Save(Live(rows2)); err != nil {
		t.Fatal(err)
	}
	text, _ := os.ReadFile(SidecarPath(ds))
	if n := strings.Count(string(text), "\n"); n != 2 {
		t.Errorf("sidecar has %d lines, want the header and one verdict:\n%s", n, text)
	}
}

// TestRowsKeyLikeTheRules checks that the keys ReadRows computes are the
// keys the R rules look up (diagnostics.RowContext.ReviewKey).
func TestRowsKeyLikeTheRules(t *testing.T) {
	data := []byte(`[{"instruction":"Add","input":"2 and 2","output":"4","metadata":{"category":"math"}}]`)
	s := diagnostics.DefaultSettings()
	rows, err := ReadRows(context.Background(), data, s)
	if err != nil || len(rows) != 1 {
		t.Fatal(rows, err)
	}
	if rows[0].Category != "math" || len(rows[0].Turns) != 2 {
		t.Errorf("row = %+v", rows[0])
	}
	if rows[0].Key != diagnostics.ReviewKey(rows[0].Turns, "math") || rows[0].Key == diagnostics.ReviewKey(rows[0].Turns, "") {
		t.Error("the key does not follow the category")
	}
}

func TestRubricHashFollowsThePlan(t *testing.T) {
	p := &plan.Plan{Task: plan.Task{Type: "support"}, Style: plan.Style{Tone: "friendly"}}
	a := NewRubric(p)
	p.Style.Tone = "formal"
	b := NewRubric(p)
	p.Review.Threshold = 4
	c := NewRubric(p)
	if a.Hash == b.Hash {
		t.Error("the tone does not change the rubric")
	}
	if b.Hash != c.Hash || c.Threshold != 4 {
		t.Error("the threshold should not change the hash, but apply")
	}
	p.Review.Criteria = []string{"accuracy"}
	if d := NewRubric(p); d.Hash == c.Hash || len(d.Criteria) != 1 {
		t.Error("criteria do not change the rubric")
	}
	if !strings.Contains(a.Context, "friendly") {
		t.Errorf("context lacks the tone: %s", a.Context)
	}
}

// TestKeyFoldsWhiteSpace: re-indenting or re-wrapping a turn keeps its
// key (and so its verdict); changing a word, a role or the category does
// not.
func TestKeyFoldsWhiteSpace(t *testing.T) {
	turns := func(user, answer string) []diagnostics.Turn {
		return []diagnostics.Turn{{Role: "user", Text: []byte(user)}, {Role: "assistant", Text: []byte(answer)}}
	}
	base := diagnostics.ReviewKey(turns("Where is my order?", "It ships today."), "orders")
	same := []string{
		diagnostics.ReviewKey(turns("  Where is\tmy order?\n", "It  ships\r\ntoday. "), "orders"),
		diagnostics.ReviewKey(turns("Where\n\nis my order?", "It ships today."), "orders"),
	}
	for i, k := range same {
		if k != base {
			t.Errorf("white space variant %d has another key", i)
		}
	}
	other := []string{
		diagnostics.ReviewKey(turns("Where is my order?", "It ships tomorrow."), "orders"),
		diagnostics.ReviewKey(turns("Where is my order?", "It ships today."), "returns"),
		diagnostics.ReviewKey(turns("Whereis my order?", "It ships today."), "orders"),
		diagnostics.ReviewKey([]diagnostics.Turn{{Role: "system", Text: []byte("Where is my order?")}, {Role: "assistant", Text: []byte("It ships today.")}}, "orders"),
	}
	for i, k := range other {
		if k == base || len(k) != 32 {
			t.Errorf("change %d keeps the key (or the key is malformed: %q)", i, k)
		}
	}
	if diagnostics.ReviewKey(nil, "orders") != "" {
		t.Error("a row without turns has a key")
	}
}
