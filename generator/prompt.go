package generator

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/ftls-dev/ftls/internal/plan"
)

// Assignment is the brief of one example in a batch: who the user is, how
// the request is phrased, how hard it is, how long the conversation runs
// and what it is about. Every example of a batch gets its own, so that a
// batch does not repeat one template.
type Assignment struct {
	Expertise  string // beginner, intermediate or expert
	Phrasing   string // question, command, statement, or the plan's own
	Difficulty string // easy, moderate or hard
	// UserTurns is the number of user messages: 1 for a single-turn
	// example, within the plan's turn range for a multi-turn one.
	UserTurns int
	Scenario  string // one of the category's scenarios, or ""
	EdgeCase  string // one of the plan's edge cases, or ""
	// Negative asks for a request the assistant must decline or correct.
	Negative bool
	// SystemPrompt is the index in the plan's prompts of the system prompt
	// this example runs under (varied mode with listed prompts), or -1.
	SystemPrompt int
}

// Batch is one request: Count examples of one category.
type Batch struct {
	Seq         int // 1-based, in the order batches were planned
	Category    string
	Count       int
	Assignments []Assignment
	// Avoid lists openings of conversations already accepted in this
	// category during the run, which the model is asked not to repeat.
	Avoid []string
}

// Difficulties are the values of Assignment.Difficulty.
var Difficulties = []string{"easy", "moderate", "hard"}

// difficultyMix is the share of each difficulty for a plan complexity.
var difficultyMix = map[string][3]float64{
	"simple":            {0.5, 0.35, 0.15},
	"medium":            {0.3, 0.45, 0.25},
	"complex":           {0.2, 0.4, 0.4},
	"domain-adaptation": {0.25, 0.45, 0.3},
}

// Shares of a run's examples that get an edge case or are negative, when
// the plan lists edge cases or asks for negatives. The plan has no key for
// them; these are enough to cover each edge case several times in a
// dataset of a few hundred examples without dominating it.
const (
	edgeCaseShare = 0.2
	negativeShare = 0.15
)

// maxAvoid is how many openings of earlier conversations a prompt lists.
const maxAvoid = 8

// planner draws the assignments of successive batches. It carries
// fractional remainders from batch to batch, so that over a run the
// multi-turn, edge-case and negative shares come out as planned even when
// a batch is too small to hold them exactly, and rotates scenarios, edge
// cases and system prompts so that consecutive batches cover different
// ones.
type planner struct {
	p   *plan.Plan
	rng *rand.Rand
	// carries of the fractional shares
	multiCarry, edgeCarry, negCarry float64
	scenarioNext                    map[string]int
	edgeNext, promptNext            int
	seq                             int
}

func newPlanner(p *plan.Plan, seed int64) *planner {
	return &planner{
		p:            p,
		rng:          rand.New(rand.NewPCG(uint64(seed), uint64(seed)^0x9E3779B97F4A7C15)),
		scenarioNext: map[string]int{},
	}
}

// next plans a batch of n examples of category.
func (pl *planner) next(category string, n int) Batch {
	pl.seq++
	p := pl.p
	b := Batch{Seq: pl.seq, Category: category, Count: n, Assignments: make([]Assignment, n)}
	d := p.Diversity

	expertise := pl.spread(n, []string{"beginner", "intermediate", "expert"},
		[]float64{d.Expertise.Beginner, d.Expertise.Intermediate, d.Expertise.Expert})
	phrasings := d.Phrasing
	if len(phrasings) == 0 {
		phrasings = plan.DefaultPhrasing
	}
	phrasing := pl.rotate(n, phrasings, pl.rng.IntN(len(phrasings)))
	mix, ok := difficultyMix[p.Size.Complexity]
	if !ok {
		mix = difficultyMix["medium"]
	}
	difficulty := pl.spread(n, Difficulties, mix[:])

	multi := pl.draw(n, d.MultiTurn, &pl.multiCarry)
	lo, hi := max(2, d.Turns.Min), max(2, d.Turns.Min, d.Turns.Max)
	turns := make([]int, n)
	for i := range turns {
		turns[i] = 1
		if i < multi {
			turns[i] = lo + pl.rng.IntN(hi-lo+1)
		}
	}
	pl.rng.Shuffle(n, func(i, j int) { turns[i], turns[j] = turns[j], turns[i] })

	var scenarios []string
	if c, ok := p.Category(category); ok && len(c.Scenarios) > 0 {
		start := pl.scenarioNext[category]
		scenarios = pl.rotate(n, c.Scenarios, start)
		pl.scenarioNext[category] = (start + n) % len(c.Scenarios)
	}
	edges := make([]string, n)
	if len(d.EdgeCases) > 0 {
		k := pl.draw(n, edgeCaseShare, &pl.edgeCarry)
		for i := 0; i < k; i++ {
			edges[i] = d.EdgeCases[(pl.edgeNext+i)%len(d.EdgeCases)]
		}
		pl.edgeNext = (pl.edgeNext + k) % len(d.EdgeCases)
		pl.rng.Shuffle(n, func(i, j int) { edges[i], edges[j] = edges[j], edges[i] })
	}
	negs := make([]bool, n)
	if d.Negatives {
		k := pl.draw(n, negativeShare, &pl.negCarry)
		for i := 0; i < k; i++ {
			negs[i] = true
		}
		pl.rng.Shuffle(n, func(i, j int) { negs[i], negs[j] = negs[j], negs[i] })
	}
	prompts := p.SystemPrompt.Prompts
	for i := range b.Assignments {
		a := Assignment{
			Expertise: expertise[i], Phrasing: phrasing[i], Difficulty: difficulty[i],
			UserTurns: turns[i], EdgeCase: edges[i], Negative: negs[i], SystemPrompt: -1,
		}
		if scenarios != nil {
			a.Scenario = scenarios[i]
		}
		if p.SystemPrompt.Mode == "varied" && len(prompts) > 0 {
			a.SystemPrompt = pl.promptNext % len(prompts)
			pl.promptNext++
		}
		b.Assignments[i] = a
	}
	return b
}

// draw returns how many of n examples get a feature of the given share,
// carrying the fraction to the next batch.
func (pl *planner) draw(n int, share float64, carry *float64) int {
	if share <= 0 {
		return 0
	}
	exact := float64(n)*share + *carry
	k := min(n, int(math.Floor(exact)))
	*carry = exact - float64(k)
	return k
}

// spread gives n values in proportion to weights (largest remainder, ties
// broken at random), shuffled.
func (pl *planner) spread(n int, values []string, weights []float64) []string {
	total := 0.0
	for _, w := range weights {
		total += max(w, 0)
	}
	out := make([]string, 0, n)
	if total <= 0 {
		return pl.rotate(n, values, pl.rng.IntN(len(values)))
	}
	type rem struct {
		i    int
		frac float64
	}
	var rems []rem
	for i, w := range weights {
		exact := float64(n) * max(w, 0) / total
		whole := int(exact)
		for range whole {
			out = append(out, values[i])
		}
		rems = append(rems, rem{i, exact - float64(whole) + pl.rng.Float64()*1e-9})
	}
	sort.Slice(rems, func(a, b int) bool { return rems[a].frac > rems[b].frac })
	for k := 0; len(out) < n; k++ {
		out = append(out, values[rems[k%len(rems)].i])
	}
	pl.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// rotate returns n values taken in turn from values, starting at start,
// then shuffled.
func (pl *planner) rotate(n int, values []string, start int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = values[(start+i)%len(values)]
	}
	pl.rng.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// ResponseFormat is how a request asks for JSON.
type ResponseFormat int

const (
	// FormatJSONSchema sends response_format json_schema with the schema
	// of the answer (structured output).
	FormatJSONSchema ResponseFormat = iota
	// FormatJSONObject sends response_format json_object.
	FormatJSONObject
	// FormatNone sends no response_format; the prompt alone asks for JSON.
	FormatNone
)

func (f ResponseFormat) String() string {
	switch f {
	case FormatJSONSchema:
		return "json_schema"
	case FormatJSONObject:
		return "json_object"
	}
	return "none"
}

// responseLengths explains style.response_length to the model.
var responseLengths = map[string]string{
	"brief":        "brief (a sentence or two)",
	"moderate":     "moderate (a short paragraph, or a few)",
	"detailed":     "detailed (a thorough explanation)",
	"step-by-step": "step-by-step (a numbered walk-through when there is something to do)",
}

// phrasingMeaning explains the usual phrasings; others are used as named.
var phrasingMeaning = map[string]string{
	"question":  "asks directly",
	"command":   "tells the assistant what to do",
	"statement": "describes the situation and leaves the request implied",
	"informal":  "casual and short, the way people type on a phone",
	"formal":    "complete sentences and polite forms",
}

// Messages returns the chat messages of the request for batch b.
func (g *promptBuilder) Messages(b Batch) []openai.ChatCompletionMessage {
	return []openai.ChatCompletionMessage{
		{Role: openai.ChatMessageRoleSystem, Content: g.system(b)},
		{Role: openai.ChatMessageRoleUser, Content: g.user(b)},
	}
}

// promptBuilder writes the prompts of a plan.
type promptBuilder struct {
	p *plan.Plan
	// systemPrompt is the prompt every example gets in consistent mode.
	systemPrompt string
}

func (g *promptBuilder) system(b Batch) string {
	var s strings.Builder
	s.WriteString("You write conversations that will be used to fine-tune a chat assistant. Each conversation becomes one training example: the assistant's turns must be exactly what the finished model should say, and the user's turns must read like messages real people send.\n\n")
	s.WriteString("How to write them:\n")
	s.WriteString("- Write every conversation in full. It opens with a user message, user and assistant take turns, and the assistant has the last word.\n")
	s.WriteString("- Follow each conversation's brief: who the user is, how they phrase the request, how hard it is, how many user turns it has and what it is about. Never mention the brief inside the conversation.\n")
	s.WriteString("- Make the conversations differ from each other: different people, details, numbers, wording and first sentences.\n")
	s.WriteString("- Let users write naturally: short or long, formal or casual, sometimes vague or with a typo, never a stiff template.\n")
	s.WriteString("- Use concrete, plausible details instead of placeholders such as [name], <order id> or XXX.\n")
	s.WriteString("- The assistant speaks as the assistant described by the user message. It does not call itself an AI language model and does not open with filler such as \"Great question!\" or \"Certainly!\".\n")
	switch g.p.SystemPrompt.Mode {
	case "none":
		s.WriteString("- Do not write system messages: the conversations have none.\n")
	case "varied":
		if len(g.p.SystemPrompt.Prompts) > 0 {
			s.WriteString("- Do not write system messages. Each brief names the system prompt the conversation runs under; it is added for you.\n")
		} else {
			s.WriteString("- Start every conversation with a system message that sets up the assistant. Word it differently in each conversation (length, wording, which instructions it stresses) while keeping the same role and rules.\n")
		}
	default:
		s.WriteString("- Do not write system messages: the assistant's system prompt, shown in the user message, is added to every conversation for you.\n")
	}
	fmt.Fprintf(&s, "\nReply with one JSON object and nothing else, shaped like this:\n%s\n\"examples\" holds exactly %d conversation%s, in the order of the briefs.",
		`{"examples":[{"messages":[{"role":"user","content":"..."},{"role":"assistant","content":"..."}]}]}`, b.Count, plural(b.Count))
	return s.String()
}

func (g *promptBuilder) user(b Batch) string {
	p := g.p
	var s strings.Builder
	what := "conversations"
	if b.Count == 1 {
		what = "conversation"
	}
	if b.Category != "" {
		fmt.Fprintf(&s, "Write %d %s for the category %q.\n\n", b.Count, what, b.Category)
	} else {
		fmt.Fprintf(&s, "Write %d %s.\n\n", b.Count, what)
	}

	s.WriteString("The assistant\n")
	line := func(label, v string) {
		if v = strings.TrimSpace(v); v != "" {
			fmt.Fprintf(&s, "- %s: %s\n", label, v)
		}
	}
	line("Task", p.Task.Type)
	line("Domain", p.Task.Domain)
	line("What it does", oneLine(p.Task.Description))
	line("Tone", p.Style.Tone)
	if d, ok := responseLengths[p.Style.ResponseLength]; ok {
		line("Length of each assistant reply", d)
	} else {
		line("Length of each assistant reply", p.Style.ResponseLength)
	}
	if len(p.Style.Formats) > 0 {
		line("Formats to use where they help", strings.Join(p.Style.Formats, ", "))
	}

	if c, ok := p.Category(b.Category); ok {
		fmt.Fprintf(&s, "\nThe category %q", c.Name)
		if d := oneLine(c.Description); d != "" {
			fmt.Fprintf(&s, ": %s", d)
		}
		s.WriteString("\n")
		if len(c.Scenarios) > 0 {
			fmt.Fprintf(&s, "Its scenarios: %s\n", strings.Join(c.Scenarios, "; "))
		}
	}

	switch {
	case p.SystemPrompt.Mode == "varied" && len(p.SystemPrompt.Prompts) > 0:
		s.WriteString("\nSystem prompts the conversations run under (added for you; do not write system messages):\n")
		for i, sp := range p.SystemPrompt.Prompts {
			fmt.Fprintf(&s, "S%d: %s\n", i+1, oneLine(sp))
		}
	case p.SystemPrompt.Mode == "varied":
	case p.SystemPrompt.Mode == "none":
	default:
		if g.systemPrompt != "" {
			fmt.Fprintf(&s, "\nThe assistant's system prompt (added to every conversation for you; do not write system messages):\n%s\n", oneLine(g.systemPrompt))
		}
	}

	s.WriteString("\nWhat the briefs mean\n")
	s.WriteString("- Expertise: beginner = new to the subject, uses everyday words and may misname things; intermediate = knows the basics and the usual terms; expert = precise, wants specifics and skips the basics.\n")
	phr := map[string]bool{}
	var phrs []string
	for _, a := range b.Assignments {
		if !phr[a.Phrasing] {
			phr[a.Phrasing] = true
			phrs = append(phrs, a.Phrasing)
		}
	}
	sort.Strings(phrs)
	var parts []string
	for _, ph := range phrs {
		if m, ok := phrasingMeaning[strings.ToLower(ph)]; ok {
			parts = append(parts, ph+" = "+m)
		} else {
			parts = append(parts, ph+" = phrased that way")
		}
	}
	fmt.Fprintf(&s, "- Phrasing of the user's first message: %s.\n", strings.Join(parts, "; "))
	s.WriteString("- Difficulty: easy = one clear need, answered directly; moderate = needs a detail or a follow-up question; hard = several constraints, missing or conflicting information, or a limit of what the assistant may do.\n")
	multi, edge, neg := false, false, false
	for _, a := range b.Assignments {
		multi = multi || a.UserTurns > 1
		edge = edge || a.EdgeCase != ""
		neg = neg || a.Negative
	}
	if multi {
		s.WriteString("- N user turns: the user writes N messages; after the first they follow up (add a detail, answer the assistant's question, ask something related), and the assistant answers each.\n")
	}
	if edge {
		s.WriteString("- Edge case: build the conversation around the situation named.\n")
	}
	if neg {
		s.WriteString("- Negative: the user asks for something the assistant must not do, or proposes a wrong approach; the assistant declines or corrects it politely, says why, and offers what it can do instead.\n")
	}

	s.WriteString("\nBriefs\n")
	for i, a := range b.Assignments {
		fmt.Fprintf(&s, "%d. %s\n", i+1, a.describe())
	}
	if len(b.Avoid) > 0 {
		s.WriteString("\nAlready written for this category; start differently and cover other situations:\n")
		for _, o := range b.Avoid {
			fmt.Fprintf(&s, "- %s\n", o)
		}
	}
	return strings.TrimRight(s.String(), "\n")
}

func (a Assignment) describe() string {
	turns := "1 user turn"
	if a.UserTurns > 1 {
		turns = fmt.Sprintf("%d user turns", a.UserTurns)
	}
	parts := []string{a.Expertise + " user", a.Phrasing, a.Difficulty, turns}
	if a.Scenario != "" {
		parts = append(parts, "scenario: "+a.Scenario)
	}
	if a.EdgeCase != "" {
		parts = append(parts, "edge case: "+a.EdgeCase)
	}
	if a.Negative {
		parts = append(parts, "negative")
	}
	if a.SystemPrompt >= 0 {
		parts = append(parts, fmt.Sprintf("system prompt S%d", a.SystemPrompt+1))
	}
	return strings.Join(parts, "; ")
}

// oneLine folds runs of white space, so that multi-line YAML text reads as
// one paragraph in the prompt.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// responseFormat returns the response_format of a request, nil for
// FormatNone.
func (g *promptBuilder) responseFormat(f ResponseFormat) *openai.ChatCompletionResponseFormat {
	switch f {
	case FormatJSONSchema:
		return &openai.ChatCompletionResponseFormat{
			Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: &openai.ChatCompletionResponseFormatJSONSchema{
				Name:   "training_examples",
				Schema: g.schema(),
				Strict: true,
			},
		}
	case FormatJSONObject:
		return &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	return nil
}

// schema is the JSON schema of an answer: {"examples":[{"messages":[...]}]}.
// Roles are limited to user and assistant, plus system when the model
// writes the system prompts.
func (g *promptBuilder) schema() json.RawMessage {
	roles := []string{"user", "assistant"}
	if g.p.SystemPrompt.Mode == "varied" && len(g.p.SystemPrompt.Prompts) == 0 {
		roles = []string{"system", "user", "assistant"}
	}
	obj := func(props map[string]any, required ...string) map[string]any {
		return map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	}
	message := obj(map[string]any{
		"role":    map[string]any{"type": "string", "enum": roles},
		"content": map[string]any{"type": "string"},
	}, "role", "content")
	example := obj(map[string]any{"messages": map[string]any{"type": "array", "items": message}}, "messages")
	root := obj(map[string]any{"examples": map[string]any{"type": "array", "items": example}}, "examples")
	b, _ := json.Marshal(root)
	return b
}
