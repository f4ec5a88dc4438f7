package plan

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
)

// kind is the shape a key's value must have.
type kind uint8

const (
	kindMap    kind = iota // fixed keys (fields)
	kindList               // list of elem
	kindString             // text; values are suggestions only
	kindInt                // whole number within [min, max]
	kindFloat              // number within [min, max]
	kindBool               // true or false
	kindEnum               // one of values
	kindRange              // [min, max] of whole numbers
	kindRules              // rule code -> severity
)

// field is one key of the schema, with its documentation.
type field struct {
	name   string
	kind   kind
	fields []*field // kindMap
	elem   *field   // kindList
	// values are the allowed choices of an enum, or common values of a
	// text key (offered by completion, not enforced).
	values []string
	// Numeric bounds; minOpen and maxOpen make them exclusive.
	min, max         float64
	hasMin, hasMax   bool
	minOpen, maxOpen bool
	// code reports type and range problems (P003 unless set).
	code string
	// nonEmpty rejects empty text.
	nonEmpty bool
	required bool
	doc      Doc
}

func (f *field) child(name string) *field {
	for _, c := range f.fields {
		if c.name == name {
			return c
		}
	}
	return nil
}

func (f *field) childNames() []string {
	names := make([]string, len(f.fields))
	for i, c := range f.fields {
		names[i] = c.name
	}
	return names
}

func (f *field) errCode() string {
	if f.code != "" {
		return f.code
	}
	return "P003"
}

// bounds describes the numeric range, e.g. "between 0 and 1".
func (f *field) bounds() string {
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
	switch {
	case f.hasMin && f.hasMax && !f.minOpen && !f.maxOpen:
		return fmt.Sprintf("between %s and %s", num(f.min), num(f.max))
	case f.hasMin && f.hasMax && !f.minOpen:
		return fmt.Sprintf("at least %s and below %s", num(f.min), num(f.max))
	case f.hasMin && f.hasMax && !f.maxOpen:
		return fmt.Sprintf("above %s and at most %s", num(f.min), num(f.max))
	case f.hasMin && f.hasMax:
		return fmt.Sprintf("above %s and below %s", num(f.min), num(f.max))
	case f.hasMin && f.minOpen:
		return "above " + num(f.min)
	case f.hasMin:
		return "at least " + num(f.min)
	case f.hasMax:
		return "at most " + num(f.max)
	}
	return ""
}

func (f *field) inRange(v float64) bool {
	if f.hasMin && (v < f.min || (f.minOpen && v == f.min)) {
		return false
	}
	if f.hasMax && (v > f.max || (f.maxOpen && v == f.max)) {
		return false
	}
	return true
}

// Doc documents one key of the plan schema, for hover and completion.
type Doc struct {
	// Path is the key's dotted path; list elements are written "[]", as in
	// "categories[].weight".
	Path string
	// Type says what the value must be, e.g. "number between 0 and 1".
	Type string
	// Summary is what the key means.
	Summary string
	// Values are the allowed choices when Closed, otherwise common values.
	Values []string
	Closed bool
	// Default is what applies when the key is left out ("" when nothing
	// does).
	Default string
	// Advice is the recommendation behind the default.
	Advice string
}

// Markdown renders the documentation for a hover.
func (d Doc) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**", d.Path)
	if d.Type != "" {
		fmt.Fprintf(&b, " — %s", d.Type)
	}
	b.WriteString("\n\n")
	b.WriteString(d.Summary)
	b.WriteString("\n")
	if len(d.Values) > 0 {
		if d.Closed {
			b.WriteString("\nAllowed values: ")
		} else {
			b.WriteString("\nCommon values: ")
		}
		for i, v := range d.Values {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("`" + v + "`")
		}
		b.WriteString("\n")
	}
	if d.Default != "" {
		fmt.Fprintf(&b, "\nDefault: %s\n", d.Default)
	}
	if d.Advice != "" {
		fmt.Fprintf(&b, "\n%s\n", d.Advice)
	}
	return b.String()
}

// lookup finds the schema field at path. Numeric components (and "[]" or
// "*") step into list elements; the rule codes under lint.rules all share
// one field.
func lookup(path []string) (*field, string) {
	f := schema
	var dotted strings.Builder
	for _, c := range path {
		switch f.kind {
		case kindList:
			f = f.elem
			dotted.WriteString("[]")
			if c == "[]" || c == "*" || isIndex(c) {
				continue
			}
			if f.kind != kindMap {
				return nil, ""
			}
			fallthrough
		case kindMap:
			f = f.child(c)
			if f == nil {
				return nil, ""
			}
		case kindRules:
			f = ruleField
		default:
			return nil, ""
		}
		if dotted.Len() > 0 {
			dotted.WriteByte('.')
		}
		dotted.WriteString(c)
	}
	return f, dotted.String()
}

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// KeyDoc returns the documentation of the key at path, e.g.
// KeyDoc("categories", "2", "weight"). An empty path documents the file
// itself.
func KeyDoc(path ...string) (Doc, bool) {
	f, dotted := lookup(path)
	if f == nil {
		return Doc{}, false
	}
	d := f.doc
	d.Path = dotted
	if f == ruleField && len(path) > 0 {
		code := strings.ToUpper(path[len(path)-1])
		if r := diagnostics.Lookup(code); r != nil {
			d.Summary = fmt.Sprintf("Severity of %s (%s): %s. %s", r.Code, r.Name, r.Summary, d.Summary)
			d.Default = r.Severity.String()
		}
	}
	if d.Path == "" {
		d.Path = "(plan)"
	}
	if d.Type == "" {
		d.Type = f.typeName()
	}
	if d.Values == nil {
		d.Values = f.values
		d.Closed = f.kind == kindEnum
	}
	return d, true
}

func (f *field) typeName() string {
	switch f.kind {
	case kindMap:
		return "mapping"
	case kindList:
		if f.elem.kind == kindMap {
			return "list of mappings"
		}
		return "list of " + f.elem.typeName()
	case kindString:
		return "text"
	case kindInt:
		if b := f.bounds(); b != "" {
			return "whole number " + b
		}
		return "whole number"
	case kindFloat:
		if b := f.bounds(); b != "" {
			return "number " + b
		}
		return "number"
	case kindBool:
		return "true or false"
	case kindEnum:
		return "one of " + strings.Join(f.values, ", ")
	case kindRange:
		return "[min, max], whole numbers " + f.bounds()
	case kindRules:
		return "mapping of rule code to severity"
	}
	return ""
}

// Keys returns the keys allowed in the mapping at path, in schema order:
// Keys() lists the sections, Keys("categories", "0") the keys of a
// category, Keys("lint", "rules") every rule code.
func Keys(path ...string) []string {
	f, _ := lookup(path)
	if f == nil {
		return nil
	}
	if f.kind == kindList {
		f = f.elem
	}
	switch f.kind {
	case kindMap:
		return f.childNames()
	case kindRules:
		var codes []string
		for _, r := range diagnostics.All() {
			codes = append(codes, r.Code)
		}
		return codes
	}
	return nil
}

// EnumValues returns the values to offer for the key at path: the allowed
// choices of a closed key, common values of a text key, true and false for
// a switch. It is nil for keys with free values.
func EnumValues(path ...string) []string {
	f, _ := lookup(path)
	if f == nil {
		return nil
	}
	if f.kind == kindList {
		f = f.elem
	}
	switch f.kind {
	case kindBool:
		return []string{"true", "false"}
	case kindEnum, kindString:
		return append([]string(nil), f.values...)
	}
	return nil
}

// Closed reports whether the key at path only accepts the values
// EnumValues returns.
func Closed(path ...string) bool {
	f, _ := lookup(path)
	return f != nil && (f.kind == kindEnum || f.kind == kindBool)
}

// allPaths lists every key of the schema with its dotted path, for
// did-you-mean across sections.
func allPaths() map[string][]string {
	out := map[string][]string{}
	var walk func(f *field, prefix string)
	walk = func(f *field, prefix string) {
		if f.kind == kindList {
			f = f.elem
			prefix += "[]"
		}
		for _, c := range f.fields {
			p := c.name
			if prefix != "" {
				p = prefix + "." + c.name
			}
			out[c.name] = append(out[c.name], p)
			walk(c, p)
		}
	}
	walk(schema, "")
	for _, v := range out {
		sort.Strings(v)
	}
	return out
}

// Builders used by the schema table in docs.go.

func section(name string, d Doc, fields ...*field) *field {
	return &field{name: name, kind: kindMap, fields: fields, doc: d}
}

func text(name string, d Doc, common ...string) *field {
	return &field{name: name, kind: kindString, values: common, doc: d}
}

func enum(name string, d Doc, values ...string) *field {
	return &field{name: name, kind: kindEnum, values: values, doc: d}
}

func boolean(name string, d Doc) *field {
	return &field{name: name, kind: kindBool, doc: d}
}

func integer(name string, d Doc, min, max float64, hasMax bool) *field {
	return &field{name: name, kind: kindInt, min: min, hasMin: true, max: max, hasMax: hasMax, doc: d}
}

func number(name string, d Doc, min, max float64, hasMax bool) *field {
	return &field{name: name, kind: kindFloat, min: min, hasMin: true, max: max, hasMax: hasMax, doc: d}
}

func share(name string, d Doc) *field { return number(name, d, 0, 1, true) }

func list(name string, d Doc, elem *field) *field {
	return &field{name: name, kind: kindList, elem: elem, doc: d}
}

func textList(name string, d Doc, common ...string) *field {
	return list(name, d, &field{kind: kindString, values: common, nonEmpty: true})
}
