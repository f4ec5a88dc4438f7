package generator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
)

// Parsed is what ParseAnswer read from a model's answer.
type Parsed struct {
	// Examples are the complete examples, each the list of its messages
	// as raw JSON.
	Examples [][]json.RawMessage
	// Malformed counts values that are JSON but not an example (a string,
	// an object without messages, a line that does not parse between good
	// ones).
	Malformed int
	// Truncated is set when the answer ends inside an example, which was
	// left out.
	Truncated bool
}

// ErrNoJSON is returned when an answer holds no JSON at all.
var ErrNoJSON = errors.New("the answer holds no JSON")

// arrayKeys are the fields of an answer object that hold the examples,
// tried in this order before any other array field.
var arrayKeys = []string{"examples", "data", "rows", "conversations", "items", "dataset", "results", "output"}

// ParseAnswer reads the examples out of a model's answer, which is
// untrusted text. It accepts a JSON object holding an array of examples
// (under "examples", "data", "rows" or any single array field), a bare
// JSON array, or JSON Lines; any of them inside a markdown code fence and
// with prose before or after. An example is {"messages": [...]} or a bare
// array of messages. An answer cut off in the middle (as when the model
// hit its token limit) yields the examples before the cut and sets
// Truncated; the cut example is never returned.
func ParseAnswer(text string) (Parsed, error) {
	body := unfence(text)
	var out Parsed
	found := false
	pos := 0
	for pos < len(body) {
		start := nextValue(body, pos)
		if start < 0 {
			break
		}
		vals, end, err := decodeOne(body[start:])
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) || atEnd(body[start:], err) {
				// The answer ends inside this value: keep what was whole.
				exs, mal := salvage(body[start:])
				if len(exs) > 0 || mal > 0 {
					found = true
				}
				out.Examples = append(out.Examples, exs...)
				out.Malformed += mal
				out.Truncated = true
				found = true
				break
			}
			// Not JSON from here: prose that happens to hold a bracket,
			// or a broken line of JSON Lines. Skip to the next line.
			if found {
				out.Malformed++
			}
			pos = resume(body, start, err)
			continue
		}
		found = true
		exs, mal := examplesOf(vals)
		out.Examples = append(out.Examples, exs...)
		out.Malformed += mal
		pos = start + end
	}
	if !found {
		return out, ErrNoJSON
	}
	return out, nil
}

// atEnd reports whether a syntax error is in the trailing white space of
// b, as when an answer is cut inside a string and a newline follows.
func atEnd(b []byte, err error) bool {
	var se *json.SyntaxError
	if !errors.As(err, &se) || se.Offset <= 0 {
		return false
	}
	return len(bytes.TrimSpace(b[min(int(se.Offset)-1, len(b)):])) == 0
}

// unfence returns the contents of the markdown code fences of text, joined
// by newlines, or text itself when it has none. A fence left open (a cut
// answer) runs to the end of the text.
func unfence(text string) []byte {
	if !strings.Contains(text, "```") {
		return []byte(text)
	}
	var out []byte
	rest := text
	for {
		i := strings.Index(rest, "```")
		if i < 0 {
			break
		}
		rest = rest[i+3:]
		// Skip the info string (```json) up to the end of its line.
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 && !strings.ContainsAny(rest[:nl], "{[") {
			rest = rest[nl+1:]
		}
		j := strings.Index(rest, "```")
		if j < 0 {
			out = append(out, rest...)
			break
		}
		out = append(append(out, rest[:j]...), '\n')
		rest = rest[j+3:]
	}
	if len(bytes.TrimSpace(out)) == 0 {
		return []byte(text)
	}
	return out
}

// nextValue returns the offset of the next '{' or '[' at or after pos, or
// -1.
func nextValue(b []byte, pos int) int {
	i := bytes.IndexAny(b[pos:], "{[")
	if i < 0 {
		return -1
	}
	return pos + i
}

// resume returns where to look for the next value after a syntax error in
// the value at start: the line of the error when it is on a later line
// (a broken line of JSON Lines followed by a good one, which the decoder
// read into), otherwise the next line. Either way the scan moves forward,
// and never reads the same bytes twice over.
func resume(b []byte, start int, err error) int {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset > 0 {
		at := min(start+int(se.Offset)-1, len(b))
		if ls := bytes.LastIndexByte(b[:at], '\n') + 1; ls > start {
			return ls
		}
	}
	return nextLine(b, start)
}

// nextLine returns the offset of the line after the one holding pos.
func nextLine(b []byte, pos int) int {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return len(b)
	}
	return pos + i + 1
}

// decodeOne decodes the JSON value at the start of b and returns it and
// the number of bytes it took.
func decodeOne(b []byte) (json.RawMessage, int, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, 0, err
	}
	return raw, int(dec.InputOffset()), nil
}

// examplesOf reads the examples of one complete top-level value.
func examplesOf(v json.RawMessage) (exs [][]json.RawMessage, malformed int) {
	switch firstByte(v) {
	case '[':
		var elems []json.RawMessage
		if json.Unmarshal(v, &elems) != nil {
			return nil, 1
		}
		if isMessageList(elems) {
			return [][]json.RawMessage{elems}, 0
		}
		return examplesIn(elems)
	case '{':
		var fields map[string]json.RawMessage
		if json.Unmarshal(v, &fields) != nil {
			return nil, 1
		}
		if _, ok := fields["messages"]; ok {
			if msgs, ok := messagesOf(v); ok {
				return [][]json.RawMessage{msgs}, 0
			}
			return nil, 1
		}
		if arr, ok := pickArray(orderedKeys(v), fields); ok {
			var elems []json.RawMessage
			json.Unmarshal(arr, &elems)
			return examplesIn(elems)
		}
		return nil, 1
	}
	return nil, 1
}

// examplesIn reads the elements of an array of examples.
func examplesIn(elems []json.RawMessage) (exs [][]json.RawMessage, malformed int) {
	for _, e := range elems {
		if msgs, ok := messagesOf(e); ok {
			exs = append(exs, msgs)
		} else {
			malformed++
		}
	}
	return exs, malformed
}

// messagesOf returns the messages of one example: {"messages": [...]}, a
// bare array of messages, or either of them encoded as a JSON string.
func messagesOf(e json.RawMessage) ([]json.RawMessage, bool) {
	switch firstByte(e) {
	case '{':
		var obj struct {
			Messages []json.RawMessage `json:"messages"`
		}
		if json.Unmarshal(e, &obj) != nil || len(obj.Messages) == 0 {
			return nil, false
		}
		return obj.Messages, true
	case '[':
		var msgs []json.RawMessage
		if json.Unmarshal(e, &msgs) != nil || len(msgs) == 0 || firstByte(msgs[0]) != '{' {
			return nil, false
		}
		return msgs, true
	case '"':
		var s string
		if json.Unmarshal(e, &s) != nil {
			return nil, false
		}
		inner := []byte(strings.TrimSpace(s))
		if b := firstByte(inner); b == '{' || b == '[' {
			return messagesOf(inner)
		}
	}
	return nil, false
}

// isMessageList reports whether a top-level array is one conversation (its
// elements are messages with a role) rather than a list of examples.
func isMessageList(elems []json.RawMessage) bool {
	if len(elems) == 0 {
		return false
	}
	for _, e := range elems {
		var m map[string]json.RawMessage
		if json.Unmarshal(e, &m) != nil {
			return false
		}
		if _, ok := m["role"]; !ok {
			return false
		}
		if _, ok := m["messages"]; ok {
			return false
		}
	}
	return true
}

// pickArray chooses the field holding the examples: a known name first,
// then the only array field, then the first array field whose elements are
// examples.
func pickArray(order []string, fields map[string]json.RawMessage) (json.RawMessage, bool) {
	for _, k := range arrayKeys {
		if v, ok := fields[k]; ok && firstByte(v) == '[' {
			return v, true
		}
	}
	var arrays []string
	for _, k := range order {
		if firstByte(fields[k]) == '[' {
			arrays = append(arrays, k)
		}
	}
	if len(arrays) == 1 {
		return fields[arrays[0]], true
	}
	for _, k := range arrays {
		var elems []json.RawMessage
		if json.Unmarshal(fields[k], &elems) == nil && len(elems) > 0 {
			if _, ok := messagesOf(elems[0]); ok {
				return fields[k], true
			}
		}
	}
	return nil, false
}

// orderedKeys returns the keys of a JSON object in document order.
func orderedKeys(v json.RawMessage) []string {
	dec := json.NewDecoder(bytes.NewReader(v))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var keys []string
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return keys
		}
		k, _ := t.(string)
		keys = append(keys, k)
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return keys
		}
	}
	return keys
}

// salvage reads the complete examples of a value cut off before its end:
// the whole elements of the examples array, wherever the cut falls. The
// element being written when the answer ended is dropped.
func salvage(b []byte) (exs [][]json.RawMessage, malformed int) {
	switch firstByte(b) {
	case '[':
		elems := arrayPrefix(b)
		if len(elems) > 0 && isMessageList(elems) {
			// One conversation cut off: nothing whole to keep.
			return nil, 0
		}
		return examplesIn(elems)
	case '{':
		dec := json.NewDecoder(bytes.NewReader(b))
		if _, err := dec.Token(); err != nil {
			return nil, 0
		}
		fields := map[string]json.RawMessage{}
		var order []string
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				break
			}
			key, _ := t.(string)
			at := valueStart(b, int(dec.InputOffset()))
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				// The cut is inside this field.
				if key == "messages" || at >= len(b) || b[at] != '[' {
					return nil, 0
				}
				if known(key) || len(fields) == 0 || !hasArray(fields) {
					return examplesIn(arrayPrefix(b[at:]))
				}
				break
			}
			fields[key] = raw
			order = append(order, key)
		}
		if _, ok := fields["messages"]; ok {
			return nil, 0
		}
		if arr, ok := pickArray(order, fields); ok {
			var elems []json.RawMessage
			json.Unmarshal(arr, &elems)
			return examplesIn(elems)
		}
	}
	return nil, 0
}

func known(key string) bool {
	for _, k := range arrayKeys {
		if k == key {
			return true
		}
	}
	return false
}

func hasArray(fields map[string]json.RawMessage) bool {
	for _, v := range fields {
		if firstByte(v) == '[' {
			return true
		}
	}
	return false
}

// valueStart skips white space and the colon after a key.
func valueStart(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n' || b[i] == ':') {
		i++
	}
	return i
}

// arrayPrefix returns the complete elements at the start of an array that
// may be cut off.
func arrayPrefix(b []byte) []json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil {
		return nil
	}
	var out []json.RawMessage
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			break
		}
		out = append(out, raw)
	}
	return out
}

func firstByte(b []byte) byte {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c
	}
	return 0
}
