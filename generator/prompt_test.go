package generator

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/plan"
)

func loadPlan(t *testing.T, path string) *plan.Plan {
	t.Helper()
	p, err := plan.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func parsePlan(t *testing.T, yaml string) *plan.Plan {
	t.Helper()
	p, _ := plan.Parse("", []byte(yaml))
	if p.HasSyntaxError() {
		t.Fatal("plan does not parse")
	}
	return p
}

// The assignments of a run follow the plan's shares: expertise, the
// multi-turn share and turn range, edge cases and negatives, and rotate
// through the category's scenarios.
func TestPlannerShares(t *testing.T) {
	p := loadPlan(t, "testdata/shop/shop.plan.yaml")
	pl := newPlanner(p, 42)
	count := map[string]int{}
	multi, edges, negs, total := 0, 0, 0, 0
	scen := map[string]int{}
	for range 40 {
		b := pl.next("orders", 10)
		if len(b.Assignments) != 10 {
			t.Fatalf("%d assignments, want 10", len(b.Assignments))
		}
		for _, a := range b.Assignments {
			total++
			count[a.Expertise]++
			count[a.Difficulty]++
			count[a.Phrasing]++
			scen[a.Scenario]++
			if a.UserTurns > 1 {
				multi++
				if a.UserTurns < 2 || a.UserTurns > 3 {
					t.Errorf("%d user turns, want 2-3", a.UserTurns)
				}
			}
			if a.EdgeCase != "" {
				edges++
			}
			if a.Negative {
				negs++
			}
			if a.SystemPrompt != -1 {
				t.Errorf("consistent mode assigned system prompt %d", a.SystemPrompt)
			}
		}
	}
	near := func(name string, got int, want float64) {
		t.Helper()
		if share := float64(got) / float64(total); math.Abs(share-want) > 0.02 {
			t.Errorf("%s share %.3f, want %.3f", name, share, want)
		}
	}
	near("beginner", count["beginner"], 0.5)
	near("intermediate", count["intermediate"], 0.3)
	near("expert", count["expert"], 0.2)
	near("multi-turn", multi, 0.25)
	near("edge cases", edges, edgeCaseShare)
	near("negatives", negs, negativeShare)
	near("easy (simple plan)", count["easy"], 0.5)
	for _, ph := range []string{"question", "command", "statement"} {
		near(ph, count[ph], 1.0/3)
	}
	if scen["late delivery"] != total/2 || scen["wrong address"] != total/2 {
		t.Errorf("scenarios %v, want an even rotation", scen)
	}
}

func TestPromptFromPlan(t *testing.T) {
	p := loadPlan(t, "testdata/shop/shop.plan.yaml")
	pb := promptBuilder{p: p, systemPrompt: p.SystemPrompt.Prompts[0]}
	b := newPlanner(p, 1).next("returns", 12)
	b.Avoid = []string{"My boots are too small"}
	msgs := pb.Messages(b)
	if len(msgs) != 2 || msgs[0].Role != "system" || msgs[1].Role != "user" {
		t.Fatalf("messages %+v", msgs)
	}
	sys, user := msgs[0].Content, msgs[1].Content
	for _, want := range []string{
		"Do not write system messages",
		`"examples" holds exactly 12 conversations`,
		`{"examples":[{"messages":[`,
	} {
		if !strings.Contains(sys, want) {
			t.Errorf("system prompt lacks %q", want)
		}
	}
	for _, want := range []string{
		`Write 12 conversations for the category "returns".`,
		"Task: customer-support", "Domain: e-commerce",
		"Answers customers of a small outdoor shop",
		"Tone: friendly", "brief (a sentence or two)", "Formats to use where they help: lists",
		`The category "returns": sending items back and refunds`,
		"Its scenarios: too small; damaged",
		p.SystemPrompt.Prompts[0],
		"Expertise: beginner =", "Difficulty: easy =",
		"Already written for this category", "- My boots are too small",
	} {
		if !strings.Contains(user, want) {
			t.Errorf("user prompt lacks %q", want)
		}
	}
	// One brief per example, each naming its own assignment.
	briefs := strings.Split(strings.SplitN(user, "\nBriefs\n", 2)[1], "\n")
	n := 0
	for _, l := range briefs {
		if strings.Contains(l, " user; ") {
			n++
		}
	}
	if n != 12 {
		t.Errorf("%d briefs, want 12:\n%s", n, user)
	}
	for _, a := range b.Assignments {
		if !strings.Contains(user, a.describe()) {
			t.Errorf("brief %q missing", a.describe())
		}
	}
}

func TestPromptSystemModes(t *testing.T) {
	base := "version: 1\ntask: {type: qa, domain: cooking}\ncategories: [{name: a}]\n"
	cases := []struct {
		mode, want string
		roles      []string
	}{
		{"system_prompt: {mode: none}\n", "Do not write system messages: the conversations have none", []string{"user", "assistant"}},
		{"system_prompt: {mode: varied}\n", "Start every conversation with a system message", []string{"system", "user", "assistant"}},
		{"system_prompt: {mode: varied, prompts: [One., Two.]}\n", "Each brief names the system prompt", []string{"user", "assistant"}},
	}
	for _, c := range cases {
		p := parsePlan(t, base+c.mode)
		pb := promptBuilder{p: p}
		b := newPlanner(p, 1).next("a", 4)
		msgs := pb.Messages(b)
		if !strings.Contains(msgs[0].Content, c.want) {
			t.Errorf("%s: system prompt lacks %q", c.mode, c.want)
		}
		var schema struct {
			Properties struct {
				Examples struct {
					Items struct {
						Properties struct {
							Messages struct {
								Items struct {
									Properties struct {
										Role struct{ Enum []string }
									}
								}
							}
						}
					}
				}
			}
		}
		if err := json.Unmarshal(pb.schema(), &schema); err != nil {
			t.Fatal(err)
		}
		got := schema.Properties.Examples.Items.Properties.Messages.Items.Properties.Role.Enum
		if strings.Join(got, ",") != strings.Join(c.roles, ",") {
			t.Errorf("%s: schema roles %v, want %v", c.mode, got, c.roles)
		}
		if strings.Contains(c.mode, "prompts") {
			if !strings.Contains(msgs[1].Content, "S1: One.") || !strings.Contains(msgs[1].Content, "system prompt S2") {
				t.Errorf("varied prompts not listed or assigned:\n%s", msgs[1].Content)
			}
		}
	}
}
