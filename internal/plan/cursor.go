package plan

import (
	"strconv"
	"strings"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// Cursor describes what is being typed at a position in a plan's text, for
// completion. It reads indentation and brackets rather than parsing the
// YAML, so it works on the half-written lines that completion sees.
type Cursor struct {
	// Path is the mapping the cursor is in (when typing a key) or the key
	// whose value is being typed (when InValue), e.g. ["categories", "1"]
	// or ["style", "tone"]. List elements appear as their index.
	Path []string
	// InValue is true after "key: " or inside a flow list value.
	InValue bool
	// Prefix is the part of the key or value typed so far.
	Prefix string
	// InComment is true when the cursor is in a comment; there is nothing
	// to complete.
	InComment bool
}

// CursorAt describes the position pos of src for completion: call Keys
// with Path when !InValue, and EnumValues with Path when InValue.
func CursorAt(src []byte, pos textpos.Position) Cursor {
	lines := textpos.NewLineIndex(src)
	off, _ := lines.Offset(pos)
	start := lines.LineStart(pos.Line)
	if off < start {
		off = start
	}
	cur := string(src[start:off])
	if commentStart(cur) >= 0 {
		return Cursor{InComment: true}
	}
	indent, body := splitIndent(cur)
	item := false
	for strings.HasPrefix(body, "- ") || body == "-" {
		body = strings.TrimPrefix(strings.TrimPrefix(body, "-"), " ")
		indent += 2
		item = true
	}
	var c Cursor
	// The mapping the line belongs to, from the lines above.
	parents := parentPath(lines, pos.Line, indent, item)
	c.Path = append(c.Path, parents...)
	// Inside the line: "key: value", or flow collections.
	seg, frames := scanFlow(body)
	for _, f := range frames {
		if f.key != "" {
			c.Path = append(c.Path, f.key)
		}
		if f.list {
			c.Path = append(c.Path, strconv.Itoa(f.index))
		}
	}
	if key, value, ok := cutKey(seg); ok {
		c.Path = append(c.Path, key)
		c.InValue = true
		c.Prefix = strings.TrimSpace(value)
		return c
	}
	c.Prefix = strings.TrimSpace(seg)
	// An element of a list of values (block "- x" or flow "[a, x"): the
	// schema says whether the elements are mappings or values.
	if f, _ := lookup(c.Path); f != nil && f.kind != kindMap && f.kind != kindList && f.kind != kindRules {
		c.InValue = true
	}
	return c
}

// commentStart returns where a comment starts in a line, ignoring "#"
// inside quotes, or -1.
func commentStart(line string) int {
	var quote byte
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			}
		case ch == '"' || ch == '\'':
			quote = ch
		case ch == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return i
		}
	}
	return -1
}

func splitIndent(line string) (int, string) {
	t := strings.TrimLeft(line, " ")
	return len(line) - len(t), t
}

// cutKey splits "key: value" (or "key:" at the end of the text).
func cutKey(s string) (key, value string, ok bool) {
	if i := strings.Index(s, ": "); i > 0 {
		return unquote(strings.TrimSpace(s[:i])), s[i+2:], true
	}
	if strings.HasSuffix(s, ":") && len(s) > 1 {
		return unquote(strings.TrimSpace(s[:len(s)-1])), "", true
	}
	return "", "", false
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

type flowFrame struct {
	key   string // the key whose value the collection is
	list  bool
	index int // element being written, for lists
}

// scanFlow follows the unclosed flow collections of a line and returns
// the text of the current element and the open collections, outermost
// first.
func scanFlow(body string) (string, []flowFrame) {
	var frames []flowFrame
	segStart := 0
	var quote byte
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if quote != 0 {
			if ch == quote {
				quote = 0
			}
			continue
		}
		switch ch {
		case '"', '\'':
			quote = ch
		case '{', '[':
			key, _, _ := cutKey(body[segStart:i])
			frames = append(frames, flowFrame{key: key, list: ch == '['})
			segStart = i + 1
		case '}', ']':
			if len(frames) > 0 {
				frames = frames[:len(frames)-1]
			}
			segStart = i + 1
		case ',':
			if n := len(frames); n > 0 && frames[n-1].list {
				frames[n-1].index++
			}
			segStart = i + 1
		}
	}
	return body[segStart:], frames
}

// parentPath finds the keys (and list indexes) enclosing a line whose
// content starts at column indent, by walking up to less indented lines.
// item says the line itself starts a list element.
func parentPath(lines *textpos.LineIndex, line, indent int, item bool) []string {
	var path []string
	need := indent
	// Elements of a block list, counted while looking for the list's key:
	// the element holding the line, and its siblings above it.
	items, itemIndent := 0, -1
	if item {
		itemIndent, items = indent-2, 1
	}
	for l := line - 1; l >= 0 && need > 0; l-- {
		text := string(lines.Line(l))
		if c := commentStart(text); c >= 0 {
			text = text[:c]
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		ind, body := splitIndent(text)
		dash := strings.HasPrefix(body, "- ") || body == "-"
		if dash && ind == itemIndent {
			items++
			continue
		}
		if ind >= need {
			continue
		}
		if dash {
			// The line is inside this list element.
			itemIndent, items = ind, 1
			need = ind + 1
			continue
		}
		key, _, ok := cutKey(body)
		if !ok {
			break
		}
		if itemIndent >= 0 {
			path = append([]string{strconv.Itoa(items - 1)}, path...)
			itemIndent, items = -1, 0
		}
		path = append([]string{key}, path...)
		need = ind
	}
	return path
}
