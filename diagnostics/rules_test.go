package diagnostics_test

// Golden tests for every rule of the catalog, run through the real engine.
//
// Each rule has a fixture file testdata/rules/<CODE>.txt holding cases in a
// small marker format (see testdata/rules/README.md):
//
//	# comment
//	target: generic          <- headers before the first case apply to all
//	=== name of the case
//	rules: C018=off Q008=off <- per-case headers
//	-- input.jsonl --
//	{"messages": ...}
//	-- want --
//	0:12-0:23 C005 messages[1].role "asistant" is not a role; did you mean "assistant"?
//	    fix: Change role to "assistant"
//	-- fixed --
//	{"messages": ...}
//
// Positions are 0-based line:character, characters in UTF-16 code units (as
// LSP). `want` lists every diagnostic of the file, in engine order. `fixed`
// is the file after applying, round after round, the fixes of the file's
// rule (the code in the file name) until none is left; the fixed file must
// then no longer trigger that rule (but for findings that had no fix).
//
// go test ./diagnostics -run TestRules -update rewrites the want and fixed
// sections from what the engine reports; review the diff before committing.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	fixtures "github.com/ftls-dev/ftls/internal/fixture"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/config"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

var update = flag.Bool("update", false, "rewrite the want and fixed sections of testdata/rules/*.txt")

// ruleCase is one case of a fixture file.
type ruleCase struct {
	name    string
	headers []string // raw "key: value" lines, the file's preamble first
	ownHdr  []string // the case's own header lines, for rewriting
	input   string   // raw section text (with ${...} escapes)
	inName  string   // section name of the input, e.g. input.jsonl
	want    []string // lines of the want section
	fixed   *string  // raw text of the fixed section, if any
}

// fixture is a parsed fixture file.
type fixture struct {
	code     string
	preamble []string // raw lines before the first case
	cases    []*ruleCase
}

var (
	caseHeader    = regexp.MustCompile(`^=== (.+)$`)
	sectionHeader = regexp.MustCompile(`^-- (\S+) --$`)
)

func parseFixture(code string, data []byte) (*fixture, error) {
	fx := &fixture{code: code}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	var (
		cur     *ruleCase
		section string
		body    []string
	)
	var defaults []string
	flush := func() error {
		if cur == nil || section == "" {
			return nil
		}
		switch {
		case strings.HasPrefix(section, "input"):
			cur.input, cur.inName = joinSection(body), section
		case section == "want":
			for _, l := range body {
				if strings.TrimSpace(l) != "" {
					cur.want = append(cur.want, l)
				}
			}
		case section == "fixed":
			s := joinSection(body)
			cur.fixed = &s
		default:
			return fmt.Errorf("case %q: unknown section %q", cur.name, section)
		}
		section, body = "", nil
		return nil
	}
	for _, l := range lines {
		if m := caseHeader.FindStringSubmatch(l); m != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			cur = &ruleCase{name: m[1], headers: append([]string(nil), defaults...)}
			fx.cases = append(fx.cases, cur)
			continue
		}
		if m := sectionHeader.FindStringSubmatch(l); m != nil && cur != nil {
			if err := flush(); err != nil {
				return nil, err
			}
			section = m[1]
			continue
		}
		switch {
		case cur == nil:
			fx.preamble = append(fx.preamble, l)
			if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
				defaults = append(defaults, t)
			}
		case section == "":
			if t := strings.TrimSpace(l); t != "" {
				if !strings.HasPrefix(t, "#") {
					cur.headers = append(cur.headers, t)
				}
				cur.ownHdr = append(cur.ownHdr, l)
			} else if len(cur.ownHdr) > 0 {
				cur.ownHdr = append(cur.ownHdr, l)
			}
		default:
			body = append(body, l)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	return fx, nil
}

// joinSection turns the lines of a section into its text: trailing blank
// lines are dropped (they separate cases) and every line ends in "\n". A
// ${EOF} marker ends the text where it stands, which keeps trailing blank
// lines or leaves the last line without a newline.
func joinSection(body []string) string {
	s := strings.Join(body, "\n") + "\n"
	if i := strings.Index(s, "${EOF}"); i >= 0 {
		return s[:i+len("${EOF}")]
	}
	return strings.TrimRight(s, "\n") + "\n"
}

// settings and decoding of a case

type caseConfig struct {
	bug      string // a known bug makes the case differ from want: skip it
	crlf     bool
	target   string
	rules    []string
	maxTok   int
	model    string
	metadata string
	respLen  string  // a plan's style.response_length
	nearDup  float64 // near_duplicate_threshold
	overTpl  float64 // over_templating_share
	plan     *diagnostics.PlanTargets
	// embed turns D005 on, with the fake provider's vectors for the rows
	// (all, or the 1-based lines of embedOnly) under embedModel.
	embed      *diagnostics.EmbeddingSettings
	embedOnly  []int
	embedModel string
	// review is a verdict every row gets (the R rules).
	review *diagnostics.ReviewVerdict
	input  []byte // the case's input, for the review keys of its rows
}

// inputRows gives every row of the case's input the same review verdict,
// and none to a row that changed (a fix applied), as the review sidecar
// does.
type inputRows struct {
	v    diagnostics.ReviewVerdict
	keys map[string]bool
}

func (r inputRows) Verdict(key string) (diagnostics.ReviewVerdict, bool) {
	return r.v, r.keys[key]
}

// reviewKeys returns the review keys of the rows of a JSON Lines input.
func reviewKeys(input []byte, s *diagnostics.Settings) map[string]bool {
	keys := map[string]bool{}
	var p jsonpos.Parser
	for _, line := range bytes.Split(input, []byte("\n")) {
		rc := diagnostics.NewRowContext(&dataset.Row{Text: bytes.TrimRight(line, "\r")}, &p, s)
		if rc.Root.Kind() == jsonpos.Object {
			keys[rc.ReviewKey()] = true
		}
	}
	return keys
}

func (cfg *caseConfig) verdict() *diagnostics.ReviewVerdict {
	if cfg.review == nil {
		cfg.review = &diagnostics.ReviewVerdict{Scores: map[string]diagnostics.ReviewScore{}}
	}
	return cfg.review
}

// planOf returns the case's plan, creating it on first use; its path is
// support.plan.yaml and its ranges are zero.
func (cfg *caseConfig) planOf() *diagnostics.PlanTargets {
	if cfg.plan == nil {
		cfg.plan = &diagnostics.PlanTargets{Path: "support.plan.yaml"}
	}
	return cfg.plan
}

func (c *ruleCase) config() (caseConfig, error) {
	var cfg caseConfig
	for _, h := range c.headers {
		key, val, ok := strings.Cut(h, ":")
		if !ok {
			return cfg, fmt.Errorf("bad header line %q", h)
		}
		val = strings.TrimSpace(val)
		switch strings.TrimSpace(key) {
		case "crlf":
			cfg.crlf = val == "true"
		case "bug":
			cfg.bug = val
		case "target":
			cfg.target = val
		case "rules":
			cfg.rules = append(cfg.rules, strings.Fields(strings.ReplaceAll(val, ",", " "))...)
		case "max_tokens":
			n, err := strconv.Atoi(val)
			if err != nil {
				return cfg, err
			}
			cfg.maxTok = n
		case "model":
			cfg.model = val
		case "metadata_key":
			cfg.metadata = val
		case "response_length":
			cfg.respLen = val
		case "near_duplicate_threshold":
			f, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return cfg, err
			}
			cfg.nearDup = f
		case "over_templating_share":
			f, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return cfg, err
			}
			cfg.overTpl = f
		case "plan_categories": // name=weight ...
			var sum float64
			var cats []diagnostics.CategoryTarget
			for _, f := range strings.Fields(val) {
				name, w, _ := strings.Cut(f, "=")
				weight, err := strconv.ParseFloat(w, 64)
				if err != nil {
					return cfg, fmt.Errorf("plan_categories: %v", err)
				}
				sum += weight
				cats = append(cats, diagnostics.CategoryTarget{Name: name, Share: weight})
			}
			for i := range cats {
				cats[i].Share /= sum
			}
			cfg.planOf().Categories = cats
		case "embeddings": // both|prompt THRESHOLD
			var compare string
			var threshold float64
			if _, err := fmt.Sscanf(val, "%s %g", &compare, &threshold); err != nil {
				return cfg, fmt.Errorf("embeddings %q: want both|prompt THRESHOLD", val)
			}
			cfg.embed = &diagnostics.EmbeddingSettings{Model: "fake-embed", Threshold: threshold, PromptOnly: compare == "prompt"}
		case "embedded_lines":
			for _, f := range strings.Fields(val) {
				n, err := strconv.Atoi(f)
				if err != nil {
					return cfg, fmt.Errorf("embedded_lines: %v", err)
				}
				cfg.embedOnly = append(cfg.embedOnly, n)
			}
		case "embedding_model":
			cfg.embedModel = val
		case "plan_multi_turn":
			f, err := strconv.ParseFloat(val, 64)
			if err != nil {
				return cfg, err
			}
			cfg.planOf().MultiTurn, cfg.planOf().HasMultiTurn = f, true
		case "plan_system_mode":
			cfg.planOf().SystemMode = val
		case "plan_system_prompt": // one of the plan's system_prompt.prompts
			cfg.planOf().SystemPrompts = append(cfg.planOf().SystemPrompts, val)
		case "plan_size": // complexity, planned examples, recommended minimum
			var c string
			var n, minimum int
			if _, err := fmt.Sscanf(val, "%s %d %d", &c, &n, &minimum); err != nil {
				return cfg, fmt.Errorf("plan_size %q: want COMPLEXITY EXAMPLES MINIMUM", val)
			}
			p := cfg.planOf()
			p.Complexity, p.Examples, p.MinExamples = c, n, minimum
		case "review": // CRITERION SCORE TURN REASON... (TURN -1: none)
			var crit string
			var score, turn int
			if _, err := fmt.Sscanf(val, "%s %d %d", &crit, &score, &turn); err != nil {
				return cfg, fmt.Errorf("review %q: want CRITERION SCORE TURN REASON", val)
			}
			f := strings.SplitN(val, " ", 4)
			cfg.verdict().Scores[crit] = diagnostics.ReviewScore{Score: score, Turn: turn, Reason: f[len(f)-1]}
		case "review_rewrite": // CRITERION TEXT
			crit, text, _ := strings.Cut(val, " ")
			sc := cfg.verdict().Scores[crit]
			sc.Rewrite = text
			cfg.verdict().Scores[crit] = sc
		case "review_category": // NAME REASON ("-" for none fits)
			name, reason, _ := strings.Cut(val, " ")
			if name == "-" {
				name = ""
			}
			cfg.verdict().Category = &diagnostics.ReviewCategory{Proposed: name, Reason: reason}
		default:
			return cfg, fmt.Errorf("unknown header %q", key)
		}
	}
	return cfg, nil
}

func (cfg caseConfig) settings() (*diagnostics.Settings, error) {
	s := diagnostics.DefaultSettings()
	l := &config.Lint{Target: cfg.target, Model: cfg.model, MaxTokensPerExample: cfg.maxTok, MetadataKey: cfg.metadata, NearDuplicateThreshold: cfg.nearDup, OverTemplatingShare: cfg.overTpl}
	if err := l.Apply(s); err != nil {
		return nil, err
	}
	s.ResponseLength = cfg.respLen
	s.Plan = cfg.plan
	s.Embeddings = cfg.embed
	if cfg.review != nil {
		s.Review = inputRows{v: *cfg.review, keys: reviewKeys(cfg.input, s)}
	}
	for _, r := range cfg.rules {
		code, sev, ok := strings.Cut(r, "=")
		if !ok {
			return nil, fmt.Errorf("rules: want CODE=SEVERITY, got %q", r)
		}
		if err := config.SetSeverity(s, code, sev); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// embeddings embeds the rows of data with the fake provider's model, as
// `ftls embed` would, for the cases that turn D005 on.
func (cfg caseConfig) embeddings(t *testing.T, data []byte, s *diagnostics.Settings) *diagnostics.Embeddings {
	if cfg.embed == nil {
		return nil
	}
	sides, err := engine.SideTexts(context.Background(), data, s)
	if err != nil {
		t.Fatal(err)
	}
	model := cfg.embed.Model
	if cfg.embedModel != "" {
		model = cfg.embedModel
	}
	c := embedding.New(model, fakeopenai.EmbedDims)
	for i, keys := range sides.Rows {
		if cfg.embedOnly != nil && !slices.Contains(cfg.embedOnly, i+1) {
			continue
		}
		for _, k := range keys {
			if k != 0 {
				if err := c.Add(k, fakeopenai.Embed(sides.Texts[k], fakeopenai.EmbedDims)); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	return &diagnostics.Embeddings{Path: "input.jsonl.ftls-embeddings", Cache: c}
}

// decode expands the escapes of a section into the bytes of the file.
func decode(raw string, crlf bool) []byte {
	if crlf {
		raw = strings.ReplaceAll(raw, "\n", "\r\n")
	}
	return fixtures.Expand(raw)
}

// encode is decode's inverse, for -update.
func encode(data []byte, crlf bool) string {
	var b strings.Builder
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		b.WriteString("${BOM}")
		data = data[3:]
	}
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, "${x%02X}", data[0])
		case r == 0:
			b.WriteString("${NUL}")
		case r == '\r' && crlf && len(data) > 1 && data[1] == '\n':
			// written back by decode
		case r == '\r':
			b.WriteString("${CR}")
		default:
			b.Write(data[:size])
		}
		data = data[size:]
	}
	s := b.String()
	if !strings.HasSuffix(s, "\n") || strings.HasSuffix(s, "\n\n") {
		s += "${EOF}\n"
	}
	return s
}

// formatDiag renders a diagnostic as a want line, plus its fix title.
func formatDiag(d diagnostics.Diagnostic) []string {
	r := d.Range
	out := []string{fmt.Sprintf("%d:%d-%d:%d %s %s", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character, d.Code, d.Message)}
	if d.Fix != nil {
		out = append(out, "    fix: "+d.Fix.Title)
	}
	for _, rel := range d.Related {
		r := rel.Range
		where := fmt.Sprintf("%d:%d-%d:%d", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character)
		if rel.Path != "" {
			where = rel.Path + ":" + where
		}
		out = append(out, "    related: "+where+" "+rel.Message)
	}
	return out
}

func check(t *testing.T, name string, data []byte, s *diagnostics.Settings) *engine.Result {
	t.Helper()
	return checkWith(t, name, data, s, nil)
}

// checkWith is check with the vectors of the semantic near-duplicates.
func checkWith(t *testing.T, name string, data []byte, s *diagnostics.Settings, e *diagnostics.Embeddings) *engine.Result {
	t.Helper()
	res, err := engine.Check(context.Background(), name, bytes.NewReader(data), engine.Options{Settings: s, Embeddings: e})
	if err != nil {
		t.Fatalf("engine.Check: %v", err)
	}
	return res
}

// applyFixes applies the fixes of code, round after round, until the file
// has none left. Fixes that overlap one applied in the same round wait for
// the next round, when they are computed again from the new text.
func applyFixes(t *testing.T, name, code string, data []byte, newSettings func() *diagnostics.Settings) ([]byte, error) {
	t.Helper()
	for round := 0; round < 20; round++ {
		res := check(t, name, data, newSettings())
		var fixes []*diagnostics.Fix
		for _, d := range res.Diagnostics {
			if d.Code == code && d.Fix != nil {
				fixes = append(fixes, d.Fix)
			}
		}
		if len(fixes) == 0 {
			return data, nil
		}
		sort.SliceStable(fixes, func(i, j int) bool { return fixes[i].Start < fixes[j].Start })
		var picked []*diagnostics.Fix
		end := int64(-1)
		for _, f := range fixes {
			if f.Start < 0 || f.End > int64(len(data)) || f.Start > f.End {
				return nil, fmt.Errorf("fix %q has span [%d,%d) outside the file of %d bytes", f.Title, f.Start, f.End, len(data))
			}
			if f.Start >= end {
				picked = append(picked, f)
				end = f.End
			}
		}
		for i := len(picked) - 1; i >= 0; i-- {
			f := picked[i]
			repl, err := f.Replacement(data[f.Start:f.End])
			if err != nil {
				return nil, fmt.Errorf("fix %q: %v", f.Title, err)
			}
			out := append([]byte(nil), data[:f.Start]...)
			out = append(out, repl...)
			data = append(out, data[f.End:]...)
		}
	}
	return nil, fmt.Errorf("fixes of %s still pending after 20 rounds", code)
}

func TestRules(t *testing.T) {
	dir := filepath.Join("testdata", "rules")
	for _, rule := range diagnostics.All() {
		t.Run(rule.Code, func(t *testing.T) {
			if rule.Row == nil && rule.File == nil {
				// Plan rules (P) and plan-side balance rules are reported by
				// package plan on YAML files; engine.Check cannot produce them.
				t.Skipf("%s has no row or file check, so the dataset engine never reports it", rule.Code)
			}
			path := filepath.Join(dir, rule.Code+".txt")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("rule %s has no fixture: %v", rule.Code, err)
			}
			fx, err := parseFixture(rule.Code, data)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			triggers, clean := 0, 0
			for _, c := range fx.cases {
				t.Run(c.name, func(t *testing.T) { runCase(t, rule, c) })
				hit := false
				for _, w := range c.want {
					if f := strings.Fields(w); len(f) > 1 && f[1] == rule.Code {
						hit = true
					}
				}
				if hit {
					triggers++
				} else {
					clean++
				}
			}
			if triggers == 0 || clean == 0 {
				t.Errorf("%s: want at least one case that triggers %s and one that does not, have %d and %d", path, rule.Code, triggers, clean)
			}
			if rule.Fixable {
				hasFix := false
				for _, c := range fx.cases {
					hasFix = hasFix || c.fixed != nil
				}
				if !hasFix {
					t.Errorf("%s: %s is fixable but no case has a fixed section", path, rule.Code)
				}
			}
			if *update {
				if err := os.WriteFile(path, fx.render(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
	// Every fixture must belong to a registered rule.
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	for _, f := range files {
		code := strings.TrimSuffix(filepath.Base(f), ".txt")
		if diagnostics.Lookup(code) == nil {
			t.Errorf("%s: no rule %s is registered", f, code)
		}
	}
}

func runCase(t *testing.T, rule *diagnostics.Rule, c *ruleCase) {
	cfg, err := c.config()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.bug != "" && *update {
		t.Skipf("known bug, want and fixed are kept as written: %s", cfg.bug)
	}
	var fails []string
	fail := func(format string, args ...any) { fails = append(fails, fmt.Sprintf(format, args...)) }
	defer func() {
		switch {
		case cfg.bug == "":
			for _, f := range fails {
				t.Error(f)
			}
		case len(fails) > 0:
			t.Skipf("known bug: %s\n%s", cfg.bug, strings.Join(fails, "\n"))
		default:
			t.Errorf("the case is marked \"bug: %s\" but passes; remove the header", cfg.bug)
		}
	}()
	newSettings := func() *diagnostics.Settings {
		s, err := cfg.settings()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	input := decode(c.input, cfg.crlf)
	cfg.input = input
	s := newSettings()
	res := checkWith(t, c.inName, input, s, cfg.embeddings(t, input, s))
	var got []string
	fixable := false
	for _, d := range res.Diagnostics {
		got = append(got, formatDiag(d)...)
		if d.Code == rule.Code && d.Fix != nil {
			fixable = true
		}
		if diagnostics.Lookup(d.Code) == nil {
			fail("diagnostic with unregistered code %q", d.Code)
		}
		if d.Fix != nil && !rule.Fixable && d.Code == rule.Code {
			fail("%s is not marked Fixable but offers fix %q", d.Code, d.Fix.Title)
		}
	}
	if *update {
		c.want = got
	} else if !equalLines(got, c.want) {
		fail("diagnostics differ\n got:\n\t%s\nwant:\n\t%s", strings.Join(got, "\n\t"), strings.Join(c.want, "\n\t"))
	}

	if !fixable {
		if c.fixed != nil && !*update {
			fail("case has a fixed section but no %s diagnostic offers a fix", rule.Code)
		}
		if *update {
			c.fixed = nil
		}
		return
	}
	fixed, err := applyFixes(t, c.inName, rule.Code, input, newSettings)
	if err != nil {
		fail("%v", err)
		return
	}
	if *update {
		s := encode(fixed, cfg.crlf)
		c.fixed = &s
	} else if c.fixed == nil {
		fail("%s offers a fix; the case needs a fixed section", rule.Code)
	} else if want := decode(*c.fixed, cfg.crlf); !bytes.Equal(fixed, want) {
		fail("fixed file differs\n got: %q\nwant: %q", fixed, want)
	}
	// The fixed file no longer triggers the rule, except where the input
	// had findings of it without a fix.
	unfixable := 0
	for _, d := range res.Diagnostics {
		if d.Code == rule.Code && d.Fix == nil {
			unfixable++
		}
	}
	s = newSettings()
	after := checkWith(t, c.inName, fixed, s, cfg.embeddings(t, fixed, s))
	var left []string
	for _, d := range after.Diagnostics {
		if d.Code == rule.Code {
			left = append(left, strings.Join(formatDiag(d), " "))
			if d.Fix != nil {
				fail("fixed file still offers a fix for %s: %s", d.Code, left[len(left)-1])
			}
		}
	}
	if len(left) > unfixable {
		fail("fixed file still triggers %s %d times, the input had %d findings without a fix:\n\t%s", rule.Code, len(left), unfixable, strings.Join(left, "\n\t"))
	}
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if strings.TrimRight(a[i], " ") != strings.TrimRight(b[i], " ") {
			return false
		}
	}
	return true
}

// render writes the fixture back, with the want and fixed sections taken
// from the cases.
func (fx *fixture) render() []byte {
	var b strings.Builder
	for _, l := range fx.preamble {
		b.WriteString(l + "\n")
	}
	for i, c := range fx.cases {
		if i > 0 || len(fx.preamble) > 0 && strings.TrimSpace(fx.preamble[len(fx.preamble)-1]) != "" {
			if !strings.HasSuffix(b.String(), "\n\n") {
				b.WriteString("\n")
			}
		}
		b.WriteString("=== " + c.name + "\n")
		hdr := c.ownHdr
		for len(hdr) > 0 && strings.TrimSpace(hdr[len(hdr)-1]) == "" {
			hdr = hdr[:len(hdr)-1]
		}
		for _, l := range hdr {
			b.WriteString(l + "\n")
		}
		b.WriteString("-- " + c.inName + " --\n")
		b.WriteString(c.input)
		if !strings.HasSuffix(c.input, "\n") {
			b.WriteString("\n")
		}
		b.WriteString("-- want --\n")
		for _, l := range c.want {
			b.WriteString(l + "\n")
		}
		if c.fixed != nil {
			b.WriteString("-- fixed --\n")
			b.WriteString(*c.fixed)
		}
	}
	return []byte(b.String())
}
