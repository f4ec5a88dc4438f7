package info_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/info"
	"github.com/ftls-dev/ftls/internal/stats"
)

func TestInfoEpochs(t *testing.T) {
	for _, tc := range []struct{ n, want int }{
		{0, 0}, {1, 100}, {10, 10}, {33, 4}, {34, 3}, {50, 3}, {8333, 3},
		{8334, 2}, {12500, 2}, {12501, 1}, {25000, 1}, {30000, 1},
	} {
		if got := info.Epochs(tc.n); got != tc.want {
			t.Errorf("Epochs(%d) = %d, want %d", tc.n, got, tc.want)
		}
		if tc.n > 0 && tc.n <= 25000 {
			if e := info.Epochs(tc.n); tc.n*e < 100 || tc.n*e > 25000 {
				t.Errorf("Epochs(%d) = %d: %d examples trained", tc.n, e, tc.n*e)
			}
		}
	}
}

func TestInfoBilled(t *testing.T) {
	if got, want := info.Billed([]int{10, 70000, 5}, 65536, 2), int64((10+65536+5)*2); got != want {
		t.Errorf("Billed = %d, want %d", got, want)
	}
}

func TestInfoSetPrice(t *testing.T) {
	p := info.DefaultPrices()
	p, err := info.SetPrice(p, "gpt-4o-mini", "4.5")
	if err != nil {
		t.Fatal(err)
	}
	p, err = info.SetPrice(p, "gpt-4o-mini", "my-model=$1.25")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, x := range p {
		got[x.Model] = x.PerMTok
	}
	if got["gpt-4o-mini"] != 4.5 || got["my-model"] != 1.25 || got["gpt-4o"] != 25 {
		t.Errorf("prices %v", got)
	}
	for _, bad := range []string{"", "abc", "gpt-4o=-1", "=3"} {
		if _, err := info.SetPrice(p, "gpt-4o-mini", bad); err == nil {
			t.Errorf("SetPrice(%q) accepted", bad)
		}
	}
}

func TestInfoHistogram(t *testing.T) {
	values := []int{0, 1, 5, 19, 20, 99, 250}
	bins := info.Histogram(values, 20)
	total := 0
	for i, b := range bins {
		total += b.Count
		if b.Hi-b.Lo != bins[0].Hi-bins[0].Lo || (i > 0 && b.Lo != bins[i-1].Hi) {
			t.Errorf("bin %d: %+v", i, b)
		}
	}
	if total != len(values) || len(bins) > 21 || bins[len(bins)-1].Hi <= 250 {
		t.Errorf("bins %+v", bins)
	}
}

// dataset returns a small chat dataset: categories a (6 rows), b (3),
// one uncategorised row, a duplicate, a multi-turn conversation, two
// system prompts and an invalid line.
func dataset() string {
	var b strings.Builder
	row := func(system, cat string, turns ...string) {
		var msgs []string
		if system != "" {
			msgs = append(msgs, fmt.Sprintf(`{"role":"system","content":%q}`, system))
		}
		for i, t := range turns {
			role := []string{"user", "assistant"}[i%2]
			msgs = append(msgs, fmt.Sprintf(`{"role":%q,"content":%q}`, role, t))
		}
		meta := ""
		if cat != "" {
			meta = fmt.Sprintf(`,"metadata":{"category":%q}`, cat)
		}
		fmt.Fprintf(&b, `{"messages":[%s]%s}`+"\n", strings.Join(msgs, ","), meta)
	}
	for i := range 6 {
		row("Be brief.", "a", fmt.Sprintf("How do I reset password number %d on my account?", i), "Open settings and choose reset.")
	}
	for i := range 3 {
		row("Be kind.", "b", fmt.Sprintf("Where is parcel %d?", i), "On its way.", "Thanks, when exactly?", "Tomorrow before noon.")
	}
	row("", "", "Hello there", "Hi! How can I help?")
	row("Be brief.", "a", "How do I reset password number 0 on my account?", "Open settings and choose reset.")
	b.WriteString("{not json\n")
	return b.String()
}

func checked(t *testing.T, name, data string) (*engine.Result, *stats.Stats, *diagnostics.Settings) {
	t.Helper()
	s := diagnostics.DefaultSettings()
	s.CountTokens = true
	res, err := engine.Check(context.Background(), name, strings.NewReader(data), engine.Options{Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	return res, stats.FromResult(res, s.Tokens().Encoding()), s
}

func build(t *testing.T, files ...info.File) *info.Report {
	t.Helper()
	s := diagnostics.DefaultSettings()
	return info.Build(files, info.Options{
		Model: s.Model, Encoding: s.Tokens().Encoding(), TokenLimit: s.TokenLimit(),
		NearDuplicate: s.NearDuplicate, MetadataKey: "metadata", InfoName: "dataset_info.txt",
	})
}

// TestInfoSameFiguresAsStats: for one file, the document's figures are
// those of `ftls stats`.
func TestInfoSameFiguresAsStats(t *testing.T) {
	res, st, _ := checked(t, "train.jsonl", dataset())
	r := build(t, info.File{Name: "train.jsonl", Role: info.Training, Result: res, Stats: st})
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	if !near(r.UserMean, st.UserTokens.Mean) || !near(r.AssistantMean, st.AssistantTokens.Mean) || !near(r.Mean, st.TotalTokens.Mean) ||
		r.TokensSum != st.TotalTokens.Sum || r.MaxTokens != st.TotalTokens.Max {
		t.Errorf("tokens: report %.3f/%.3f/%.3f sum %d max %d, stats %+v %+v %+v", r.UserMean, r.AssistantMean, r.Mean, r.TokensSum, r.MaxTokens, st.UserTokens, st.AssistantTokens, st.TotalTokens)
	}
	if r.Examples != st.Examples || r.TrainExamples != st.Examples || r.MultiTurn != st.MultiTurn || r.SingleTurn != st.SingleTurn ||
		r.SystemVariants != st.SystemPromptVariants || r.WithSystem != st.WithSystemPrompt || r.Uncategorized != st.Uncategorized {
		t.Errorf("counts: report %+v\nstats %+v", r, st)
	}
	if r.Exact != st.Duplicates || r.Near != st.NearDuplicates || r.Errors != st.Errors || r.Warnings != st.Warnings {
		t.Errorf("findings: report %d/%d/%d/%d, stats %d/%d/%d/%d", r.Exact, r.Near, r.Errors, r.Warnings, st.Duplicates, st.NearDuplicates, st.Errors, st.Warnings)
	}
	if len(r.Categories) != len(st.Categories) {
		t.Fatalf("categories %+v vs %+v", r.Categories, st.Categories)
	}
	for i, c := range st.Categories {
		if r.Categories[i].Name != c.Name || r.Categories[i].Total != c.Count || !near(r.Categories[i].Share, c.Share) {
			t.Errorf("category %d: %+v vs %+v", i, r.Categories[i], c)
		}
	}
	byCode := 0
	for _, f := range r.Findings {
		byCode += f.Count
		if f.Count != st.Findings[f.Code] {
			t.Errorf("%s: %d vs %d", f.Code, f.Count, st.Findings[f.Code])
		}
	}
	if byCode != len(res.Diagnostics) {
		t.Errorf("findings by rule add up to %d, want %d", byCode, len(res.Diagnostics))
	}
	// Billed tokens: 10 examples, so 10 epochs, each example in full.
	if r.Cost.Epochs != 10 || r.Cost.Billed != 10*st.TotalTokens.Sum {
		t.Errorf("cost %+v, want 10 epochs of %d tokens", r.Cost, st.TotalTokens.Sum)
	}
}

func TestInfoValidationIsNotBilled(t *testing.T) {
	data := dataset()
	tr, ts, _ := checked(t, "train.jsonl", data)
	va, vs, _ := checked(t, "valid.jsonl", data)
	r := build(t,
		info.File{Name: "train.jsonl", Role: info.Training, Result: tr, Stats: ts},
		info.File{Name: "valid.jsonl", Role: info.Validation, Result: va, Stats: vs})
	if r.Cost.Examples != ts.Examples || r.Cost.Tokens != ts.TotalTokens.Sum {
		t.Errorf("cost counts %d examples / %d tokens, want the training file's %d / %d", r.Cost.Examples, r.Cost.Tokens, ts.Examples, ts.TotalTokens.Sum)
	}
	if r.ValidExamples != vs.Examples || r.Categories[0].Validation != vs.Categories[0].Count {
		t.Errorf("validation counts: %+v", r.Categories)
	}
	if got := r.ValidationShare(); math.Abs(got-0.5) > 1e-9 {
		t.Errorf("validation share %g", got)
	}
	var text bytes.Buffer
	if err := r.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"- valid.jsonl: 11 examples (and 1 row that is not), validation", "- a: 14 examples (70.0 %): 7 training, 7 validation", "The validation file holds 50.0 % of the examples"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("document lacks %q:\n%s", want, text.String())
		}
	}
}

// TestInfoHTMLStructure checks the page without a browser: well-formed,
// one bar per category, no script and nothing loaded from elsewhere.
func TestInfoHTMLStructure(t *testing.T) {
	res, st, _ := checked(t, "train.jsonl", dataset())
	r := build(t, info.File{Name: "train.jsonl", Role: info.Training, Result: res, Stats: st})
	var page bytes.Buffer
	if err := r.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	html := page.String()
	for _, banned := range []string{"<script", "src=", "href=", "@import", "url("} {
		if strings.Contains(html, banned) {
			t.Errorf("page contains %q", banned)
		}
	}
	dec := xml.NewDecoder(strings.NewReader(html))
	dec.Strict = true
	bars := map[string]int{}
	hist := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("page is not well-formed: %v", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "rect" {
			continue
		}
		attrs := map[string]string{}
		for _, a := range el.Attr {
			attrs[a.Name.Local] = a.Value
		}
		switch attrs["class"] {
		case "bar":
			bars[attrs["data-category"]]++
		case "hist-user", "hist-assistant":
			hist++
		}
	}
	if len(bars) != len(st.Categories) {
		t.Errorf("bars %v, categories %+v", bars, st.Categories)
	}
	for _, c := range st.Categories {
		if bars[c.Name] != 1 {
			t.Errorf("category %q has %d bars", c.Name, bars[c.Name])
		}
	}
	if hist == 0 {
		t.Error("no histogram bars")
	}
}

func TestInfoEscapesNames(t *testing.T) {
	data := `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}],"metadata":{"category":"<b>&\"x'"}}` + "\n"
	res, st, _ := checked(t, "t.jsonl", data)
	r := build(t, info.File{Name: "<t>.jsonl", Role: info.Training, Result: res, Stats: st})
	var page bytes.Buffer
	if err := r.WriteHTML(&page); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), "<b>") || strings.Contains(page.String(), "<t>") {
		t.Error("names are not escaped")
	}
	dec := xml.NewDecoder(&page)
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("not well-formed: %v", err)
		}
	}
}
