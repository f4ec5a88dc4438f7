// Package jsonpos is a fast JSON parser that keeps the byte position of
// every value and every object key.
//
// It is the core parser of ftls: each dataset row (one JSON value, usually a
// small object, occasionally a single line of tens of megabytes) is parsed
// once, and every diagnostic the linter reports must point at an exact byte
// range of the row. General-purpose decoders throw positions away (and
// encoding/json reports syntax errors one byte past the offending byte), so
// this package builds a compact tree in which each node records the
// [Start, End) byte span of its value and, for object members, of its key.
//
//   - Speed. Parsing is a single iterative pass (no recursion, so deeply
//     nested input cannot exhaust the stack) that writes fixed-size nodes
//     into a flat arena owned by the [Parser]. The arena is reused by the
//     next Parse, so steady-state parsing allocates nothing. Strings are
//     validated 32 bytes at a time with word-wide bit tricks and are not
//     decoded during parsing: decoding happens on demand in [Value.Str] and
//     friends, and is a plain copy for strings without escapes. Numbers are
//     validated and kept as raw text.
//
//   - Exact diagnostics. A [SyntaxError] carries the byte offset of the
//     offending byte (len(data) for an unexpected end of input) and a short
//     message in the style of encoding/json.
//
//   - Duplicate keys. Objects keep all their members in source order,
//     including repeated keys, which most decoders silently collapse;
//     [Value.Duplicates] lists them with the positions of both keys.
//
//   - Exact-duplicate detection. [Value.AppendCanonical] writes a canonical
//     encoding of a value, so that two rows which decode to the same data
//     have byte-identical canonical forms.
//
// The accepted grammar is RFC 8259 as checked by encoding/json's json.Valid,
// including its leniency about bytes that are not valid UTF-8 inside strings
// (they are accepted as they are; callers report invalid UTF-8 separately).
// The one difference is the nesting limit, [Parser.MaxDepth] (1000 levels by
// default, where encoding/json allows 10000). Whitespace is space, tab, CR
// and LF; a leading byte order mark is not skipped (it is a syntax error).
//
// A Parser must not be used by several goroutines at once, but the Values
// it returns are read-only and may be shared until its next Parse.
package jsonpos

import (
	"iter"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Kind is the kind of a JSON value.
type Kind uint8

// The kinds of JSON values. Invalid is the kind of the zero Value, which is
// returned for missing members and out-of-range indexes.
const (
	Invalid Kind = iota
	Null
	False
	True
	Number
	String
	Array
	Object
)

var kindNames = [...]string{
	Invalid: "invalid",
	Null:    "null",
	False:   "false",
	True:    "true",
	Number:  "number",
	String:  "string",
	Array:   "array",
	Object:  "object",
}

// String returns the lowercase name of the kind: "null", "false", "true",
// "number", "string", "array", "object" or "invalid".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "invalid"
}

// DefaultMaxDepth is the nesting limit used when Parser.MaxDepth is 0.
// (encoding/json's limit is 10000.)
const DefaultMaxDepth = 1000

// maxLen is the largest input the parser accepts: offsets are stored as
// uint32.
const maxLen = math.MaxUint32

// Node flags.
const (
	flagEsc    = 1 << iota // the string value contains backslash escapes
	flagKeyEsc             // the member key contains backslash escapes
	// The lengths of the UTF-8 sequences in the string value: flagSeq<<n
	// for n bytes (1 for a byte that starts none).
	flagSeq  = 1 << 2
	flagSeqs = 0xF * flagSeq << 1
)

// node is one value in the arena. The direct children of a container are
// stored contiguously at [child, child+n); all its descendants occupy the
// contiguous range [desc, child+n), because a container's child block is
// appended when it is closed, after the blocks of all its descendants.
// child, n and desc are only set (and only read) for containers, and the key
// span is 0, 0 for values that are not object members.
type node struct {
	start, end       uint32 // value span
	keyStart, keyEnd uint32 // key token span (quotes included), object members only
	child            uint32 // first direct child (containers)
	n                uint32 // number of direct children (containers)
	desc             uint32 // first descendant (containers)
	kind             Kind
	flags            uint8
	escs             Escapes // the string value's escapes
}

// doc is the result of one Parse: the input and the arena. Values point to it.
type doc struct {
	data  []byte
	nodes []node
}

// Parser parses JSON values. A Parser is reusable: its arena is reused by
// the next call to Parse, which invalidates all Values obtained from the
// previous call. A Parser is not safe for concurrent use; use one Parser per
// goroutine. The zero Parser is ready to use.
type Parser struct {
	// MaxDepth is the maximum nesting depth of arrays and objects;
	// 0 (or a negative value) means DefaultMaxDepth (1000).
	MaxDepth int

	d      *doc
	stack  []node   // pending nodes: open containers and their children so far
	frames []uint32 // indexes into stack of the open containers
	u      utf8Tally
}

// SyntaxError is a JSON syntax error.
type SyntaxError struct {
	// Offset is the byte offset in the input of the offending byte,
	// or len(input) for an unexpected end of input.
	Offset int
	// Msg is a short lowercase description, e.g.
	// "invalid character 'x' after object key".
	Msg string
}

// Error returns the message of the error (without the offset).
func (e *SyntaxError) Error() string { return e.Msg }

// Parse parses data, which must hold exactly one JSON value with optional
// surrounding whitespace (space, tab, CR, LF), and returns its root. It makes
// no copy of data: data must not be modified while the returned Values (or
// byte slices they return) are in use. On error the returned Value is the
// zero Value and the error is a *SyntaxError.
func (p *Parser) Parse(data []byte) (Value, error) {
	if p.d == nil {
		p.d = &doc{}
	}
	d := p.d
	d.data = data
	p.u = utf8Tally{invalid: -1}
	if err := p.parse(data); err != nil {
		d.data = nil
		return Value{}, err
	}
	return Value{d: d, i: 0}, nil
}

// UTF8 returns what the last successful Parse learned about the encoding of
// its input: the offset of the first byte that is not UTF-8 (-1 if there
// is none) and, when there is none, the input's length in UTF-16 code units.
// Parsing validates the strings anyway, and JSON outside strings is ASCII,
// so this costs nothing extra.
func (p *Parser) UTF8() (units, invalid int) {
	if p.d == nil {
		return 0, -1
	}
	return len(p.d.data) - p.u.saved, p.u.invalid
}

// HasLoneSurrogate reports whether the input of the last successful Parse
// holds a \u escape of a lone surrogate: whether LoneSurrogates would find
// one. The parser reads every escape anyway.
func (p *Parser) HasLoneSurrogate() bool {
	return p.d != nil && p.u.lone
}

// Parse parses data with a new Parser. See Parser.Parse.
func Parse(data []byte) (Value, error) {
	var p Parser
	return p.Parse(data)
}

// isWS reports whether c is JSON whitespace.
func isWS(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t'
}

// skipWS returns the index of the first non-whitespace byte at or after i.
func skipWS(data []byte, i int) int {
	for i < len(data) {
		c := data[i]
		if c > ' ' || !isWS(c) {
			break
		}
		i++
	}
	return i
}

// push appends an uninitialised node to stack.
func push(stack []node) []node {
	if len(stack) == cap(stack) {
		stack = slices.Grow(stack, 1)
	}
	return stack[:len(stack)+1]
}

// parse is a state machine written with gotos, so that the hot state (the
// input position and the three slices) stays in local variables.
//
// Nodes are first pushed on stack: an open container is followed by its
// children parsed so far. When a container closes, its children are moved
// to the arena as one contiguous block, so that Index is O(1), and the
// container stays on the stack as a child of its own parent. frames holds
// the stack indexes of the open containers.
func (p *Parser) parse(data []byte) error {
	if uint64(len(data)) > maxLen {
		return &SyntaxError{Offset: 0, Msg: "input larger than 4 GiB"}
	}
	maxDepth := p.MaxDepth
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	d := p.d
	arena := append(d.nodes[:0], node{}) // slot 0 is the root
	stack := p.stack[:0]
	frames := p.frames[:0]

	var (
		i                int
		c                byte
		keyStart, keyEnd uint32 // key of the value being parsed (0, 0 if none)
		keyFlags         uint8
		end              int
		info             strInfo
		kind             Kind
		err              *SyntaxError
		nd               *node
		inArray          bool // the innermost open container is an array
	)

	i = skipWS(data, 0)

value:
	// A value starts at data[i] (whitespace already skipped).
	if i >= len(data) {
		err = eofError(data, "looking for beginning of value")
		goto fail
	}
	c = data[i]
	switch c {
	case '"':
		if end = shortString(data, i+1); end > 0 {
			info = 0
		} else if end, info, err = scanString(data, i+1, &p.u); err != nil {
			goto fail
		}
		stack = push(stack)
		nd = &stack[len(stack)-1]
		nd.start = uint32(i)
		nd.end = uint32(end)
		nd.keyStart = keyStart
		nd.keyEnd = keyEnd
		nd.kind = String
		nd.flags = keyFlags
		nd.escs = Escapes(info & infoEscapes)
		if nd.escs != 0 {
			nd.flags |= flagEsc
		}
		nd.flags |= uint8(info&infoSeqs/infoSeq) * flagSeq
		i = end
		goto afterValue
	case '{':
		if len(frames) >= maxDepth {
			err = depthError(i, maxDepth)
			goto fail
		}
		frames = append(frames, uint32(len(stack)))
		inArray = false
		stack = push(stack)
		nd = &stack[len(stack)-1]
		nd.start = uint32(i)
		nd.keyStart = keyStart
		nd.keyEnd = keyEnd
		nd.desc = uint32(len(arena))
		nd.kind = Object
		nd.flags = keyFlags
		i++
		if i < len(data) && data[i] <= ' ' {
			i = skipWS(data, i)
		}
		if i < len(data) && data[i] == '}' {
			goto closeContainer
		}
		goto key
	case '[':
		if len(frames) >= maxDepth {
			err = depthError(i, maxDepth)
			goto fail
		}
		frames = append(frames, uint32(len(stack)))
		inArray = true
		stack = push(stack)
		nd = &stack[len(stack)-1]
		nd.start = uint32(i)
		nd.keyStart = keyStart
		nd.keyEnd = keyEnd
		nd.desc = uint32(len(arena))
		nd.kind = Array
		nd.flags = keyFlags
		i++
		if i < len(data) && data[i] <= ' ' {
			i = skipWS(data, i)
		}
		if i < len(data) && data[i] == ']' {
			goto closeContainer
		}
		keyStart, keyEnd, keyFlags = 0, 0, 0
		goto value
	case 't':
		end, err = scanLiteral(data, i, "true")
		kind = True
	case 'f':
		end, err = scanLiteral(data, i, "false")
		kind = False
	case 'n':
		end, err = scanLiteral(data, i, "null")
		kind = Null
	default:
		if c != '-' && c-'0' > 9 {
			err = charError(data, i, "looking for beginning of value")
			goto fail
		}
		end, err = scanNumber(data, i)
		kind = Number
	}
	// A literal or a number.
	if err != nil {
		goto fail
	}
	stack = push(stack)
	nd = &stack[len(stack)-1]
	nd.start = uint32(i)
	nd.end = uint32(end)
	nd.keyStart = keyStart
	nd.keyEnd = keyEnd
	nd.kind = kind
	nd.flags = keyFlags
	i = end

afterValue:
	// A value has just ended at data[i].
	if len(frames) == 0 {
		i = skipWS(data, i)
		if i < len(data) {
			err = charError(data, i, "after top-level value")
			goto fail
		}
		arena[0] = stack[0]
		d.nodes, p.stack, p.frames = arena, stack, frames
		return nil
	}
	if i < len(data) && data[i] <= ' ' {
		i = skipWS(data, i)
	}
	if i >= len(data) {
		if inArray {
			err = eofError(data, "in array")
		} else {
			err = eofError(data, "in object")
		}
		goto fail
	}
	c = data[i]
	if inArray {
		if c == ',' {
			i++
			if i < len(data) && data[i] <= ' ' {
				i = skipWS(data, i)
			}
			keyStart, keyEnd, keyFlags = 0, 0, 0
			goto value
		}
		if c == ']' {
			goto closeContainer
		}
		err = charError(data, i, "after array element")
		goto fail
	}
	if c == ',' {
		i++
		if i < len(data) && data[i] <= ' ' {
			i = skipWS(data, i)
		}
		goto key
	}
	if c == '}' {
		goto closeContainer
	}
	err = charError(data, i, "after object key:value pair")
	goto fail

key:
	// An object key is expected at data[i] (whitespace already skipped).
	if i >= len(data) {
		err = eofError(data, "looking for beginning of object key string")
		goto fail
	}
	if data[i] != '"' {
		err = charError(data, i, "looking for beginning of object key string")
		goto fail
	}
	if end = shortString(data, i+1); end > 0 {
		info = 0
	} else if end, info, err = scanString(data, i+1, &p.u); err != nil {
		goto fail
	}
	keyStart, keyEnd, keyFlags = uint32(i), uint32(end), 0
	if info&infoEscapes != 0 {
		keyFlags = flagKeyEsc
	}
	i = end
	if i < len(data) && data[i] <= ' ' {
		i = skipWS(data, i)
	}
	if i >= len(data) {
		err = eofError(data, "after object key")
		goto fail
	}
	if data[i] != ':' {
		err = charError(data, i, "after object key")
		goto fail
	}
	i++
	if i < len(data) && data[i] <= ' ' {
		i = skipWS(data, i)
	}
	goto value

closeContainer:
	// data[i] is the closing bracket of the innermost open container.
	{
		pos := frames[len(frames)-1]
		frames = frames[:len(frames)-1]
		children := stack[pos+1:]
		cn := &stack[pos]
		cn.end = uint32(i + 1)
		cn.child = uint32(len(arena))
		cn.n = uint32(len(children))
		arena = append(arena, children...)
		stack = stack[:pos+1]
		if len(frames) > 0 {
			inArray = stack[frames[len(frames)-1]].kind == Array
		}
		i++
	}
	goto afterValue

fail:
	d.nodes, p.stack, p.frames = arena, stack, frames
	return err
}

func hexVal(c byte) int { return int(hexValues[c]) }

// hexValues holds each byte's value as a hex digit, -1 for the others: a
// text Python's json.dumps wrote (ensure_ascii) has an escape for every
// character outside ASCII, four digits each.
var hexValues = func() (t [256]int8) {
	for c := range t {
		switch {
		case '0' <= c && c <= '9':
			t[c] = int8(c - '0')
		case 'a' <= c && c <= 'f':
			t[c] = int8(c-'a') + 10
		case 'A' <= c && c <= 'F':
			t[c] = int8(c-'A') + 10
		default:
			t[c] = -1
		}
	}
	return t
}()

// Hex4 returns the value of the four hex digits that h starts with (those
// of a \uXXXX escape), or -1 when it does not start with four.
func Hex4(h []byte) rune {
	if len(h) < 4 {
		return -1
	}
	a, b, c, d := hexValues[h[0]], hexValues[h[1]], hexValues[h[2]], hexValues[h[3]]
	if a|b|c|d < 0 {
		return -1
	}
	return rune(a)<<12 | rune(b)<<8 | rune(c)<<4 | rune(d)
}

// scanNumber validates the number starting at data[i] (a '-' or a digit)
// and returns the index just after it.
func scanNumber(data []byte, i int) (int, *SyntaxError) {
	if data[i] == '-' {
		i++
		if i >= len(data) {
			return 0, eofError(data, "in numeric literal")
		}
	}
	switch c := data[i]; {
	case c == '0':
		i++
	case c-'1' <= 8:
		i++
		for i < len(data) && data[i]-'0' <= 9 {
			i++
		}
	default:
		return 0, charError(data, i, "in numeric literal")
	}
	if i < len(data) && data[i] == '.' {
		i++
		if i >= len(data) {
			return 0, eofError(data, "after decimal point in numeric literal")
		}
		if data[i]-'0' > 9 {
			return 0, charError(data, i, "after decimal point in numeric literal")
		}
		i++
		for i < len(data) && data[i]-'0' <= 9 {
			i++
		}
	}
	if i < len(data) && data[i]|0x20 == 'e' {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if i >= len(data) {
			return 0, eofError(data, "in exponent of numeric literal")
		}
		if data[i]-'0' > 9 {
			return 0, charError(data, i, "in exponent of numeric literal")
		}
		i++
		for i < len(data) && data[i]-'0' <= 9 {
			i++
		}
	}
	return i, nil
}

// scanLiteral checks that data[i:] starts with lit and returns the index
// just after it.
func scanLiteral(data []byte, i int, lit string) (int, *SyntaxError) {
	if len(data)-i >= len(lit) && string(data[i:i+len(lit)]) == lit {
		return i + len(lit), nil
	}
	for k := 1; k < len(lit); k++ {
		if i+k >= len(data) {
			return 0, eofError(data, "in literal "+lit)
		}
		if data[i+k] != lit[k] {
			return 0, charError(data, i+k, "in literal "+lit+" (expecting "+quoteByte(lit[k])+")")
		}
	}
	panic("unreachable")
}

func eofError(data []byte, context string) *SyntaxError {
	return &SyntaxError{Offset: len(data), Msg: "unexpected end of input " + context}
}

func charError(data []byte, i int, context string) *SyntaxError {
	return &SyntaxError{Offset: i, Msg: "invalid character " + quoteChar(data, i) + " " + context}
}

func depthError(i, maxDepth int) *SyntaxError {
	return &SyntaxError{Offset: i, Msg: "nesting deeper than " + strconv.Itoa(maxDepth) + " levels"}
}

// quoteChar formats the character at data[i] for an error message. A
// multi-byte UTF-8 sequence is shown as its character, an invalid byte as
// '\xNN'.
func quoteChar(data []byte, i int) string {
	c := data[i]
	if c < utf8.RuneSelf {
		return quoteByte(c)
	}
	r, size := utf8.DecodeRune(data[i:])
	if r == utf8.RuneError && size <= 1 {
		const hex = "0123456789abcdef"
		return `'\x` + string([]byte{hex[c>>4], hex[c&15]}) + `'`
	}
	s := strconv.QuoteRune(r)
	return "'" + s[1:len(s)-1] + "'"
}

func quoteByte(c byte) string {
	switch c {
	case '\'':
		return `'\''`
	case '"':
		return `'"'`
	}
	s := strconv.QuoteRune(rune(c))
	return "'" + s[1:len(s)-1] + "'"
}

// Value is a handle to one parsed JSON value. It is small and meant to be
// passed by value. The zero Value has kind Invalid and stands for a missing
// value. A Value is valid until the next Parse on the Parser that produced
// it.
type Value struct {
	d *doc
	i uint32
}

func (v Value) node() *node { return &v.d.nodes[v.i] }

// Kind returns the kind of v, or Invalid for the zero Value.
func (v Value) Kind() Kind {
	if v.d == nil {
		return Invalid
	}
	return v.d.nodes[v.i].kind
}

// Exists reports whether v is a parsed value (not the zero Value).
func (v Value) Exists() bool { return v.d != nil }

// Start returns the byte offset of the first byte of v in the input
// (0 for the zero Value).
func (v Value) Start() int {
	if v.d == nil {
		return 0
	}
	return int(v.node().start)
}

// End returns the byte offset just after the last byte of v in the input
// (0 for the zero Value).
func (v Value) End() int {
	if v.d == nil {
		return 0
	}
	return int(v.node().end)
}

// Raw returns the source text of v, data[Start:End]. It aliases the input.
func (v Value) Raw() []byte {
	if v.d == nil {
		return nil
	}
	n := v.node()
	return v.d.data[n.start:n.end:n.end]
}

// HasEscapes reports whether v is a string containing backslash escapes
// (so that its decoded form differs from its source text).
func (v Value) HasEscapes() bool {
	return v.d != nil && v.node().flags&flagEsc != 0
}

// Escapes returns the set of escape sequences in v's source, when v is a
// string: the parser saw each of them, so asking costs nothing.
func (v Value) Escapes() Escapes {
	if v.Kind() != String {
		return 0
	}
	return v.node().escs
}

// UTF8Seqs returns the lengths of the UTF-8 sequences in the source of v,
// a string, as a set: bit n is set when it holds an n-byte sequence (2 to
// 4), bit 1 when it holds a byte above 0x7f that starts none. It is 0 for
// ASCII and for other kinds.
func (v Value) UTF8Seqs() uint8 {
	if v.Kind() != String {
		return 0
	}
	return v.node().flags & flagSeqs / flagSeq
}

// Str returns the decoded value of a String: all escapes are decoded,
// \uXXXX surrogate pairs are combined and lone surrogates become U+FFFD.
// Bytes that are not valid UTF-8 are returned as they are. Str returns ""
// for other kinds. The result is a copy and stays valid after the next Parse.
func (v Value) Str() string {
	if v.Kind() != String {
		return ""
	}
	n := v.node()
	raw := v.d.data[n.start+1 : n.end-1]
	if n.flags&flagEsc == 0 {
		return string(raw)
	}
	return string(appendUnescape(make([]byte, 0, len(raw)), raw))
}

// StrBytes is like Str but returns bytes. When the string has no escapes
// the result aliases the input and must not be modified; otherwise it is a
// new slice. It returns nil for other kinds.
func (v Value) StrBytes() []byte {
	if v.Kind() != String {
		return nil
	}
	n := v.node()
	raw := v.d.data[n.start+1 : n.end-1 : n.end-1]
	if n.flags&flagEsc == 0 {
		return raw
	}
	return appendUnescape(make([]byte, 0, len(raw)), raw)
}

// AppendStr appends the decoded value of a String to dst (nothing for other
// kinds).
func (v Value) AppendStr(dst []byte) []byte {
	if v.Kind() != String {
		return dst
	}
	n := v.node()
	raw := v.d.data[n.start+1 : n.end-1]
	if n.flags&flagEsc == 0 {
		return append(dst, raw...)
	}
	return appendUnescape(dst, raw)
}

// UnescapeInPlace decodes a String value into its own source bytes and
// returns them: a decoded string is never longer than its escaped form, so
// it fits, and writing never overtakes reading. It saves a copy of huge
// strings (a whole document sent by an editor). The parsed data is changed:
// neither v nor any Value overlapping it may be used afterwards. It returns
// nil for other kinds.
func (v Value) UnescapeInPlace() []byte {
	if v.Kind() != String {
		return nil
	}
	n := v.node()
	raw := v.d.data[n.start+1 : n.end-1 : n.end-1]
	if n.flags&flagEsc == 0 {
		return raw
	}
	return appendUnescape(raw[:0], raw)
}

// StrEqual reports whether v is a String whose decoded value is s. It does
// not allocate when the string has no escapes.
func (v Value) StrEqual(s string) bool {
	if v.Kind() != String {
		return false
	}
	n := v.node()
	return tokenEqual(v.d.data[n.start:n.end], n.flags&flagEsc != 0, s)
}

// Bool returns the value of a True or False, and whether v is one.
func (v Value) Bool() (value, ok bool) {
	switch v.Kind() {
	case True:
		return true, true
	case False:
		return false, true
	}
	return false, false
}

// Float returns the value of a Number as parsed by strconv.ParseFloat. ok is
// false if v is not a Number or if it is out of the float64 range (the value
// is then ±Inf).
func (v Value) Float() (f float64, ok bool) {
	if v.Kind() != Number {
		return 0, false
	}
	n := v.node()
	f, err := strconv.ParseFloat(unsafeString(v.d.data[n.start:n.end]), 64)
	return f, err == nil
}

// Int returns the value of a Number that is an integer fitting in an int64.
func (v Value) Int() (int64, bool) {
	if v.Kind() != Number {
		return 0, false
	}
	n := v.node()
	i, err := strconv.ParseInt(unsafeString(v.d.data[n.start:n.end]), 10, 64)
	return i, err == nil
}

// Len returns the number of elements of an Array or members of an Object
// (duplicates included), and 0 for other kinds.
func (v Value) Len() int {
	switch v.Kind() {
	case Array, Object:
		return int(v.node().n)
	}
	return 0
}

// Index returns the i-th element of an Array, or the zero Value if v is not
// an Array or i is out of range.
func (v Value) Index(i int) Value {
	if v.Kind() != Array {
		return Value{}
	}
	n := v.node()
	if uint(i) >= uint(n.n) {
		return Value{}
	}
	return Value{d: v.d, i: n.child + uint32(i)}
}

// Get returns the value of the first member of an Object whose decoded key
// is key, or the zero Value. It does not allocate unless the member keys
// contain escapes.
func (v Value) Get(key string) Value {
	if v.Kind() != Object {
		return Value{}
	}
	n := v.node()
	nodes := v.d.nodes[n.child : n.child+n.n]
	data := v.d.data
	for k := range nodes {
		m := &nodes[k]
		if m.flags&flagKeyEsc == 0 {
			// The first byte is compared before calling memequal: keys of
			// one length often differ there ("output", "images", "prompt").
			if int(m.keyEnd-m.keyStart) == len(key)+2 && (len(key) == 0 || data[m.keyStart+1] == key[0]) &&
				string(data[m.keyStart+1:m.keyEnd-1]) == key {
				return Value{d: v.d, i: n.child + uint32(k)}
			}
		} else if tokenEqual(data[m.keyStart:m.keyEnd], true, key) {
			return Value{d: v.d, i: n.child + uint32(k)}
		}
	}
	return Value{}
}

// Get2 returns v.Get(a), v.Get(b) in one walk over the members, for
// callers that want two members of each of many objects (the role and the
// content of every message).
func (v Value) Get2(a, b string) (Value, Value) {
	if v.Kind() != Object {
		return Value{}, Value{}
	}
	n := v.node()
	nodes := v.d.nodes[n.child : n.child+n.n]
	var va, vb Value
	for k := range nodes {
		m := &nodes[k]
		if m.flags&flagKeyEsc == 0 {
			name := v.d.data[m.keyStart+1 : m.keyEnd-1]
			if va.d == nil && string(name) == a {
				va = Value{d: v.d, i: n.child + uint32(k)}
			}
			if vb.d == nil && string(name) == b {
				vb = Value{d: v.d, i: n.child + uint32(k)}
			}
		} else {
			tok := v.d.data[m.keyStart:m.keyEnd]
			if va.d == nil && tokenEqual(tok, true, a) {
				va = Value{d: v.d, i: n.child + uint32(k)}
			}
			if vb.d == nil && tokenEqual(tok, true, b) {
				vb = Value{d: v.d, i: n.child + uint32(k)}
			}
		}
		if va.d != nil && vb.d != nil {
			break
		}
	}
	return va, vb
}

// Path follows a path of object keys (strings) and array indexes (ints)
// from v and returns the value found, or the zero Value. Elements of other
// types yield the zero Value.
func (v Value) Path(path ...any) Value {
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.Get(p)
		case int:
			v = v.Index(p)
		default:
			return Value{}
		}
		if v.d == nil {
			return v
		}
	}
	return v
}

// Elems iterates over the elements of an Array with their indexes. It
// yields nothing for other kinds.
func (v Value) Elems() iter.Seq2[int, Value] {
	return func(yield func(int, Value) bool) {
		if v.Kind() != Array {
			return
		}
		n := v.node()
		for k := uint32(0); k < n.n; k++ {
			if !yield(int(k), Value{d: v.d, i: n.child + k}) {
				return
			}
		}
	}
}

// Members iterates over the members of an Object in source order,
// including members with duplicate keys. It yields nothing for other kinds.
func (v Value) Members() iter.Seq2[Key, Value] {
	return func(yield func(Key, Value) bool) {
		if v.Kind() != Object {
			return
		}
		n := v.node()
		for k := uint32(0); k < n.n; k++ {
			if !yield(Key{d: v.d, i: n.child + k}, Value{d: v.d, i: n.child + k}) {
				return
			}
		}
	}
}

// Key returns the key of v if v is an object member, and the zero Key
// otherwise (for array elements and the root).
func (v Value) Key() Key {
	if v.d == nil || v.i == 0 {
		return Key{}
	}
	n := v.node()
	if n.keyEnd == 0 {
		return Key{}
	}
	return Key{d: v.d, i: v.i}
}

// Key is the key of an object member.
type Key struct {
	d *doc
	i uint32
}

// Exists reports whether k is the key of a member (not the zero Key).
func (k Key) Exists() bool { return k.d != nil }

// Start returns the byte offset of the key's opening quote.
func (k Key) Start() int {
	if k.d == nil {
		return 0
	}
	return int(k.d.nodes[k.i].keyStart)
}

// End returns the byte offset just after the key's closing quote.
func (k Key) End() int {
	if k.d == nil {
		return 0
	}
	return int(k.d.nodes[k.i].keyEnd)
}

// Raw returns the source text of the key token, quotes included.
func (k Key) Raw() []byte {
	if k.d == nil {
		return nil
	}
	n := &k.d.nodes[k.i]
	return k.d.data[n.keyStart:n.keyEnd:n.keyEnd]
}

// HasEscapes reports whether the key token contains backslash escapes.
func (k Key) HasEscapes() bool {
	return k.d != nil && k.d.nodes[k.i].flags&flagKeyEsc != 0
}

// Name returns the decoded key (see Value.Str).
func (k Key) Name() string {
	if k.d == nil {
		return ""
	}
	n := &k.d.nodes[k.i]
	raw := k.d.data[n.keyStart+1 : n.keyEnd-1]
	if n.flags&flagKeyEsc == 0 {
		return string(raw)
	}
	return string(appendUnescape(make([]byte, 0, len(raw)), raw))
}

// RawName returns the bytes between the key's quotes and true when the key
// has no escapes, so that they are its name; otherwise nil and false (use
// Name). It lets a caller compare one key with many names without a call
// per name.
func (k Key) RawName() ([]byte, bool) {
	if k.d == nil {
		return nil, false
	}
	n := &k.d.nodes[k.i]
	if n.flags&flagKeyEsc != 0 {
		return nil, false
	}
	return k.d.data[n.keyStart+1 : n.keyEnd-1], true
}

// Equal reports whether the decoded key is s, without allocating when the
// key has no escapes.
func (k Key) Equal(s string) bool {
	if k.d == nil {
		return false
	}
	n := &k.d.nodes[k.i]
	return tokenEqual(k.d.data[n.keyStart:n.keyEnd], n.flags&flagKeyEsc != 0, s)
}

// Value returns the value of the member whose key is k.
func (k Key) Value() Value {
	if k.d == nil {
		return Value{}
	}
	return Value{d: k.d, i: k.i}
}

// tokenEqual reports whether the string token tok (quotes included) decodes
// to s.
func tokenEqual(tok []byte, esc bool, s string) bool {
	raw := tok[1 : len(tok)-1]
	if !esc {
		return string(raw) == s
	}
	if len(raw) < len(s) {
		// Escapes never make the decoded form longer than the source.
		return false
	}
	var buf [128]byte
	return string(appendUnescape(buf[:0], raw)) == s
}
