package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// planLines is examples/support.plan.yaml cut down: style.response_length
// is misspelt (P002) and the generation and lint sections are missing.
var planLines = []string{
	"version: 1", // 0
	"",
	"task:",
	"  type: customer-support",
	"  domain: e-commerce",
	"",
	"size:",
	"  examples: 600", // 7
	"  complexity: medium",
	"",
	"categories:", // 10
	"  - name: order-status",
	"    weight: 3", // 12
	"  - name: returns",
	"    weight: 2",
	"  - name: shipping",
	"    weight: 2",
	"  - name: billing",
	"    weight: 2",
	"  - name: product-questions",
	"    weight: 2", // 20
	"",
	"style:",
	"  tone: friendly",
	"  respnse_length: brief", // 24
	"",
	"diversity:",
	"  multi_turn: 0.25", // 27
	"",
	"system_prompt:",
	"  mode: consistent",
	"",
	"validation:",
	"  split: 0.15",
	"",
	"output:",
	"  train: training_data.jsonl",
	"  validation: validation_data.jsonl", // 37
	"  category_field: metadata.category",
}

// planFixture writes the plan, the example training data (60 rows, 12 per
// category) and a validation file of 10 rows into a temporary folder.
func planFixture(t *testing.T) (dir, planPath, text string) {
	t.Helper()
	dir = t.TempDir()
	data, err := os.ReadFile("../examples/training_data.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "training_data.jsonl"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	valid := strings.Join(strings.SplitAfter(string(data), "\n")[:10], "")
	if err := os.WriteFile(filepath.Join(dir, "validation_data.jsonl"), []byte(valid), 0o644); err != nil {
		t.Fatal(err)
	}
	text = strings.Join(planLines, "\n") + "\n"
	planPath = filepath.Join(dir, "support.plan.yaml")
	if err := os.WriteFile(planPath, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, planPath, text
}

func (c *client) completionLabels(uri string, line, char int) []string {
	c.t.Helper()
	var list protocol.CompletionList
	c.mustCall("textDocument/completion", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: line, Character: char}}, &list)
	var out []string
	for _, it := range list.Items {
		out = append(out, it.Label)
	}
	return out
}

func TestServePlanDiagnosticsAndFixes(t *testing.T) {
	_, planPath, text := planFixture(t)
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(planPath)
	d := c.open(uri, "yaml", text)

	got := c.waitFull(uri, 1)
	start := strings.Index(planLines[24], "respnse_length")
	want := fmt.Sprintf("P002 24:%d-24:%d", start, start+len("respnse_length"))
	if codes(got) != want {
		t.Fatalf("plan diagnostics:\n%s\nwant:\n%s", codes(got), want)
	}
	p002 := got[0]
	if p002.Source != "ftls" || p002.Severity != 2 || !strings.Contains(p002.Message, "response_length") ||
		p002.CodeDescription == nil || p002.CodeDescription.Href != diagnostics.DocURL("P002") || p002.Data == nil || p002.Data.Fix < 0 {
		t.Errorf("P002: %+v", p002)
	}
	// The same findings as `ftls check` on the file.
	_, cli := plan.Parse(planPath, []byte(text))
	if len(cli) != 1 || cli[0].Code != "P002" || cli[0].Range != p002.Range {
		t.Errorf("plan.Parse gives %+v", cli)
	}

	// Quick fix: the rename, versioned.
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": p002.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{p002}, "only": []string{"quickfix"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Kind != "quickfix" || actions[0].Edit == nil {
		t.Fatalf("plan quick fixes: %+v", actions)
	}
	ch := actions[0].Edit.DocumentChanges
	if len(ch) != 1 || ch[0].TextDocument.URI != uri || ch[0].TextDocument.Version != 1 {
		t.Fatalf("edit is not versioned: %+v", ch)
	}
	fixed := applyEdits(d.text, ch[0].Edits)
	if !strings.Contains(fixed, "\n  response_length: brief\n") || strings.Contains(fixed, "respnse") {
		t.Fatalf("fixed plan:\n%s", fixed)
	}
	for _, e := range ch[0].Edits {
		d.edit(e.Range, e.NewText)
	}
	if got := c.waitFull(uri, d.version); len(got) != 0 {
		t.Errorf("after the rename:\n%s", codes(got))
	}

	// A plan without a version: P003 with an insert fix.
	other := pathURI(filepath.Join(filepath.Dir(planPath), "other.plan.yaml"))
	o := c.open(other, "yaml", "task:\n  type: qa\n")
	got = c.waitFull(other, 1)
	var p003 *protocol.Diagnostic
	for i := range got {
		if got[i].Code == "P003" {
			p003 = &got[i]
		}
	}
	if p003 == nil {
		t.Fatalf("no P003 for a plan without version:\n%s", codes(got))
	}
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: other}, "range": p003.Range,
		"context": map[string]any{"diagnostics": []protocol.Diagnostic{*p003}, "only": []string{"quickfix"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Edit == nil || actions[0].Edit.DocumentChanges[0].TextDocument.Version != 1 {
		t.Fatalf("P003 quick fix: %+v", actions)
	}
	if fixed := applyEdits(o.text, actions[0].Edit.DocumentChanges[0].Edits); fixed != "version: 1\ntask:\n  type: qa\n" {
		t.Errorf("P003 fix gives %q", fixed)
	}
}

func TestServePlanHoverCompletionLens(t *testing.T) {
	dir, planPath, text := planFixture(t)
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(planPath)
	d := c.open(uri, "yaml", text)
	c.waitFull(uri, 1)

	// Targets: 600 examples weighted 3:2:2:2:2 → 164, 109, 109, 109, 109;
	// the training file has 12 of each, the validation file 2 more: the
	// actual figures count both, as dataset_info.txt does.
	h := d.hover(12, 5) // categories[0].weight
	for _, want := range []string{"**categories[].weight**", "**order-status**: planned **164** examples", "actual **14** (20.0 % of 70 in training_data.jsonl and validation_data.jsonl)", "short 150", workspace.ActualDefinition} {
		if !strings.Contains(h, want) {
			t.Errorf("hover on categories[0].weight lacks %q:\n%s", want, h)
		}
	}
	h = d.hover(13, 12) // the name of categories[1]
	if !strings.Contains(h, "**categories[].name**") || !strings.Contains(h, "**returns**: planned **109**") || !strings.Contains(h, "actual **14**") {
		t.Errorf("hover on a category name:\n%s", h)
	}
	if h := d.hover(7, 4); !strings.Contains(h, "**size.examples**") || !strings.Contains(h, "Planned **600** examples · actual **70** (60 in training_data.jsonl, 10 in validation_data.jsonl) · short 530") {
		t.Errorf("hover on size.examples:\n%s", h)
	}
	if h := d.hover(27, 4); !strings.Contains(h, "Planned multi-turn share **25.0 %** · actual **14.3 %** (10 of 70 conversations in training_data.jsonl and validation_data.jsonl)") {
		t.Errorf("hover on diversity.multi_turn:\n%s", h)
	}
	if h := d.hover(33, 4); !strings.Contains(h, "**validation.split**") || !strings.Contains(h, "Planned validation split **15.0 %** · actual **14.3 %** (10 validation, 60 training examples)") {
		t.Errorf("hover on validation.split:\n%s", h)
	}
	if h := d.hover(23, 3); !strings.Contains(h, "**style.tone**") {
		t.Errorf("hover on style.tone:\n%s", h)
	}
	if h := d.hover(1, 0); h != "" {
		t.Errorf("hover on a blank line: %q", h)
	}

	// Completion: keys under style not yet written; values of an enum.
	labels := c.completionLabels(uri, 24, 2)
	if !slices.Contains(labels, "response_length") || !slices.Contains(labels, "formats") || slices.Contains(labels, "tone") {
		t.Errorf("keys under style: %v", labels)
	}
	if got := c.completionLabels(uri, 24, 6); strings.Join(got, ",") != "response_length" {
		t.Errorf("keys under style starting with resp: %v", got)
	}
	if got := c.completionLabels(uri, 24, 20); len(got) != 0 {
		t.Errorf("completion in the value of an unknown key: %v", got)
	}
	var list protocol.CompletionList
	c.mustCall("textDocument/completion", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: 24, Character: 2}}, &list)
	for _, it := range list.Items {
		if it.Label == "response_length" && (it.InsertText != "response_length: " || it.Kind != completionProperty || it.Documentation == nil || !strings.Contains(it.Documentation.Value, "**style.response_length**")) {
			t.Errorf("completion item: %+v", it)
		}
	}
	c.mustCall("textDocument/completion", protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: len(planLines)}}, &list)
	for _, it := range list.Items {
		if it.Label == "generation" && it.InsertText != "generation:" {
			t.Errorf("completion of a section: %+v", it)
		}
	}
	if top := c.completionLabels(uri, len(planLines), 0); !slices.Contains(top, "generation") || !slices.Contains(top, "lint") || slices.Contains(top, "size") {
		t.Errorf("top-level keys: %v", top)
	}
	d.edit(protocol.Range{Start: protocol.Position{Line: 24, Character: 2}, End: protocol.Position{Line: 24, Character: len(planLines[24])}}, "response_length: ")
	if got := c.completionLabels(uri, 24, len("  response_length: ")); strings.Join(got, ",") != "brief,moderate,detailed,step-by-step" {
		t.Errorf("values of style.response_length: %v", got)
	}
	if got := c.completionLabels(uri, 0, 0); len(got) == 0 {
		t.Errorf("no completion at the start of the plan")
	}

	// Code lens per category.
	var lenses []protocol.CodeLens
	c.mustCall("textDocument/codeLens", map[string]any{"textDocument": protocol.TextDocumentIdentifier{URI: uri}}, &lenses)
	var titles []string
	for _, l := range lenses {
		titles = append(titles, fmt.Sprintf("%d: %s", l.Range.Start.Line, l.Command.Title))
	}
	wantLens := strings.Join([]string{
		"11: order-status: planned 164 · actual 14 · short 150",
		"13: returns: planned 109 · actual 14 · short 95",
		"15: shipping: planned 109 · actual 14 · short 95",
		"17: billing: planned 109 · actual 14 · short 95",
		"19: product-questions: planned 109 · actual 14 · short 95",
	}, "\n")
	if strings.Join(titles, "\n") != wantLens {
		t.Errorf("code lenses:\n%s\nwant:\n%s", strings.Join(titles, "\n"), wantLens)
	}

	// Insert missing sections: generation and lint, at the end, versioned.
	var actions []protocol.CodeAction
	c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{"source"}},
	}, &actions)
	if len(actions) != 1 || actions[0].Kind != kindInsertSections || actions[0].Edit == nil {
		t.Fatalf("source actions: %+v", actions)
	}
	ch := actions[0].Edit.DocumentChanges
	if ch[0].TextDocument.Version != d.version || len(ch[0].Edits) != 1 {
		t.Fatalf("insert edit: %+v", ch)
	}
	e := ch[0].Edits[0]
	end := protocol.Position{Line: len(planLines)}
	if e.Range.Start != end || e.Range.End != end || !strings.Contains(e.NewText, "\ngeneration:\n") || !strings.Contains(e.NewText, "\nlint:") || strings.Contains(e.NewText, "\nsize:") {
		t.Errorf("insert edit %+v:\n%s", e.Range, e.NewText)
	}
	after := applyEdits(d.text, ch[0].Edits)
	p, diags := plan.Parse(planPath, []byte(after))
	if len(diags) != 0 || len(plan.MissingSections(p)) != 0 {
		t.Errorf("after inserting the sections: %+v, missing:\n%s", diags, plan.MissingSections(p))
	}

	// The governed dataset gets the plan's settings: B001 as `ftls check`.
	train := filepath.Join(dir, "training_data.jsonl")
	data, _ := os.ReadFile(train)
	turi := pathURI(train)
	c.open(turi, "jsonl", string(data))
	got := c.waitFull(turi, 1)
	pl, err := plan.Load(planPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := pl.Apply(diagnostics.DefaultSettings())
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.CheckFile(context.Background(), train, engine.Options{Settings: st})
	if err != nil {
		t.Fatal(err)
	}
	var wantCodes []string
	for _, w := range res.Diagnostics {
		wantCodes = append(wantCodes, fmt.Sprintf("%s %d:%d-%d:%d", w.Code, w.Range.Start.Line, w.Range.Start.Character, w.Range.End.Line, w.Range.End.Character))
	}
	if codes(got) != strings.Join(wantCodes, "\n") || !strings.Contains(codes(got), "B001") {
		t.Errorf("governed dataset:\n%s\nwant (ftls check):\n%s", codes(got), strings.Join(wantCodes, "\n"))
	}
	for _, g := range got {
		if g.Code == "B001" && g.Message != "order-status: 12 of 60 (20.0 %), planned 27.3 %" {
			t.Errorf("B001 message: %q", g.Message)
		}
	}

	// Saving the plan with equal weights re-checks the dataset: the
	// categories are balanced now.
	if err := os.WriteFile(planPath, []byte(strings.Replace(text, "weight: 3", "weight: 2", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	c.notify("textDocument/didSave", map[string]any{"textDocument": protocol.TextDocumentIdentifier{URI: uri}})
	c.waitFor("B001 gone after saving the plan", func() bool {
		p := c.diags[turi]
		return len(p.Diagnostics) > 0 && !strings.Contains(codes(p.Diagnostics), "B001")
	})
}

// TestServePlanBroken asks for everything at every position of plans that
// are not valid YAML or are half written: no request fails or panics.
func TestServePlanBroken(t *testing.T) {
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 0}, false)
	for i, text := range []string{
		"style:\n  tone: [friendly\n  response_length: \ncategories:\n  - name: a\n    weight: -1\n  - \n",
		"version: 1\ncategories: {name: x, weight\n\t- bad\n# comment: x\nsize:\n  examples: 'ten'\n",
		"",
		"\ufeffversion: 2\r\nsize:\r\n  examples: 10\r\n  complexity: hard\r\n",
	} {
		uri := fmt.Sprintf("file:///nowhere/broken%d.plan.yaml", i)
		c.open(uri, "yaml", text)
		if got := c.waitFull(uri, 1); text != "" && len(got) == 0 {
			t.Errorf("%q: no diagnostics", text)
		}
		lines := strings.Split(text, "\n")
		for ln := 0; ln <= len(lines); ln++ {
			width := 0
			if ln < len(lines) {
				width = len(lines[ln])
			}
			for ch := 0; ch <= width+1; ch++ {
				pos := protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: uri}, Position: protocol.Position{Line: ln, Character: ch}}
				var h *protocol.Hover
				c.mustCall("textDocument/hover", pos, &h)
				var list protocol.CompletionList
				c.mustCall("textDocument/completion", pos, &list)
			}
		}
		var lenses []protocol.CodeLens
		c.mustCall("textDocument/codeLens", map[string]any{"textDocument": protocol.TextDocumentIdentifier{URI: uri}}, &lenses)
		var actions []protocol.CodeAction
		c.mustCall("textDocument/codeAction", map[string]any{
			"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{End: protocol.Position{Line: 99}},
			"context": map[string]any{"diagnostics": []any{}},
		}, &actions)
	}
}

// TestPlanDatasetBackground: a large training file is read in the
// background; the figures say so until it has been read.
func TestPlanDatasetBackground(t *testing.T) {
	old := syncReadLimit
	syncReadLimit = 0
	defer func() { syncReadLimit = old }()
	_, planPath, text := planFixture(t)
	s := New(Options{})
	defer s.cancel()
	p, _ := plan.Parse(planPath, []byte(text))
	a := s.planActuals(p)
	if a.Train != nil || !a.Pending || !strings.Contains(a.Missing(), "counting") {
		t.Fatalf("first request: train %v pending %v", a.Train != nil, a.Pending)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		a = s.planActuals(p)
		if a.Train != nil && a.Valid != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the training file was never read")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if a.Pending || a.Examples != 70 || a.TrainN != 60 || a.ValidN != 10 || a.PerCat["billing"] != 14 || a.Valid == nil {
		t.Errorf("actuals: pending %v, %d examples, %v, valid %v", a.Pending, a.Examples, a.PerCat, a.Valid != nil)
	}
}

// TestServePlanPairsTrainingAndValidation: a plan pairs its output files
// whatever their names, so a validation file called heldout.jsonl that
// repeats a training row gets D004 pointing into the training file.
func TestServePlanPairsTrainingAndValidation(t *testing.T) {
	dir := t.TempDir()
	row := func(q, a string) string {
		return `{"messages":[{"role":"user","content":"` + q + `"},{"role":"assistant","content":"` + a + `"}]}`
	}
	var train []string
	for i := 0; i < 12; i++ {
		train = append(train, row(fmt.Sprintf("Question number %d about parcels", i), fmt.Sprintf("Answer number %d about parcels", i)))
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "train.jsonl"), []byte(strings.Join(train, "\n")+"\n"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "p.plan.yaml"), []byte("version: 1\noutput: {train: train.jsonl, validation: heldout.jsonl}\n"), 0o644))
	held := train[3] + "\n" + row("A question nobody asked before", "An answer nobody gave before") + "\n"
	must(os.WriteFile(filepath.Join(dir, "heldout.jsonl"), []byte(held), 0o644))

	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5, "rules": map[string]string{"C018": "off", "C019": "off", "B005": "off", "B006": "off"}}, false)
	uri := pathURI(filepath.Join(dir, "heldout.jsonl"))
	c.open(uri, "jsonl", held)
	ds := c.waitFull(uri, 1)
	found := false
	for _, d := range ds {
		if d.Code == "D004" {
			found = true
			if len(d.RelatedInformation) != 1 || !strings.HasSuffix(string(d.RelatedInformation[0].Location.URI), "/train.jsonl") || d.RelatedInformation[0].Location.Range.Start.Line != 3 {
				t.Errorf("D004 related information: %+v", d.RelatedInformation)
			}
		}
	}
	if !found {
		t.Errorf("no D004 on heldout.jsonl; got %s", codes(ds))
	}
}

// A key being typed on its own line makes the YAML invalid until its colon
// comes: completion must still leave out the keys the mapping already has
// (Neovim's omnifunc asks with the typed letters in the buffer).
func TestPlanCompletionSkipsWrittenKeysWhileTyping(t *testing.T) {
	dir := t.TempDir()
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	open := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		uri := pathURI(path)
		c.open(uri, "yaml", text)
		c.waitFull(uri, 1)
		return uri
	}
	style := open("style.plan.yaml", "version: 1\nstyle:\n  tone: friendly\n  t\n")
	if got := c.completionLabels(style, 3, 3); slices.Contains(got, "tone") {
		t.Errorf("keys under style starting with t offer the written tone: %v", got)
	}
	if got := c.completionLabels(style, 3, 2); slices.Contains(got, "tone") || !slices.Contains(got, "response_length") {
		t.Errorf("keys under style before a typed t: %v", got)
	}
	item := open("item.plan.yaml", "version: 1\ncategories:\n  - name: a\n    weight: 2\n    w")
	if got := c.completionLabels(item, 4, 5); slices.Contains(got, "weight") {
		t.Errorf("keys of a category starting with w offer the written weight: %v", got)
	}
	top := open("top.plan.yaml", "version: 1\nv\n")
	if got := c.completionLabels(top, 1, 1); slices.Contains(got, "version") {
		t.Errorf("top-level keys starting with v offer the written version: %v", got)
	}
}
