package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// want is one expected diagnostic: its code, its range as
// "line:col-line:col" (0-based, UTF-16 columns, as in LSP) and a part of
// its message.
type want struct {
	code, rng, msg string
}

func rangeString(r textpos.Range) string {
	return fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
}

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func checkDiags(t *testing.T, got []diagnostics.Diagnostic, wants []want) {
	t.Helper()
	if len(got) != len(wants) {
		for _, d := range got {
			t.Logf("got %s %s %s", d.Code, rangeString(d.Range), d.Message)
		}
		t.Fatalf("got %d diagnostics, want %d", len(got), len(wants))
	}
	for i, w := range wants {
		d := got[i]
		if d.Code != w.code || rangeString(d.Range) != w.rng || !strings.Contains(d.Message, w.msg) {
			t.Errorf("diagnostic %d = %s %s %q, want %s %s containing %q", i, d.Code, rangeString(d.Range), d.Message, w.code, w.rng, w.msg)
		}
	}
}

// TestFixtures parses every fixture without a file-system location (so
// P005 is checked lexically and P006 not at all) and compares the
// diagnostics exactly.
func TestFixtures(t *testing.T) {
	cases := map[string][]want{
		// Negative fixtures: nothing to report.
		"valid.plan.yaml":    nil,
		"merge.plan.yaml":    nil,
		"p004_ok.plan.yaml":  nil,
		"p005_ok.plan.yaml":  nil,
		"b005_ok.plan.yaml":  nil,
		"b006_ok.plan.yaml":  nil,
		"nonascii.plan.yaml": {{"P002", "1:30-1:33", `unknown key "typ" in task; did you mean "type"?`}, {"P003", "2:41-2:45", `style.response_length is "kurz"; use brief, moderate, detailed or step-by-step`}},

		"p001_indent.plan.yaml":    {{"P001", "3:1-3:23", "did not find expected key; check the indentation"}},
		"p001_tab.plan.yaml":       {{"P001", "2:0-2:1", "not tabs"}},
		"p001_unclosed.plan.yaml":  {{"P001", "1:6-1:7", "the { here is not closed"}},
		"p001_colon.plan.yaml":     {{"P001", "2:19-2:20", `mapping values are not allowed in this context; quote a value that contains ": "`}},
		"p001_duplicate.plan.yaml": {{"P001", "3:2-3:10", `duplicate key "examples" in size`}},
		"p001_two_docs.plan.yaml":  {{"P001", "1:0-1:3", "a plan is one YAML document"}},
		"p001_control.plan.yaml":   {{"P001", "2:13-2:14", "control character U+0007"}},
		"p001_latin1.plan.yaml":    {{"P001", "2:11-2:12", "invalid UTF-8 byte 0xE9"}},

		"p002_typos.plan.yaml": {
			{"P002", "2:2-2:12", `unknown key "temprature" in generation; did you mean "temperature"?`},
			{"P002", "3:2-3:12", `did you mean "batch_size"?`},
			{"P002", "5:2-5:6", `unknown key "Tone" in style; did you mean "tone"?`},
			{"P002", "6:0-6:8", `unknown key "examples" in the top level of the plan; it belongs under size.examples`},
			{"P002", "8:2-8:14", `unknown key "sample_count" in size; known keys are examples or complexity`},
		},

		"p003_values.plan.yaml": {
			{"P003", "1:17-1:21", `size.examples must be a whole number at least 1, not "lots"`},
			{"P003", "1:35-1:40", `size.complexity is "medum"; use simple, medium, complex or domain-adaptation (did you mean "medium"?)`},
			{"P003", "2:25-2:30", `style.response_length is "short"; use brief, moderate, detailed or step-by-step`},
			{"P003", "2:41-2:46", `style.formats must be a list, not "lists"; write [lists]`},
			{"P003", "4:14-4:17", "diversity.multi_turn is 1.5; it must be between 0 and 1"},
			{"P003", "5:9-5:15", "diversity.turns is [6, 2]; the minimum comes first"},
			{"P003", "6:13-6:18", `diversity.negatives must be true or false, not "maybe"`},
			{"P003", "7:20-7:25", `validation.split must be a number at least 0 and below 1 (without quotes), not "0.1"`},
			{"P003", "8:25-8:28", "generation.batch_size is 500; it must be between 10 and 100"},
			{"P003", "8:40-8:54", `generation.base_url "localhost:8000" is not an http or https URL`},
			{"P003", "9:15-9:18", `no rule "C01"; did you mean C001?`},
			{"P003", "9:31-9:35", `lint.rules.C010 is "loud"; use error, warning, info, hint or off`},
		},
		"p003_version.plan.yaml":    {{"P003", "0:9-0:10", "unsupported plan version 2; this ftls reads version 1"}},
		"p003_no_version.plan.yaml": {{"P003", "0:0-0:5", "the plan has no version; add `version: 1`"}},
		"p003_conflicts.plan.yaml": {
			{"P003", "2:4-2:13", "categories[0] has no name"},
			{"P003", "3:10-3:12", "categories[1].name must not be empty"},
			{"P003", "5:2-5:11", "the expertise shares add up to 1.5; they must add up to 1"},
			{"P003", "8:2-8:9", "system_prompt.mode is consistent but 2 prompts are listed"},
			{"P003", "9:40-9:50", "output.validation and output.train name the same file, same.jsonl"},
		},

		"p004_weights.plan.yaml": {
			{"P004", "3:22-3:24", "categories[0].weight is -1; it must be at least 0"},
			{"P004", "4:22-4:26", `categories[1].weight must be a number at least 0, not "lots"`},
			{"P004", "5:25-5:30", `category "c" sets both weight and count; keep one (the count is used)`},
			{"P004", "6:11-6:12", `category "a" is listed twice (first as categories[0])`},
			{"P004", "6:21-6:23", "categories[3].count is -5; it must be at least 0"},
		},
		"p004_case.plan.yaml": {
			{"P004", "5:11-5:18", `category "Billing" differs from "billing" (categories[0]) only in case`},
		},
		"p003_empty_description.plan.yaml": {
			{"P003", "4:17-4:19", `categories[0].description is empty; say what "billing" covers`},
			{"P003", "6:4-6:15", `categories[1].description is empty; say what "returns" covers`},
			{"P003", "8:17-8:22", `categories[2].description is empty`},
		},
		"p004_zero.plan.yaml":         {{"P004", "1:0-1:10", "every category weight is 0"}},
		"p004_counts_over.plan.yaml":  {{"P004", "2:0-2:10", "the category counts add up to 700, more than size.examples (500)"}},
		"p004_counts_all.plan.yaml":   {{"P004", "2:0-2:10", `the category counts use all 500 examples, leaving none for "b"`}},
		"p004_counts_short.plan.yaml": {{"P004", "2:0-2:10", "the category counts add up to 400, but size.examples is 500"}},
		"p004_starved.plan.yaml":      {{"P004", "4:25-4:29", `category "tiny" gets none of the 100 examples with weight 0.01`}},

		"p005_paths.plan.yaml": {
			{"P005", "2:9-2:30", "output.train is an absolute path (/srv/data/train.jsonl)"},
			{"P005", "3:14-3:38", "output.validation (../elsewhere/valid.jsonl) climbs out of the plan's folder"},
			{"P005", "4:8-4:26", `output.info is an absolute path (C:\data\info.txt)`},
		},

		"b005.plan.yaml":                    {{"B005", "1:17-1:20", "size.examples is 300, below the 2,000 recommended for complex tasks (2,000-10,000+)"}},
		"b005_default_complexity.plan.yaml": {{"B005", "2:12-2:15", "below the 500 recommended for medium tasks (500-2,000); size.complexity defaults to medium"}},
		"b006.plan.yaml":                    {{"B006", "2:9-2:13", "validation.split is 0.05 (5 %); hold out 10-20 % of the examples"}},
		"b006_zero.plan.yaml":               {{"B006", "1:20-1:21", "validation.split is 0, so no validation set is held out"}},
	}
	files, _ := filepath.Glob("testdata/*.plan.yaml")
	for _, f := range files {
		if _, ok := cases[filepath.Base(f)]; !ok {
			t.Errorf("fixture %s has no expectations", f)
		}
	}
	for name, wants := range cases {
		t.Run(name, func(t *testing.T) {
			_, got := Parse("", readFixture(t, name))
			checkDiags(t, got, wants)
		})
	}
}

// applyFix applies one fix to data.
func applyFix(data []byte, f *diagnostics.Fix) []byte {
	out := append([]byte{}, data[:f.Start]...)
	out = append(out, f.NewText...)
	return append(out, data[f.End:]...)
}

func TestFixesRepair(t *testing.T) {
	cases := []struct {
		name, src, fixed string
	}{
		{"rename key", "version: 1\ngeneration:\n  temprature: 0.7\n", "version: 1\ngeneration:\n  temperature: 0.7\n"},
		{"dash for underscore", "version: 1\nstyle: {response-length: brief}\n", "version: 1\nstyle: {response_length: brief}\n"},
		{"enum typo", "version: 1\nsize: {complexity: \"medum\"}\n", "version: 1\nsize: {complexity: medium}\n"},
		{"wrap in list", "version: 1\nstyle:\n  formats: code-blocks\n", "version: 1\nstyle:\n  formats: [code-blocks]\n"},
		{"insert version", "# plan\ntask:\n  type: x\n", "# plan\nversion: 1\ntask:\n  type: x\n"},
		{"empty plan", "", "version: 1\n"},
		{"rule code", "version: 1\nlint: {rules: {C01: off}}\n", "version: 1\nlint: {rules: {C001: off}}\n"},
		{"severity typo", "version: 1\nlint: {rules: {C010: warnig}}\n", "version: 1\nlint: {rules: {C010: warning}}\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, diags := Parse("", []byte(c.src))
			if len(diags) != 1 || diags[0].Fix == nil {
				t.Fatalf("want one fixable diagnostic, got %+v", diags)
			}
			got := string(applyFix([]byte(c.src), diags[0].Fix))
			if got != c.fixed {
				t.Fatalf("fixed text = %q, want %q", got, c.fixed)
			}
			if _, again := Parse("", []byte(got)); len(again) != 0 {
				t.Fatalf("fixed plan still has %+v", again)
			}
		})
	}
}

func TestDiagnosticsRelated(t *testing.T) {
	_, diags := Parse("", readFixture(t, "p001_duplicate.plan.yaml"))
	if len(diags) != 1 || len(diags[0].Related) != 1 || rangeString(diags[0].Related[0].Range) != "2:2-2:10" {
		t.Fatalf("duplicate key should point at the first copy: %+v", diags)
	}
	_, diags = Parse("", readFixture(t, "p004_counts_over.plan.yaml"))
	if len(diags) != 1 || len(diags[0].Related) != 1 || rangeString(diags[0].Related[0].Range) != "1:17-1:20" {
		t.Fatalf("counts above the size should point at size.examples: %+v", diags)
	}
}

func TestNonASCIIRanges(t *testing.T) {
	p, _ := Parse("", readFixture(t, "nonascii.plan.yaml"))
	cases := []struct {
		path   []string
		key    bool
		expect string
	}{
		{[]string{"task", "domain"}, false, "1:15-1:28"}, // "Bäckerei 🥐": the emoji is two UTF-16 units
		{[]string{"task", "domain"}, true, "1:7-1:13"},
		{[]string{"style", "tone"}, false, "2:14-2:22"},
		{[]string{"style", "response_length"}, true, "2:24-2:39"},
		{[]string{"version"}, false, "0:9-0:10"}, // CRLF: the \r is not part of the value
	}
	for _, c := range cases {
		var r textpos.Range
		var ok bool
		if c.key {
			r, ok = p.KeyRange(c.path...)
		} else {
			r, ok = p.ValueRange(c.path...)
		}
		if !ok || rangeString(r) != c.expect {
			t.Errorf("%v (key %v) = %s %v, want %s", c.path, c.key, rangeString(r), ok, c.expect)
		}
	}
	if p.Task.Domain != "Bäckerei 🥐" || p.Style.Tone != "fröhlich" {
		t.Errorf("values: %q %q", p.Task.Domain, p.Style.Tone)
	}
}

func TestPositionIndex(t *testing.T) {
	src := "version: 1\ncategories:\n  - name: a\n    weight: 2\n  - name: b\n    description: |\n      line one\n      line two\n    weight: 3.5\nlint:\n  rules: {C010: off}\n"
	p, diags := Parse("", []byte(src))
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %+v", diags)
	}
	cases := []struct {
		path   []string
		key    bool
		expect string
	}{
		{[]string{"categories", "1", "weight"}, true, "8:4-8:10"},
		{[]string{"categories", "1", "weight"}, false, "8:12-8:15"},
		{[]string{"categories", "1", "description"}, false, "5:17-7:14"},
		{[]string{"categories", "0"}, false, "2:4-3:13"},
		{[]string{"categories"}, false, "2:2-8:15"},
		{[]string{"lint", "rules", "C010"}, false, "10:16-10:19"},
	}
	for _, c := range cases {
		var r textpos.Range
		var ok bool
		if c.key {
			r, ok = p.KeyRange(c.path...)
		} else {
			r, ok = p.ValueRange(c.path...)
		}
		if !ok || rangeString(r) != c.expect {
			t.Errorf("%v (key %v) = %s %v, want %s", c.path, c.key, rangeString(r), ok, c.expect)
		}
	}
	if _, ok := p.KeyRange("categories", "7"); ok {
		t.Error("KeyRange of a missing element should fail")
	}
	if p.Categories[1].Description != "line one\nline two\n" || p.Categories[1].Weight != 3.5 {
		t.Errorf("category: %+v", p.Categories[1])
	}
	at := []struct {
		pos   textpos.Position
		path  string
		onKey bool
	}{
		{textpos.Position{Line: 8, Character: 6}, "categories.1.weight", true},
		{textpos.Position{Line: 8, Character: 13}, "categories.1.weight", false},
		{textpos.Position{Line: 6, Character: 8}, "categories.1.description", false},
		{textpos.Position{Line: 10, Character: 11}, "lint.rules.C010", true},
		{textpos.Position{Line: 1, Character: 3}, "categories", true},
	}
	for _, c := range at {
		path, onKey := p.PathAt(c.pos)
		if strings.Join(path, ".") != c.path || onKey != c.onKey {
			t.Errorf("PathAt(%v) = %v %v, want %s %v", c.pos, path, onKey, c.path, c.onKey)
		}
	}
}

func TestDefaults(t *testing.T) {
	p, diags := Parse("", []byte("version: 1\n"))
	if len(diags) != 0 {
		t.Fatalf("diagnostics: %+v", diags)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"complexity", p.Size.Complexity, "medium"},
		{"examples", p.Size.Examples, 500},
		{"tone", p.Style.Tone, DefaultTone},
		{"response_length", p.Style.ResponseLength, "moderate"},
		{"multi_turn", p.Diversity.MultiTurn, 0.2},
		{"turns", p.Diversity.Turns, TurnRange{2, 4}},
		{"expertise", p.Diversity.Expertise, Expertise{0.4, 0.4, 0.2}},
		{"mode", p.SystemPrompt.Mode, "consistent"},
		{"split", p.Validation.Split, 0.1},
		{"seed", p.Validation.Seed, int64(42)},
		{"model", p.Generation.Model, "gpt-4o-mini"},
		{"batch_size", p.Generation.BatchSize, 50},
		{"train", p.Output.Train, "training_data.jsonl"},
		{"validation", p.Output.Validation, "validation_data.jsonl"},
		{"info", p.Output.Info, "dataset_info.txt"},
		{"category_field", p.Output.CategoryField, "metadata.category"},
	}
	for _, c := range checks {
		if fmt.Sprint(c.got) != fmt.Sprint(c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// A rejected value falls back to its default too.
	p, _ = Parse("", []byte("version: 1\ngeneration: {batch_size: 5000}\nsize: {complexity: complex}\n"))
	if p.Generation.BatchSize != 50 || p.Size.Examples != 2000 {
		t.Errorf("batch %d examples %d", p.Generation.BatchSize, p.Size.Examples)
	}
	// Expertise levels left out share the remainder.
	p, _ = Parse("", []byte("version: 1\ndiversity: {expertise: {expert: 0.5}}\n"))
	if e := p.Diversity.Expertise; e.Beginner != 0.25 || e.Intermediate != 0.25 || e.Expert != 0.5 {
		t.Errorf("expertise %+v", e)
	}
	// When every category has a count, the size defaults to their sum.
	p, _ = Parse("", []byte("version: 1\ncategories: [{name: a, count: 30}, {name: b, count: 20}]\n"))
	if p.Size.Examples != 50 {
		t.Errorf("examples %d", p.Size.Examples)
	}
}

func TestTargets(t *testing.T) {
	p, _ := Parse("", []byte("version: 1\nsize: {examples: 100}\ncategories:\n  - {name: a, count: 10}\n  - {name: b, weight: 2}\n  - {name: c}\n  - {name: d, weight: 0}\n"))
	got := fmt.Sprint(p.Targets())
	want := "[{a 10 0.1 0} {b 60 0.6 1} {c 30 0.3 2} {d 0 0 3}]"
	if got != want {
		t.Fatalf("targets = %s, want %s", got, want)
	}
	p, _ = Parse("", []byte("version: 1\nsize: {examples: 10}\ncategories: [{name: a}, {name: b}, {name: c}]\n"))
	total := 0
	for _, tg := range p.Targets() {
		total += tg.Count
	}
	if total != 10 {
		t.Fatalf("rounded targets add up to %d", total)
	}
}

func TestSeverities(t *testing.T) {
	// The plan's own lint section sets the severity of its P rules.
	src := "version: 1\nvalidation: {split: 0.5}\nlint: {rules: {B006: off, P002: error}}\nbogus: 1\n"
	_, diags := Parse("", []byte(src))
	if len(diags) != 1 || diags[0].Code != "P002" || diags[0].Severity != diagnostics.Error {
		t.Fatalf("diagnostics: %+v", diags)
	}
	// Diagnostics takes the caller's settings.
	p, _ := Parse("", []byte(src))
	s := diagnostics.DefaultSettings()
	s.Severities["P002"] = diagnostics.Off
	if got := p.Diagnostics(s); len(got) != 1 || got[0].Code != "B006" {
		t.Fatalf("with P002 off: %+v", got)
	}
}

func TestLintSettings(t *testing.T) {
	p, _ := Parse("", []byte("version: 1\noutput: {category_field: meta.topic}\nlint: {target: generic, model: gpt-4o, max_tokens_per_example: 1000, rules: {C010: off, Q: info}}\n"))
	base := diagnostics.DefaultSettings()
	s, err := p.LintSettings(base)
	if err != nil {
		t.Fatal(err)
	}
	if s.Target != diagnostics.TargetGeneric || s.Model != "gpt-4o" || s.MaxTokens != 1000 || s.CategoryField != "meta.topic" {
		t.Errorf("settings %+v", s)
	}
	if s.Severity("C010") != diagnostics.Off || s.Severity("Q001") != diagnostics.Info {
		t.Errorf("severities %v %v", s.Severity("C010"), s.Severity("Q001"))
	}
	if base.CategoryField != "metadata.category" || len(base.Severities) != 0 {
		t.Error("LintSettings changed its base")
	}
	// A plan without settings copies every field of its base.
	base.MaxTokens = 77
	base.Severities["C010"] = diagnostics.Hint
	p, _ = Parse("", []byte("version: 1\n"))
	s, err = p.LintSettings(base)
	if err != nil || s == base || s.Validate() != nil {
		t.Fatalf("copy: %v", err)
	}
	bv, sv := reflect.ValueOf(base).Elem(), reflect.ValueOf(s).Elem()
	for i := 0; i < bv.NumField(); i++ {
		if bv.Type().Field(i).IsExported() && !reflect.DeepEqual(bv.Field(i).Interface(), sv.Field(i).Interface()) {
			t.Errorf("field %s not copied", bv.Type().Field(i).Name)
		}
	}
}

func TestRulesRegistered(t *testing.T) {
	sev := map[string]diagnostics.Severity{
		"P001": diagnostics.Error, "P002": diagnostics.Warning, "P003": diagnostics.Error,
		"P004": diagnostics.Error, "P005": diagnostics.Error, "P006": diagnostics.Warning,
		"B005": diagnostics.Warning, "B006": diagnostics.Warning,
	}
	for code, want := range sev {
		r := diagnostics.Lookup(code)
		if r == nil {
			t.Errorf("%s not registered", code)
			continue
		}
		if r.Severity != want || r.Doc.What == "" || r.Doc.Why == "" || r.Doc.Bad == "" || r.Doc.Good == "" || r.Doc.Fix == "" {
			t.Errorf("%s: severity %v or documentation incomplete", code, r.Severity)
		}
	}
}
