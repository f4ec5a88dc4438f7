package generator

import (
	"bytes"
	"encoding/json"
	"strings"
)

// field is one member of a JSON object, in document order.
type field struct {
	key string
	val json.RawMessage
}

// objectFields returns the members of a JSON object in order, or false
// when raw is not an object.
func objectFields(raw json.RawMessage) ([]field, bool) {
	if firstByte(raw) != '{' {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil {
		return nil, false
	}
	var out []field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, false
		}
		out = append(out, field{k, v})
	}
	return out, true
}

// rowBuilder turns an example's messages into a dataset row: the system
// prompt set per the plan's mode, contents trimmed, the category written at
// the category field.
type rowBuilder struct {
	// keepSystem keeps the system messages the model wrote (varied mode
	// without listed prompts); otherwise they are removed and system, when
	// not empty, is put first.
	keepSystem bool
	// categoryPath is the category field split at dots; empty for none.
	categoryPath []string
}

// build returns the row for msgs. system is the system prompt to put
// first, "" for none.
func (rb *rowBuilder) build(msgs []json.RawMessage, system, category string) []byte {
	var buf bytes.Buffer
	buf.WriteString(`{"messages":[`)
	n := 0
	sep := func() {
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
	}
	if system != "" && !rb.keepSystem {
		sep()
		buf.WriteString(`{"role":"system","content":`)
		writeString(&buf, system)
		buf.WriteByte('}')
	}
	for _, m := range msgs {
		fields, ok := objectFields(m)
		if !ok {
			// Not an object: keep it as written, for the rules to judge.
			sep()
			compact(&buf, m)
			continue
		}
		if !rb.keepSystem && roleOf(fields) == "system" {
			continue
		}
		sep()
		writeMessage(&buf, fields)
	}
	buf.WriteByte(']')
	if len(rb.categoryPath) > 0 && category != "" {
		// {"metadata":{"category":"x"}} for metadata.category
		buf.WriteByte(',')
		for _, k := range rb.categoryPath {
			writeString(&buf, k)
			buf.WriteByte(':')
			buf.WriteByte('{')
		}
		buf.Truncate(buf.Len() - 1)
		writeString(&buf, category)
		for range rb.categoryPath[1:] {
			buf.WriteByte('}')
		}
	}
	buf.WriteByte('}')
	return buf.Bytes()
}

func roleOf(fields []field) string {
	for _, f := range fields {
		if f.key == "role" {
			var s string
			if json.Unmarshal(f.val, &s) == nil {
				return s
			}
		}
	}
	return ""
}

// writeMessage writes a message with role and content first, then the
// other keys in the model's order. String contents are trimmed.
func writeMessage(buf *bytes.Buffer, fields []field) {
	buf.WriteByte('{')
	n := 0
	write := func(f field) {
		if n > 0 {
			buf.WriteByte(',')
		}
		n++
		writeString(buf, f.key)
		buf.WriteByte(':')
		if f.key == "content" && firstByte(f.val) == '"' {
			var s string
			if json.Unmarshal(f.val, &s) == nil {
				writeString(buf, strings.TrimSpace(s))
				return
			}
		}
		compact(buf, f.val)
	}
	for _, want := range []string{"role", "content"} {
		for _, f := range fields {
			if f.key == want {
				write(f)
				break
			}
		}
	}
	for _, f := range fields {
		if f.key != "role" && f.key != "content" {
			write(f)
		}
	}
	buf.WriteByte('}')
}

func compact(buf *bytes.Buffer, raw json.RawMessage) {
	if err := json.Compact(buf, raw); err != nil {
		buf.Write(raw)
	}
}

// writeString writes s as a JSON string, leaving <, > and & as they are.
func writeString(buf *bytes.Buffer, s string) {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	buf.Truncate(buf.Len() - 1) // Encode's newline
}
