package plan

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestStarterRoundTrip(t *testing.T) {
	full := DefaultAnswers()
	full.TaskType = "customer-support"
	full.Domain = "e-commerce"
	full.Description = "Answers \"where is my order?\" for Acme: shipping, returns & refunds.\nNever promises refunds."
	full.Examples = 2500
	full.Complexity = "complex"
	full.Categories = []string{"order-status", "returns", "yes", "a: b", "Bestellung 📦"}
	full.Tone = "friendly"
	full.ResponseLength = "step-by-step"
	full.MultiTurn = 0.35
	full.ValidationSplit = 0.15
	full.Model = "llama3.1:8b"

	single := DefaultAnswers()
	single.MultiTurn = 0
	single.Complexity = "simple"
	single.Examples = 100

	for name, a := range map[string]Answers{"defaults": DefaultAnswers(), "full": full, "single-turn": single} {
		t.Run(name, func(t *testing.T) {
			src := Starter(a)
			p, diags := Parse("", src)
			if len(diags) != 0 {
				t.Fatalf("starter plan has diagnostics %+v\n%s", diags, src)
			}
			a = a.withDefaults()
			var cats []string
			for _, c := range p.Categories {
				cats = append(cats, c.Name)
				if c.Weight != 1 {
					t.Errorf("category %q weight %v", c.Name, c.Weight)
				}
			}
			got := Answers{
				TaskType: p.Task.Type, Domain: p.Task.Domain, Description: p.Task.Description,
				Examples: p.Size.Examples, Complexity: p.Size.Complexity, Categories: cats,
				Tone: p.Style.Tone, ResponseLength: p.Style.ResponseLength,
				MultiTurn: p.Diversity.MultiTurn, ValidationSplit: p.Validation.Split, Model: p.Generation.Model,
			}
			if !reflect.DeepEqual(got, a) {
				t.Fatalf("read back %+v\nwant %+v", got, a)
			}
			for _, section := range Keys() {
				if !p.Has(section) && section != "categories" && section != "lint" && section != "embeddings" {
					t.Errorf("starter lacks section %s", section)
				}
			}
			if !bytes.Contains(src, []byte("# ")) {
				t.Error("starter has no comments")
			}
		})
	}
}

func TestStarterZeroAnswers(t *testing.T) {
	// Text answers and the size get defaults; shares are taken as given, so
	// a zero split holds out nothing and B006 says so.
	_, diags := Parse("", Starter(Answers{}))
	if len(diags) != 1 || diags[0].Code != "B006" {
		t.Fatalf("diagnostics %+v", diags)
	}
}

func TestMissingSections(t *testing.T) {
	src := "version: 1\ntask: {type: qa}\nsize: {examples: 2000, complexity: complex}\nvalidation: {split: 0.2}\n"
	p, _ := Parse("", []byte(src))
	missing := MissingSections(p)
	for _, s := range []string{"categories:", "style:", "diversity:", "system_prompt:", "validation:", "generation:", "output:", "lint:"} {
		want := s != "validation:"
		if got := bytes.Contains(missing, []byte("\n"+s)); got != want {
			t.Errorf("section %s inserted = %v, want %v", s, got, want)
		}
	}
	if bytes.Contains(missing, []byte("\ntask:")) || bytes.Contains(missing, []byte("\nsize:")) {
		t.Error("present sections were inserted")
	}
	merged := append([]byte(src), missing...)
	q, diags := Parse("", merged)
	if len(diags) != 0 {
		t.Fatalf("plan with inserted sections has diagnostics %+v\n%s", diags, merged)
	}
	// Inserting the defaults changes nothing (an empty list reads back
	// as an empty list where there was none).
	if fmt.Sprintf("%+v", strip(p)) != fmt.Sprintf("%+v", strip(q)) {
		t.Errorf("inserting sections changed the plan:\n%+v\n%+v", strip(p), strip(q))
	}
	if got := MissingSections(q); len(got) != 0 {
		t.Errorf("nothing should be missing now, got %s", got)
	}
	// Without a version, the version is inserted too.
	p, _ = Parse("", []byte("task: {type: qa}\n"))
	if !strings.HasPrefix(string(MissingSections(p)), "# Version") {
		t.Errorf("version not inserted:\n%s", MissingSections(p))
	}
}

// strip returns the plan's values without its position data.
func strip(p *Plan) Plan {
	return Plan{Version: p.Version, Task: p.Task, Size: p.Size, Categories: p.Categories, Style: p.Style,
		Diversity: p.Diversity, SystemPrompt: p.SystemPrompt, Validation: p.Validation,
		Generation: p.Generation, Output: p.Output, Lint: p.Lint}
}

func TestQuestions(t *testing.T) {
	a := DefaultAnswers()
	qs := map[string]Question{}
	for _, q := range Questions() {
		qs[q.Name] = q
	}
	set := func(name, reply string) (string, error) { return qs[name].Set(&a, reply) }
	if _, err := set("complexity", "COMPLEX"); err != nil || a.Complexity != "complex" || a.Examples != 2000 {
		t.Errorf("complexity: %v %+v", err, a)
	}
	if _, err := set("complexity", "dom"); err != nil || a.Complexity != "domain-adaptation" || a.Examples != 1000 {
		t.Errorf("prefix: %v %+v", err, a)
	}
	if _, err := set("complexity", "hard"); err == nil {
		t.Error("unknown complexity accepted")
	}
	if note, err := set("examples", "1,200"); err != nil || a.Examples != 1200 || note != "" {
		t.Errorf("examples: %v %q %d", err, note, a.Examples)
	}
	if note, _ := set("examples", "50"); !strings.Contains(note, "B005") {
		t.Errorf("small size gives no note: %q", note)
	}
	if _, err := set("examples", "0"); err == nil {
		t.Error("0 examples accepted")
	}
	if _, err := set("multi-turn", "25%"); err != nil || a.MultiTurn != 0.25 {
		t.Errorf("multi-turn: %v %v", err, a.MultiTurn)
	}
	if _, err := set("multi-turn", "1.5"); err == nil {
		t.Error("share above 1 accepted")
	}
	if note, err := set("validation-split", "0.3"); err != nil || !strings.Contains(note, "B006") {
		t.Errorf("split note: %v %q", err, note)
	}
	if _, err := set("validation-split", "1"); err == nil {
		t.Error("split of 1 accepted")
	}
	if _, err := set("categories", "a, b ,c"); err != nil || !reflect.DeepEqual(a.Categories, []string{"a", "b", "c"}) {
		t.Errorf("categories: %v %v", err, a.Categories)
	}
	if _, err := set("categories", "a, a"); err == nil {
		t.Error("duplicate categories accepted")
	}
	if _, err := set("categories", "billing, returns, Billing"); err == nil || !strings.Contains(err.Error(), `"billing" and "Billing" differ only in case`) {
		t.Errorf("categories equal but for case: %v", err)
	}
	if _, err := set("categories", "none"); err != nil || a.Categories != nil {
		t.Errorf("no categories: %v %v", err, a.Categories)
	}
	if _, err := set("response-length", "step"); err != nil || a.ResponseLength != "step-by-step" {
		t.Errorf("response length: %v %v", err, a.ResponseLength)
	}
}

// TestAnswersRefuseCaseDuplicates: billing and Billing are one category
// (issue 19), in the answers as in the plan rules.
func TestAnswersRefuseCaseDuplicates(t *testing.T) {
	a := DefaultAnswers()
	for _, cats := range [][]string{{"billing", "Billing"}, {"Rückgabe", "RÜCKGABE"}, {"a", "b", "a"}} {
		a.Categories = cats
		if err := a.Validate(); err == nil {
			t.Errorf("%q accepted", cats)
		}
	}
	a.Categories = []string{"billing", "billing-disputes", "returns"}
	if err := a.Validate(); err != nil {
		t.Errorf("distinct categories refused: %v", err)
	}
}
