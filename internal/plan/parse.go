package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/safefile"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// finding is a diagnostic before its severity is known: byte offsets into
// the plan, resolved to LSP ranges when Diagnostics is called.
type finding struct {
	code    string
	start   int
	end     int
	msg     string
	related []relatedSpan
	fix     *diagnostics.Fix
	// warn makes the finding a warning at most, whatever its code's
	// severity: a lesser case of the code (an empty description is a
	// P003 value problem that does not stop generation).
	warn bool
}

type relatedSpan struct {
	start, end int
	msg        string
}

// Parse reads a plan. It never fails: whatever the input, it returns a plan
// (with defaults where the file is silent or wrong) and the diagnostics
// found, with the severities of the default settings overlaid with the
// plan's own lint section. path locates the plan's folder, against which
// output paths are resolved and checked (P005, P006); with an empty path
// those file-system checks are skipped.
func Parse(path string, data []byte) (*Plan, []diagnostics.Diagnostic) {
	p := parse(path, data)
	s, err := p.LintSettings(diagnostics.DefaultSettings())
	if err != nil {
		s = diagnostics.DefaultSettings()
	}
	return p, p.Diagnostics(s)
}

// Load reads and parses the plan file at path.
func Load(path string) (*Plan, error) {
	data, err := safefile.ReadFile(path, safefile.ConfigMax)
	if err != nil {
		return nil, err
	}
	p := parse(path, data)
	return p, nil
}

// Diagnostics returns the plan's findings with the severities of s; rules
// that s turns off are left out. They are ordered by position.
func (p *Plan) Diagnostics(s *diagnostics.Settings) []diagnostics.Diagnostic {
	var out []diagnostics.Diagnostic
	for _, f := range p.findings {
		sev := s.Severity(f.code)
		if sev == diagnostics.Off {
			continue
		}
		if f.warn && sev == diagnostics.Error {
			sev = diagnostics.Warning
		}
		d := diagnostics.Diagnostic{
			Code: f.code, Severity: sev, Message: f.msg,
			Range:  p.lines.Range(f.start, f.end),
			Offset: int64(f.start),
			Fix:    f.fix,
		}
		for _, r := range f.related {
			d.Related = append(d.Related, diagnostics.Related{Range: p.lines.Range(r.start, r.end), Message: r.msg})
		}
		out = append(out, d)
	}
	return out
}

// HasSyntaxError reports whether the file could not be read as YAML
// (P001), in which case every value of the plan is a default.
func (p *Plan) HasSyntaxError() bool { return p.syntaxErr }

// parser walks the YAML tree against the schema.
type parser struct {
	p   *Plan
	pos *positions
	// syntax is set when the YAML could not be parsed, or holds no
	// mapping: the whole-plan checks are then skipped.
	syntax bool
}

func parse(path string, data []byte) (p *Plan) {
	p = &Plan{Path: path, src: data, lines: textpos.NewLineIndex(data), index: map[string]entry{}}
	ps := &parser{p: p, pos: newPositions(data)}
	defer func() {
		// yaml.v3 is not supposed to panic, but a plan file must never
		// take the language server down.
		if r := recover(); r != nil {
			*p = Plan{Path: path, src: data, lines: p.lines, index: map[string]entry{}, syntaxErr: true}
			first := p.firstLine()
			p.report("P001", first.start, first.end, nil, "the YAML parser failed on this file (%v)", r)
			p.applyDefaults()
		}
	}()
	root := ps.read()
	if root != nil {
		ps.walkRoot(root)
	}
	p.applyDefaults()
	if !ps.syntax {
		p.validate()
	}
	p.sortFindings()
	return p
}

func (p *Plan) report(code string, start, end int, fix *diagnostics.Fix, format string, args ...any) *finding {
	start = min(max(start, 0), len(p.src))
	end = min(max(end, start), len(p.src))
	p.findings = append(p.findings, finding{code: code, start: start, end: end, msg: fmt.Sprintf(format, args...), fix: fix})
	return &p.findings[len(p.findings)-1]
}

func (p *Plan) sortFindings() {
	fs := p.findings
	// Insertion sort keeps equal positions in report order.
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].start < fs[j-1].start; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
	// The same key reached twice through a YAML merge is reported once.
	out := fs[:0]
	for i, f := range fs {
		dup := false
		for j := i - 1; j >= 0 && fs[j].start == f.start; j-- {
			if fs[j].code == f.code && fs[j].end == f.end && fs[j].msg == f.msg {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, f)
		}
	}
	p.findings = out
}

// read parses the YAML and returns the document's root node, or nil when
// there is none or the YAML is invalid (reported as P001).
func (ps *parser) read() *yaml.Node {
	data := ps.p.src
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		ps.syntaxAt(0, 2, "the plan is saved as UTF-16; save it as UTF-8")
		return nil
	}
	if off := invalidUTF8(data); off >= 0 {
		ps.syntaxAt(off, off+1, "invalid UTF-8 byte 0x%02X; the plan must be saved as UTF-8", data[off])
		return nil
	}
	if off, r := controlChar(data); off >= 0 {
		ps.syntaxAt(off, off+utf8.RuneLen(r), "control character U+%04X is not allowed in YAML", r)
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &yaml.Node{Kind: yaml.DocumentNode}
		}
		ps.syntaxError(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		if len(next.Content) > 0 {
			off := ps.pos.offset(next.Line, next.Column)
			ps.syntaxAt(off, ps.pos.lineEnd(off), "a plan is one YAML document; this starts a second one (remove the \"---\" line)")
			return nil
		}
	case !errors.Is(err, io.EOF):
		ps.syntaxError(err)
		return nil
	}
	return &doc
}

func (ps *parser) syntaxAt(start, end int, format string, args ...any) {
	ps.syntax = true
	ps.p.syntaxErr = true
	ps.p.report("P001", start, end, nil, format, args...)
}

func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}

// controlChar finds the first character yaml.v3's reader refuses.
func controlChar(b []byte) (int, rune) {
	for i, r := range string(b) {
		switch {
		case r == 0x09, r == 0x0A, r == 0x0D, r >= 0x20 && r <= 0x7E, r == 0x85,
			r >= 0xA0 && r <= 0xD7FF, r >= 0xE000 && r <= 0xFFFD, r >= 0x10000 && r <= 0x10FFFF:
		default:
			return i, r
		}
	}
	return -1, 0
}

var errLine = regexp.MustCompile(`^(?:yaml: )?(?:line (\d+): )?`)

// cleanMessage strips yaml.v3's "yaml: line N: " prefix.
func cleanMessage(err error) (msg string, line int) {
	s := err.Error()
	m := errLine.FindStringSubmatch(s)
	if m[1] != "" {
		line, _ = strconv.Atoi(m[1])
	}
	return s[len(m[0]):], line
}

// maxScanLines bounds the line-by-line search for a syntax error's line;
// longer files use a binary search.
const maxScanLines = 400

// syntaxError reports a YAML error at its line. yaml.v3's errors carry a
// line number that is exact for scanner errors but, for parser errors, is
// often the line where the enclosing block started (and 0-based). So the
// line is found by parsing growing prefixes of the file: the first prefix
// that fails with the same message ends on the offending line. An unclosed
// bracket or quote is thus reported where it was opened, not at the end of
// the file.
func (ps *parser) syntaxError(err error) {
	msg, hint := cleanMessage(err)
	lines := ps.p.lines
	n := lines.Lines()
	fails := func(k int) bool {
		prefix := ps.p.src[:lines.LineStart(k)]
		m, ok := firstError(prefix)
		return ok && m == msg
	}
	line := -1
	if n <= maxScanLines {
		for k := 1; k <= n; k++ {
			if fails(k) {
				line = k - 1
				break
			}
		}
	} else {
		lo, hi := 1, n
		if fails(hi) {
			for lo < hi {
				mid := (lo + hi) / 2
				if fails(mid) {
					hi = mid
				} else {
					lo = mid + 1
				}
			}
			line = lo - 1
		}
	}
	if line < 0 {
		line = min(max(hint-1, 0), n-1)
	}
	start, end := ps.errorColumn(line, msg)
	ps.syntaxAt(start, end, "invalid YAML: %s%s", msg, syntaxHint(msg, ps.p.src[start:end]))
}

// firstError parses b and returns the cleaned message of its first error.
func firstError(b []byte) (string, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return "", false
		}
		if err != nil {
			m, _ := cleanMessage(err)
			return m, true
		}
	}
}

// errorColumn narrows a syntax error on line to the character at fault
// when the message says which one it is, and otherwise spans the line's
// text.
func (ps *parser) errorColumn(line int, msg string) (int, int) {
	lines := ps.p.lines
	text := lines.Line(line)
	base := lines.LineStart(line)
	lead := len(text) - len(bytes.TrimLeft(text, " \t"))
	whole := func() (int, int) {
		t := bytes.TrimRight(text, " \t")
		if lead >= len(t) {
			return base, base + len(text)
		}
		return base + lead, base + len(t)
	}
	at := func(i int) (int, int) {
		_, size := utf8.DecodeRune(text[i:])
		return base + i, base + i + size
	}
	switch {
	case strings.Contains(msg, "tab"), strings.Contains(msg, "cannot start any token"):
		if i := bytes.IndexByte(text[:lead], '\t'); i >= 0 {
			return at(i)
		}
		if strings.Contains(msg, "cannot start any token") {
			for i := lead; i < len(text); i++ {
				if text[i] == '@' || text[i] == '`' || text[i] == '\t' || text[i] == '%' {
					return at(i)
				}
			}
		}
	case strings.Contains(msg, "mapping values are not allowed"):
		first := bytes.Index(text, []byte(": "))
		if first >= 0 {
			if i := bytes.LastIndex(text, []byte(":")); i > first {
				return at(i)
			}
		}
	case strings.Contains(msg, "expected ',' or '}'"), strings.Contains(msg, "expected ',' or ']'"):
		open := byte('{')
		if strings.Contains(msg, "']'") {
			open = '['
		}
		if i := bytes.LastIndexByte(text, open); i >= 0 {
			return at(i)
		}
	case strings.Contains(msg, "end of stream"), strings.Contains(msg, "quoted scalar"):
		if i := bytes.LastIndexAny(text, `"'`); i >= 0 {
			return at(i)
		}
	}
	return whole()
}

// syntaxHint adds advice to yaml.v3's terse messages.
func syntaxHint(msg string, at []byte) string {
	switch {
	case strings.Contains(msg, "did not find expected key"):
		return "; check the indentation of this line against the keys above it"
	case strings.Contains(msg, "mapping values are not allowed"):
		return "; quote a value that contains \": \""
	case strings.Contains(msg, "cannot start any token") && bytes.Equal(at, []byte("\t")):
		return "; YAML is indented with spaces, not tabs"
	case strings.Contains(msg, "cannot start any token"):
		return "; quote a value that starts with this character"
	case strings.Contains(msg, "could not find expected ':'"):
		return "; a key needs a colon and a space before its value"
	case strings.Contains(msg, "expected ',' or '}'"):
		return "; the { here is not closed"
	case strings.Contains(msg, "expected ',' or ']'"):
		return "; the [ here is not closed"
	case strings.Contains(msg, "found unexpected end of stream"):
		return "; a quote opened here is not closed"
	}
	return ""
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == yaml.AliasNode || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// walkRoot walks the whole document and decodes the values that passed the
// schema into the plan.
func (ps *parser) walkRoot(doc *yaml.Node) {
	p := ps.p
	if len(doc.Content) == 0 || isNull(resolve(doc.Content[0])) {
		first := p.firstLine()
		p.report("P003", first.start, first.end, &diagnostics.Fix{Title: "Insert `version: 1`", NewText: []byte("version: 1\n")},
			"the plan is empty; it needs at least `version: 1`")
		ps.syntax = true // nothing to cross-check
		return
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		sp := ps.pos.span(doc.Content[0], -1)
		p.report("P003", sp.start, sp.end, nil, "a plan is a mapping of sections (version, task, size, categories...), not %s", describe(root))
		ps.syntax = true
		return
	}
	clean := ps.walk(schema, doc.Content[0], nil, -1)
	if clean == nil {
		return
	}
	if err := clean.Decode(p); err != nil {
		// The walk only keeps values that decode; this is a safety net.
		first := p.firstLine()
		p.report("P003", first.start, first.end, nil, "the plan could not be read: %v", err)
	}
}

type pair struct {
	k, v   *yaml.Node
	merged bool
}

// pairs lists the key/value pairs of a mapping, followed by those merged
// in with "<<: *anchor" (which the mapping's own keys override).
func (ps *parser) pairs(m *yaml.Node, depth int) []pair {
	return ps.mergePairs(m, depth, map[*yaml.Node]bool{m: true})
}

// mergePairs lists the pairs of m; seen holds the mappings merged so far,
// so that each is merged once however often it is named (a chain of merges
// that name the same anchors would otherwise grow exponentially).
func (ps *parser) mergePairs(m *yaml.Node, depth int, seen map[*yaml.Node]bool) []pair {
	var out, merged []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.Tag == "!!merge" {
			if depth > 8 {
				continue
			}
			src := resolve(v)
			var sources []*yaml.Node
			switch src.Kind {
			case yaml.MappingNode:
				sources = []*yaml.Node{src}
			case yaml.SequenceNode:
				for _, s := range src.Content {
					sources = append(sources, resolve(s))
				}
			}
			for _, s := range sources {
				if s == nil || s.Kind != yaml.MappingNode {
					sp := ps.pos.span(v, -1)
					ps.p.report("P003", sp.start, sp.end, nil, "a merge (<<) must name a mapping, not %s", describe(s))
					continue
				}
				if seen[s] {
					continue
				}
				seen[s] = true
				for _, pr := range ps.mergePairs(s, depth+1, seen) {
					merged = append(merged, pair{pr.k, pr.v, true})
				}
			}
			continue
		}
		out = append(out, pair{k, v, false})
	}
	return append(out, merged...)
}

func (ps *parser) record(path []string, e entry) {
	k := indexKey(path)
	if _, ok := ps.p.index[k]; ok {
		return
	}
	ps.p.index[k] = e
	ps.p.order = append(ps.p.order, k)
}

// reject marks a recorded value as refused, so that Has reports it unset
// and its default applies.
func (ps *parser) reject(path []string) {
	k := indexKey(path)
	if e, ok := ps.p.index[k]; ok {
		e.null = true
		ps.p.index[k] = e
	}
}

func child(path []string, c string) []string {
	out := make([]string, len(path)+1)
	copy(out, path)
	out[len(path)] = c
	return out
}

// dotted renders a path for messages: categories[2].weight.
func dotted(path []string) string {
	var b strings.Builder
	for _, c := range path {
		if isIndex(c) {
			b.WriteString("[" + c + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(c)
	}
	return b.String()
}

// describe names a value for messages.
func describe(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		v := n.Value
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:40]) + "…"
		}
		switch n.Tag {
		case "!!null":
			return "empty"
		case "!!int", "!!float":
			return "the number " + v
		case "!!bool":
			return v
		}
		return strconv.Quote(v)
	}
	return "an alias"
}

func str(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }

// walk checks node n against field f and returns the cleaned value to
// decode, or nil when the value is null or rejected (rejections are
// reported). indent is the indentation of n's parent.
func (ps *parser) walk(f *field, n *yaml.Node, path []string, indent int) *yaml.Node {
	sp := ps.pos.span(n, indent)
	v := resolve(n)
	if isNull(v) {
		return nil
	}
	p := ps.p
	switch f.kind {
	case kindMap:
		if v.Kind != yaml.MappingNode {
			ps.typeError(f, path, sp, v)
			return nil
		}
		return ps.walkMap(f, n, v, path, sp)
	case kindList:
		if v.Kind != yaml.SequenceNode {
			if v.Kind == yaml.ScalarNode && f.elem.kind == kindString && !bytes.ContainsAny(p.src[sp.start:sp.end], "\r\n") {
				raw := string(p.src[sp.start:sp.end])
				p.report(f.errCode(), sp.start, sp.end,
					&diagnostics.Fix{Title: "Make it a list", Start: int64(sp.start), End: int64(sp.end), NewText: []byte("[" + raw + "]")},
					"%s must be a list, not %s; write [%s]", dotted(path), describe(v), raw)
				return nil
			}
			ps.typeError(f, path, sp, v)
			return nil
		}
		out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		itemIndent := v.Column - 1
		for i, el := range v.Content {
			cpath := child(path, strconv.Itoa(i))
			esp := ps.pos.span(el, itemIndent)
			ps.record(cpath, entry{keyStart: esp.start, keyEnd: esp.end, valStart: esp.start, valEnd: esp.end, null: isNull(resolve(el)), item: true})
			c := ps.walk(f.elem, el, cpath, itemIndent)
			if c == nil {
				if isNull(resolve(el)) {
					p.report(f.errCode(), esp.start, esp.end, nil, "%s is an empty list item", dotted(cpath))
				}
				ps.reject(cpath)
				if f.elem.kind != kindMap {
					continue
				}
				// Keep list indexes aligned with the file.
				c = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			out.Content = append(out.Content, c)
		}
		return out
	case kindRules:
		if v.Kind != yaml.MappingNode {
			ps.typeError(f, path, sp, v)
			return nil
		}
		return ps.walkRules(n, v, path)
	}
	if v.Kind != yaml.ScalarNode && f.kind != kindRange {
		ps.typeError(f, path, sp, v)
		return nil
	}
	switch f.kind {
	case kindString:
		if f.nonEmpty && strings.TrimSpace(v.Value) == "" {
			p.report(f.errCode(), sp.start, sp.end, nil, "%s must not be empty", dotted(path))
			return nil
		}
		return str(v.Value)
	case kindEnum:
		for _, a := range f.values {
			if v.Value == a {
				return str(v.Value)
			}
		}
		ps.enumError(f, path, sp, v.Value)
		return nil
	case kindBool:
		var b bool
		if v.Decode(&b) != nil {
			ps.typeError(f, path, sp, v)
			return nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(b)}
	case kindInt:
		var i int64
		if v.Decode(&i) != nil {
			ps.typeError(f, path, sp, v)
			return nil
		}
		if !f.inRange(float64(i)) {
			ps.rangeError(f, path, sp, v.Value)
			return nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(i, 10)}
	case kindFloat:
		var x float64
		if v.Decode(&x) != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			ps.typeError(f, path, sp, v)
			return nil
		}
		if !f.inRange(x) {
			ps.rangeError(f, path, sp, v.Value)
			return nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: strconv.FormatFloat(x, 'g', -1, 64)}
	case kindRange:
		return ps.walkRange(f, v, path, sp)
	}
	return nil
}

func (ps *parser) walkMap(f *field, n, v *yaml.Node, path []string, sp span) *yaml.Node {
	p := ps.p
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	seen := map[string]span{}
	for _, pr := range ps.pairs(v, 0) {
		k := resolve(pr.k)
		ksp := ps.pos.span(pr.k, -1)
		if k == nil || k.Kind != yaml.ScalarNode {
			p.report("P002", ksp.start, ksp.end, nil, "a key must be a name, not %s", describe(k))
			continue
		}
		name := k.Value
		if first, dup := seen[name]; dup {
			if !pr.merged {
				d := p.report("P001", ksp.start, ksp.end, nil, "duplicate key %q in %s; YAML allows each key once per mapping", name, where(path))
				d.related = []relatedSpan{{first.start, first.end, "first " + name}}
			}
			continue
		}
		seen[name] = ksp
		keyIndent := ps.pos.offset(k.Line, k.Column) - ps.pos.ylines[min(max(k.Line-1, 0), len(ps.pos.ylines)-1)]
		vsp := ps.pos.span(pr.v, keyIndent)
		if isNull(resolve(pr.v)) {
			// An empty value: place it just after the colon.
			vsp = span{ksp.end, ksp.end}
			if i := bytes.IndexByte(p.src[ksp.end:min(len(p.src), ksp.end+8)], ':'); i >= 0 {
				vsp = span{ksp.end + i + 1, ksp.end + i + 1}
			}
		}
		cpath := child(path, name)
		ps.record(cpath, entry{keyStart: ksp.start, keyEnd: ksp.end, valStart: vsp.start, valEnd: vsp.end, null: isNull(resolve(pr.v))})
		cf := f.child(name)
		if cf == nil && len(path) == 0 && strings.HasPrefix(name, "x-") {
			// Extension keys, a place for YAML anchors, are ignored.
			ps.reject(cpath)
			continue
		}
		if cf == nil {
			ps.unknownKey(f, path, name, ksp)
			ps.reject(cpath)
			continue
		}
		c := ps.walk(cf, pr.v, cpath, keyIndent)
		if c == nil {
			ps.reject(cpath)
			continue
		}
		out.Content = append(out.Content, str(name), c)
	}
	for _, cf := range f.fields {
		if !cf.required || ps.p.Has(child(path, cf.name)...) {
			continue
		}
		if e, ok := ps.p.index[indexKey(child(path, cf.name))]; ok {
			if e.valStart == e.valEnd {
				p.report("P003", e.keyStart, e.keyEnd, nil, "%s has no value", dotted(child(path, cf.name)))
			}
			continue
		}
		switch {
		case len(path) == 0 && cf.name == "version":
			at := ps.pos.start(v)
			var fix *diagnostics.Fix
			if v.Style&yaml.FlowStyle == 0 {
				fix = &diagnostics.Fix{Title: "Insert `version: 1`", Start: int64(at), End: int64(at), NewText: []byte("version: 1\n")}
			}
			p.report("P003", at, ps.pos.lineEnd(at), fix, "the plan has no version; add `version: 1`")
		default:
			p.report("P003", sp.start, sp.end, nil, "%s has no %s", dotted(path), cf.name)
		}
	}
	return out
}

// where names the mapping at path for messages.
func where(path []string) string {
	if len(path) == 0 {
		return "the top level of the plan"
	}
	return dotted(path)
}

func (ps *parser) unknownKey(parent *field, path []string, name string, ksp span) {
	p := ps.p
	known := parent.childNames()
	if s := suggest(name, known); s != "" {
		p.report("P002", ksp.start, ksp.end,
			&diagnostics.Fix{Title: fmt.Sprintf("Rename to %q", s), Start: int64(ksp.start), End: int64(ksp.end), NewText: []byte(s)},
			"unknown key %q in %s; did you mean %q?", name, where(path), s)
		return
	}
	if elsewhere := allPaths()[normalizeKey(name)]; len(elsewhere) > 0 {
		p.report("P002", ksp.start, ksp.end, nil, "unknown key %q in %s; it belongs under %s", name, where(path), strings.Join(elsewhere, " or "))
		return
	}
	p.report("P002", ksp.start, ksp.end, nil, "unknown key %q in %s; known keys are %s", name, where(path), orList(known))
}

// typeError reports a value of the wrong shape.
func (ps *parser) typeError(f *field, path []string, sp span, v *yaml.Node) {
	want := f.typeName()
	switch f.kind {
	case kindMap:
		want = "a mapping of keys (" + strings.Join(f.childNames(), ", ") + ")"
	case kindList:
		want = "a list"
	case kindString:
		want = "text"
	case kindInt, kindFloat:
		want = "a " + want
		if v.Kind == yaml.ScalarNode && v.Tag == "!!str" && v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
			want += " (without quotes)"
		}
	case kindEnum:
		want = "one of " + orList(f.values)
	}
	ps.p.report(f.errCode(), sp.start, sp.end, nil, "%s must be %s, not %s", dotted(path), want, describe(v))
}

func (ps *parser) rangeError(f *field, path []string, sp span, raw string) {
	if len(path) == 1 && path[0] == "version" {
		ps.p.report("P003", sp.start, sp.end, nil, "unsupported plan version %s; this ftls reads version %d", raw, Version)
		return
	}
	ps.p.report(f.errCode(), sp.start, sp.end, nil, "%s is %s; it must be %s", dotted(path), raw, f.bounds())
}

func (ps *parser) enumError(f *field, path []string, sp span, got string) {
	msg := fmt.Sprintf("%s is %q; use %s", dotted(path), got, orList(f.values))
	var fix *diagnostics.Fix
	if s := suggest(got, f.values); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
		fix = &diagnostics.Fix{Title: fmt.Sprintf("Replace with %q", s), Start: int64(sp.start), End: int64(sp.end), NewText: []byte(s)}
	}
	ps.p.report(f.errCode(), sp.start, sp.end, fix, "%s", msg)
}

// walkRange checks a [min, max] pair.
func (ps *parser) walkRange(f *field, v *yaml.Node, path []string, sp span) *yaml.Node {
	p := ps.p
	if v.Kind != yaml.SequenceNode || len(v.Content) != 2 {
		p.report("P003", sp.start, sp.end, nil, "%s must be [min, max], two whole numbers %s, not %s", dotted(path), f.bounds(), describe(v))
		return nil
	}
	var nums [2]int64
	for i, el := range v.Content {
		cpath := child(path, strconv.Itoa(i))
		esp := ps.pos.span(el, -1)
		ps.record(cpath, entry{keyStart: esp.start, keyEnd: esp.end, valStart: esp.start, valEnd: esp.end, item: true})
		e := resolve(el)
		if e == nil || e.Kind != yaml.ScalarNode || e.Decode(&nums[i]) != nil {
			p.report("P003", esp.start, esp.end, nil, "%s must be a whole number, not %s", dotted(cpath), describe(e))
			return nil
		}
		if !f.inRange(float64(nums[i])) {
			p.report("P003", esp.start, esp.end, nil, "%s is %d; it must be %s", dotted(cpath), nums[i], f.bounds())
			return nil
		}
	}
	if nums[0] > nums[1] {
		p.report("P003", sp.start, sp.end, nil, "%s is [%d, %d]; the minimum comes first and must not exceed the maximum", dotted(path), nums[0], nums[1])
		return nil
	}
	return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(nums[0], 10)},
		{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.FormatInt(nums[1], 10)},
	}}
}

// walkRules checks lint.rules: rule codes (or family letters) mapped to
// severities.
func (ps *parser) walkRules(n, v *yaml.Node, path []string) *yaml.Node {
	p := ps.p
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	var codes []string
	families := map[string]bool{}
	for _, r := range diagnostics.All() {
		codes = append(codes, r.Code)
		families[r.Code[:1]] = true
	}
	seen := map[string]span{}
	for _, pr := range ps.pairs(v, 0) {
		k := resolve(pr.k)
		ksp := ps.pos.span(pr.k, -1)
		if k == nil || k.Kind != yaml.ScalarNode {
			p.report("P002", ksp.start, ksp.end, nil, "a key must be a rule code, not %s", describe(k))
			continue
		}
		code := strings.ToUpper(strings.TrimSpace(k.Value))
		if first, dup := seen[code]; dup {
			if !pr.merged {
				d := p.report("P001", ksp.start, ksp.end, nil, "duplicate key %q in %s; YAML allows each key once per mapping", k.Value, dotted(path))
				d.related = []relatedSpan{{first.start, first.end, "first " + k.Value}}
			}
			continue
		}
		seen[code] = ksp
		cpath := child(path, k.Value)
		vsp := ps.pos.span(pr.v, -1)
		ps.record(cpath, entry{keyStart: ksp.start, keyEnd: ksp.end, valStart: vsp.start, valEnd: vsp.end, null: isNull(resolve(pr.v))})
		if diagnostics.Lookup(code) == nil && !(len(code) == 1 && families[code]) {
			msg := fmt.Sprintf("no rule %q (`ftls rules` lists them)", k.Value)
			var fix *diagnostics.Fix
			var family []string
			for _, c := range codes {
				if code != "" && c[0] == code[0] {
					family = append(family, c)
				}
			}
			if s := suggest(code, family); s != "" {
				msg = fmt.Sprintf("no rule %q; did you mean %s?", k.Value, s)
				fix = &diagnostics.Fix{Title: "Replace with " + s, Start: int64(ksp.start), End: int64(ksp.end), NewText: []byte(s)}
			}
			p.report("P003", ksp.start, ksp.end, fix, "%s", msg)
			ps.reject(cpath)
			continue
		}
		sv := resolve(pr.v)
		if isNull(sv) || sv.Kind != yaml.ScalarNode {
			p.report("P003", vsp.start, vsp.end, nil, "the severity of %s must be one of %s, not %s", code, orList(ruleField.values), describe(sv))
			ps.reject(cpath)
			continue
		}
		sev, err := diagnostics.ParseSeverity(sv.Value)
		if err != nil {
			ps.enumError(ruleField, cpath, vsp, sv.Value)
			ps.reject(cpath)
			continue
		}
		out.Content = append(out.Content, str(code), str(sev.String()))
	}
	return out
}
