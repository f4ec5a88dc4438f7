package diagnostics

import (
	"fmt"
	"strings"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// memberEdit says what happens to one member of an object being rewritten:
// drop it, or keep it with a (possibly new) key and value, given as JSON
// text.
type memberEdit struct {
	drop       bool
	key, value []byte
}

// rewriteObject returns the source text of obj with each member passed
// through edit, then extra members appended. Members are written with no
// whitespace between them; the text of values is kept byte for byte.
func rewriteObject(obj jsonpos.Value, edit func(k jsonpos.Key, v jsonpos.Value) memberEdit, extra ...[2][]byte) []byte {
	out := make([]byte, 0, len(obj.Raw())+32)
	out = append(out, '{')
	first := true
	add := func(k, v []byte) {
		if !first {
			out = append(out, ',')
		}
		first = false
		out = append(append(append(out, k...), ':'), v...)
	}
	for k, v := range obj.Members() {
		e := edit(k, v)
		if e.drop {
			continue
		}
		if e.key == nil {
			e.key = k.Raw()
		}
		if e.value == nil {
			e.value = v.Raw()
		}
		add(e.key, e.value)
	}
	for _, kv := range extra {
		add(kv[0], kv[1])
	}
	return append(out, '}')
}

// quoted returns s as a JSON string literal.
func quoted(s string) []byte { return jsonpos.AppendQuote(nil, s) }

// decodeString returns the value of the JSON string token raw, for a fix
// made from a row's text when it is applied.
func decodeString(raw []byte) (string, error) {
	var p jsonpos.Parser
	v, err := p.Parse(raw)
	if err != nil || v.Kind() != jsonpos.String {
		return "", fmt.Errorf("not a JSON string: %.40q", raw)
	}
	return v.Str(), nil
}

// replaceCategory rewrites the string at the dotted path field of a row
// from one category to another.
func replaceCategory(row []byte, field, from, to string) ([]byte, error) {
	var p jsonpos.Parser
	root, err := p.Parse(row)
	if err != nil {
		return nil, err
	}
	v := root
	for _, key := range strings.Split(field, ".") {
		v = v.Get(key)
	}
	if v.Kind() != jsonpos.String || v.Str() != from {
		return nil, fmt.Errorf("category at %s is no longer %q", field, from)
	}
	out := append([]byte{}, row[:v.Start()]...)
	out = append(out, quoted(to)...)
	return append(out, row[v.End():]...), nil
}
