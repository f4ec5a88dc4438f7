package plan

import (
	"slices"
	"strings"
	"testing"
)

// TestEveryKeyDocumented walks the schema: every key has a summary, a
// type, and a default when it is optional and has one.
func TestEveryKeyDocumented(t *testing.T) {
	var walk func(path []string)
	count := 0
	walk = func(path []string) {
		for _, k := range Keys(path...) {
			p := append(append([]string{}, path...), k)
			if len(path) == 2 && path[0] == "lint" && path[1] == "rules" {
				continue
			}
			d, ok := KeyDoc(p...)
			if !ok || d.Summary == "" || d.Type == "" {
				t.Errorf("%s: missing documentation %+v", strings.Join(p, "."), d)
			}
			count++
			walk(p)
		}
	}
	walk(nil)
	if count < 50 {
		t.Errorf("only %d keys documented", count)
	}
}

func TestKeyDoc(t *testing.T) {
	cases := []struct {
		path    []string
		dotted  string
		typ     string
		def     string
		summary string
	}{
		{[]string{"categories", "2", "weight"}, "categories[].weight", "number at least 0", "1 (unless the category has a count)", "relative share"},
		{[]string{"categories", "[]", "name"}, "categories[].name", "text", "", "unique"},
		{[]string{"size", "complexity"}, "size.complexity", "one of simple, medium, complex, domain-adaptation", "medium", "How hard"},
		{[]string{"validation", "split"}, "validation.split", "number at least 0 and below 1", "0.1", "held out"},
		{[]string{"generation", "batch_size"}, "generation.batch_size", "whole number between 10 and 100", "50", "one request"},
		{[]string{"diversity", "turns"}, "diversity.turns", "[min, max], whole numbers between 2 and 50", "[2, 4]", "user turns"},
		{[]string{"lint", "rules", "P002"}, "lint.rules.P002", "one of error, warning, info, hint, off", "warning", "P002"},
		{nil, "(plan)", "mapping", "", "dataset plan"},
	}
	for _, c := range cases {
		d, ok := KeyDoc(c.path...)
		if !ok || d.Path != c.dotted || d.Type != c.typ || d.Default != c.def || !strings.Contains(d.Summary, c.summary) {
			t.Errorf("KeyDoc(%v) = %+v %v", c.path, d, ok)
		}
		if md := d.Markdown(); !strings.Contains(md, d.Path) {
			t.Errorf("markdown of %v lacks the path: %s", c.path, md)
		}
	}
	if _, ok := KeyDoc("size", "nope"); ok {
		t.Error("KeyDoc of an unknown key should fail")
	}
	d, _ := KeyDoc("size", "examples")
	if !strings.Contains(d.Advice, "500-2,000") || !strings.Contains(d.Advice, "1,000-5,000") {
		t.Errorf("size advice lacks the recommendation table: %q", d.Advice)
	}
}

func TestKeysAndValues(t *testing.T) {
	top := []string{"version", "task", "size", "categories", "style", "diversity", "system_prompt", "validation", "generation", "embeddings", "review", "output", "lint"}
	if got := Keys(); !slices.Equal(got, top) {
		t.Errorf("Keys() = %v", got)
	}
	if got := Keys("categories", "0"); !slices.Equal(got, []string{"name", "weight", "count", "description", "scenarios"}) {
		t.Errorf("category keys = %v", got)
	}
	if got := Keys("categories"); len(got) != 5 {
		t.Errorf("Keys(categories) = %v", got)
	}
	if got := Keys("lint", "rules"); !slices.Contains(got, "P001") || !slices.Contains(got, "B006") {
		t.Errorf("rule codes = %v", got)
	}
	if got := Keys("size", "examples"); got != nil {
		t.Errorf("a scalar has no keys: %v", got)
	}
	values := []struct {
		path   []string
		want   []string
		closed bool
	}{
		{[]string{"size", "complexity"}, Complexities, true},
		{[]string{"style", "response_length"}, []string{"brief", "moderate", "detailed", "step-by-step"}, true},
		{[]string{"system_prompt", "mode"}, []string{"consistent", "varied", "none"}, true},
		{[]string{"diversity", "negatives"}, []string{"true", "false"}, true},
		{[]string{"lint", "rules", "Q001"}, []string{"error", "warning", "info", "hint", "off"}, true},
		{[]string{"lint", "target"}, []string{"openai", "generic"}, true},
	}
	for _, v := range values {
		if got := EnumValues(v.path...); !slices.Equal(got, v.want) || Closed(v.path...) != v.closed {
			t.Errorf("EnumValues(%v) = %v", v.path, got)
		}
	}
	if got := EnumValues("style", "tone"); !slices.Contains(got, "friendly") || Closed("style", "tone") {
		t.Errorf("tone suggestions = %v", got)
	}
	if got := EnumValues("style", "formats", "0"); !slices.Contains(got, "code-blocks") {
		t.Errorf("format suggestions = %v", got)
	}
	if EnumValues("size", "examples") != nil {
		t.Error("a number has no enum values")
	}
}
