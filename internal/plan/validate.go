package plan

// Checks that need the whole plan: category weights and counts (P004),
// contradictory settings (P003), output paths (P005, P006) and the size and
// split recommendations (B005, B006).
//
// An empty category description is P003 at warning severity (see
// finding.warn): the plan still works, but generation has only the
// category's name to go on.
//
// P004 semantics. A category has either a weight or a count. Weights are
// relative and default to 1; counts are exact. Counts are taken first and
// the examples left over (size.examples minus every count) are divided
// among the weighted categories in proportion to their weights. Reported:
// a category with both (the count wins), duplicate names (names equal but
// for case count as the same name), weights that are all 0, counts above
// size.examples, counts that use every example while weighted categories
// remain, counts that fall short of an explicit size.examples when every
// category has one, and a positive weight so small its category rounds to
// no example.
//
// P006 semantics. Only output.train is checked, and only when the plan has
// no generation section: such a plan describes a dataset that must already
// exist. With a generation section, the file appears with the first batch.
// The validation and info files are written by `ftls split` and `ftls info`
// and are never reported missing.

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

func (p *Plan) validate() {
	p.checkCategories()
	p.checkSystemPrompt()
	p.checkExpertise()
	p.checkGeneration()
	p.checkOutputs()
	p.checkSize()
	p.checkSplit()
}

// place returns where to report about the first of paths the file has:
// its value, or its key when the value is empty. Without any, it is the
// first line of the file.
func (p *Plan) place(paths ...[]string) span {
	for _, pa := range paths {
		if e, ok := p.index[indexKey(pa)]; ok {
			if e.valEnd > e.valStart {
				return span{e.valStart, e.valEnd}
			}
			return span{e.keyStart, e.keyEnd}
		}
	}
	return p.firstLine()
}

func (p *Plan) keyPlace(pa ...string) span {
	if e, ok := p.index[indexKey(pa)]; ok {
		return span{e.keyStart, e.keyEnd}
	}
	return p.firstLine()
}

// firstLine spans the text of the first line that is not blank or a
// comment.
func (p *Plan) firstLine() span {
	for i := 0; i < p.lines.Lines(); i++ {
		l := p.lines.Line(i)
		t := strings.TrimSpace(string(l))
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		start := p.lines.LineStart(i)
		lead := len(l) - len(strings.TrimLeft(string(l), " \t"))
		return span{start + lead, start + len(strings.TrimRight(string(l), " \t"))}
	}
	return span{}
}

func (p *Plan) at(s span, code string, format string, args ...any) *finding {
	return p.report(code, s.start, s.end, nil, format, args...)
}

func (p *Plan) relate(f *finding, s span, msg string) {
	f.related = append(f.related, relatedSpan{s.start, s.end, msg})
}

func (p *Plan) checkCategories() {
	if len(p.Categories) == 0 {
		return
	}
	first := map[string]int{}
	counted, totalW := 0, 0.0
	var weighted []string
	for i, c := range p.Categories {
		idx := strconv.Itoa(i)
		if c.Name != "" {
			if j, dup := first[categoryKey(c.Name)]; dup {
				other := p.Categories[j].Name
				var f *finding
				if other == c.Name {
					f = p.at(p.place([]string{"categories", idx, "name"}), "P004",
						"category %q is listed twice (first as categories[%d]); merge the two entries", c.Name, j)
				} else {
					f = p.at(p.place([]string{"categories", idx, "name"}), "P004",
						"category %q differs from %q (categories[%d]) only in case; rows, targets and the balance check would count them apart: merge the two entries under one spelling", c.Name, other, j)
				}
				p.relate(f, p.place([]string{"categories", strconv.Itoa(j), "name"}), "first "+other)
			} else {
				first[categoryKey(c.Name)] = i
			}
		}
		// An empty description: a warning, as generation still runs
		// (with only the name to go on).
		if _, ok := p.index[indexKey([]string{"categories", idx, "description"})]; ok && strings.TrimSpace(c.Description) == "" {
			what := "the category"
			if c.Name != "" {
				what = strconv.Quote(c.Name)
			}
			f := p.at(p.place([]string{"categories", idx, "description"}), "P003",
				"categories[%d].description is empty; say what %s covers (generation has only the name to go on), or remove the key", i, what)
			f.warn = true
		}
		hasC := p.Has("categories", idx, "count")
		if hasC && p.Has("categories", idx, "weight") {
			p.at(p.keyPlace("categories", idx, "count"), "P004",
				"category %q sets both weight and count; keep one (the count is used)", c.Name)
		}
		if hasC {
			counted += c.Count
		} else {
			totalW += c.Weight
			weighted = append(weighted, c.Name)
		}
	}
	where := p.keyPlace("categories")
	examples := p.Size.Examples
	sizeAt := p.place([]string{"size", "examples"})
	switch {
	case len(weighted) > 0 && totalW == 0:
		p.at(where, "P004", "every category weight is 0; give at least one category a positive weight")
	case counted > examples:
		f := p.at(where, "P004", "the category counts add up to %d, more than size.examples (%d)", counted, examples)
		if p.Has("size", "examples") {
			p.relate(f, sizeAt, "size.examples")
		}
	case len(weighted) > 0 && counted > 0 && counted == examples:
		f := p.at(where, "P004", "the category counts use all %d examples, leaving none for %s", examples, strings.Join(quoted(weighted), ", "))
		if p.Has("size", "examples") {
			p.relate(f, sizeAt, "size.examples")
		}
	case len(weighted) == 0 && counted < examples && p.Has("size", "examples"):
		f := p.at(where, "P004", "the category counts add up to %d, but size.examples is %d; raise the counts or lower size.examples", counted, examples)
		p.relate(f, sizeAt, "size.examples")
	default:
		for _, t := range p.Targets() {
			c := p.Categories[t.Index]
			if t.Count == 0 && !p.hasCount(t.Index) && c.Weight > 0 {
				idx := strconv.Itoa(t.Index)
				p.at(p.place([]string{"categories", idx, "weight"}, []string{"categories", idx, "name"}), "P004",
					"category %q gets none of the %d examples with weight %s; raise its weight or give it a count",
					c.Name, examples, fmtFloat(c.Weight))
			}
		}
	}
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}

func fmtFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (p *Plan) checkSystemPrompt() {
	sp := p.SystemPrompt
	n := len(sp.Prompts)
	mode := sp.Mode
	if !p.Has("system_prompt", "mode") {
		mode += " (the default)"
	}
	where := p.keyPlace("system_prompt", "prompts")
	switch {
	case sp.Mode == "consistent" && n > 1:
		p.at(where, "P003", "system_prompt.mode is %s but %d prompts are listed; use mode: varied, or keep one prompt", mode, n)
	case sp.Mode == "none" && n > 0:
		p.at(where, "P003", "system_prompt.mode is none, so the prompts listed here are never used")
	case sp.Mode == "varied" && n == 1:
		p.at(where, "P003", "system_prompt.mode is varied but only one prompt is listed; add more, or remove it to let generation write the variations")
	}
}

func (p *Plan) checkExpertise() {
	if !p.Has("diversity", "expertise") {
		return
	}
	e := p.Diversity.Expertise
	levels := []struct {
		name string
		v    float64
	}{{"beginner", e.Beginner}, {"intermediate", e.Intermediate}, {"expert", e.Expert}}
	sum, set := 0.0, 0
	for _, l := range levels {
		if p.Has("diversity", "expertise", l.name) {
			sum += l.v
			set++
		}
	}
	where := p.keyPlace("diversity", "expertise")
	const eps = 0.005
	switch {
	case set == len(levels) && math.Abs(sum-1) > eps:
		p.at(where, "P003", "the expertise shares add up to %s; they must add up to 1", fmtFloat(round(sum)))
	case set < len(levels) && sum > 1+eps:
		p.at(where, "P003", "the expertise shares add up to %s, more than 1", fmtFloat(round(sum)))
	}
}

// unset marks a value the checks refused, so that Has reports it unset.
func (p *Plan) unset(pa ...string) {
	k := indexKey(pa)
	if e, ok := p.index[k]; ok {
		e.null = true
		p.index[k] = e
	}
}

func round(f float64) float64 { return math.Round(f*1e6) / 1e6 }

func (p *Plan) checkGeneration() {
	if !p.Has("generation", "base_url") {
		return
	}
	raw := p.Generation.BaseURL
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		p.at(p.place([]string{"generation", "base_url"}), "P003",
			"generation.base_url %q is not an http or https URL (for example http://localhost:8000/v1)", raw)
		p.Generation.BaseURL = ""
		p.unset("generation", "base_url")
	}
}

func (p *Plan) checkOutputs() {
	o := p.Output
	files := []struct{ key, value string }{{"train", o.Train}, {"validation", o.Validation}, {"info", o.Info}}
	seen := map[string]string{}
	safe := map[string]bool{}
	for _, f := range files {
		clean := path.Clean(filepath.ToSlash(f.value))
		if prev, dup := seen[clean]; dup {
			g := p.at(p.place([]string{"output", f.key}, []string{"output"}), "P003",
				"output.%s and output.%s name the same file, %s", f.key, prev, f.value)
			p.relate(g, p.place([]string{"output", prev}), "output."+prev)
			continue
		}
		seen[clean] = f.key
		safe[f.key] = p.checkPath(f.key, f.value)
	}
	if p.Has("output", "category_field") && p.Lint.CategoryField != "" && p.Lint.CategoryField != o.CategoryField {
		g := p.at(p.place([]string{"lint", "category_field"}), "P003",
			"lint.category_field (%s) contradicts output.category_field (%s); keep only output.category_field", p.Lint.CategoryField, o.CategoryField)
		p.relate(g, p.place([]string{"output", "category_field"}), "output.category_field")
	}
	if p.Path == "" || !safe["train"] || p.Has("generation") {
		return
	}
	dir := filepath.Dir(p.Path)
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(o.Train))); errors.Is(err, fs.ErrNotExist) {
		note := ""
		if !p.Has("output", "train") {
			note = " (the default)"
		}
		p.at(p.place([]string{"output", "train"}, []string{"output"}), "P006",
			"output.train is %s%s, which does not exist, and the plan has no generation section to create it", o.Train, note)
	}
}

// checkPath reports an output path that leaves the plan's folder (P005)
// and reports whether it stays inside.
func (p *Plan) checkPath(key, value string) bool {
	where := p.place([]string{"output", key}, []string{"output"})
	code, msg := outputEscape(p.Path, key, value)
	if code != "" {
		p.at(where, code, "%s", msg)
		return false
	}
	return true
}

// outputEscape says why the output path value (of output.key, relative to
// the folder of the plan at planPath) must not be written: code is P005
// when it leaves the plan's folder (absolute, climbing with .., or through
// a symbolic link to a place outside), P003 when it names the folder
// itself, "" when it is fine. With an empty planPath only the spelling is
// checked.
func outputEscape(planPath, key, value string) (code, msg string) {
	slash := filepath.ToSlash(value)
	if isAbsolute(value) {
		return "P005", fmt.Sprintf("output.%s is an absolute path (%s); write it relative to the plan's folder", key, value)
	}
	clean := path.Clean(slash)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "P005", fmt.Sprintf("output.%s (%s) climbs out of the plan's folder; keep the dataset's files below it", key, value)
	}
	if clean == "." {
		return "P003", fmt.Sprintf("output.%s (%s) names the plan's folder, not a file", key, value)
	}
	if planPath == "" {
		return "", ""
	}
	dir, err := filepath.Abs(filepath.Dir(planPath))
	if err != nil {
		return "", ""
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", ""
	}
	target := resolveExisting(filepath.Join(dir, filepath.FromSlash(clean)), 0)
	if !within(realDir, target) {
		return "P005", fmt.Sprintf("output.%s (%s) goes through a symbolic link to %s, outside the plan's folder", key, value, target)
	}
	return "", ""
}

// isAbsolute recognises absolute paths of every operating system, since a
// plan written on one is checked on another.
func isAbsolute(s string) bool {
	if filepath.IsAbs(s) || strings.HasPrefix(s, "/") || strings.HasPrefix(s, `\`) {
		return true
	}
	return len(s) >= 2 && s[1] == ':' && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z')
}

// resolveExisting resolves the symbolic links of p as far as the path
// exists, following dangling links too, and appends the rest.
func resolveExisting(p string, depth int) string {
	if depth > 16 {
		return p
	}
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if t, err := os.Readlink(p); err == nil {
			if !filepath.IsAbs(t) {
				t = filepath.Join(filepath.Dir(p), t)
			}
			return resolveExisting(t, depth+1)
		}
	}
	parent := filepath.Dir(p)
	if parent == p {
		return p
	}
	return filepath.Join(resolveExisting(parent, depth+1), filepath.Base(p))
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	if err != nil {
		return false
	}
	rel = filepath.ToSlash(rel)
	return rel != ".." && !strings.HasPrefix(rel, "../")
}

func (p *Plan) checkSize() {
	if !p.Has("size", "examples") {
		return
	}
	lo, hi, ok := RecommendedSize(p.Size.Complexity)
	n := p.Size.Examples
	if !ok || n >= lo {
		return
	}
	rng := thousands(lo) + "-" + thousands(hi)
	if p.Size.Complexity == "complex" {
		rng += "+"
	}
	note := ""
	if !p.Has("size", "complexity") {
		note = "; size.complexity defaults to medium"
	}
	f := p.at(p.place([]string{"size", "examples"}), "B005",
		"size.examples is %s, below the %s recommended for %s tasks (%s)%s",
		thousands(n), thousands(lo), p.Size.Complexity, rng, note)
	if p.Has("size", "complexity") {
		p.relate(f, p.place([]string{"size", "complexity"}), "size.complexity")
	}
}

func (p *Plan) checkSplit() {
	if !p.Has("validation", "split") {
		return
	}
	s := p.Validation.Split
	const eps = 1e-9
	if s >= RecommendedMinSplit-eps && s <= RecommendedMaxSplit+eps {
		return
	}
	where := p.place([]string{"validation", "split"})
	if s == 0 {
		p.at(where, "B006", "validation.split is 0, so no validation set is held out; 10-20 %% of the examples is recommended")
		return
	}
	p.at(where, "B006", "validation.split is %s (%s %%); hold out 10-20 %% of the examples",
		fmtFloat(s), fmtFloat(round(s*100)))
}

// thousands formats n with comma separators: 10,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
