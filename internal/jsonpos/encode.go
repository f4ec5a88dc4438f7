package jsonpos

import (
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// unsafeString returns b as a string without copying. The caller must not
// let the string outlive a modification of b.
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// getu4 decodes the four hex digits of a \uXXXX escape at s[0:6] ("\uXXXX"),
// or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	return Hex4(s[2:])
}

// unescapeOne decodes the escape sequence at the start of s (s[0] is a
// backslash) of a validated string and returns the rune and the number of
// bytes consumed. A \uXXXX surrogate pair is combined; a lone surrogate
// decodes to U+FFFD, as in encoding/json.
func unescapeOne(s []byte) (rune, int) {
	if len(s) < 2 {
		return utf8.RuneError, len(s) // cannot happen for validated input
	}
	switch c := s[1]; c {
	case 'b':
		return '\b', 2
	case 'f':
		return '\f', 2
	case 'n':
		return '\n', 2
	case 'r':
		return '\r', 2
	case 't':
		return '\t', 2
	case 'u':
		r := getu4(s)
		if r < 0 {
			return utf8.RuneError, 2 // cannot happen for validated input
		}
		if !utf16.IsSurrogate(r) {
			return r, 6
		}
		if r2 := getu4(s[6:]); r2 >= 0 {
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				return dec, 12
			}
		}
		return utf8.RuneError, 6
	default: // '"', '\\', '/'
		return rune(c), 2
	}
}

// EndRunes returns the first and the last rune of the text that body, the
// source of a valid string token without its quotes, decodes to, reading
// only its ends: utf8.RuneError for a byte that is not UTF-8 and for a
// lone surrogate, as Str decodes them. ok is false when body is empty.
// Whether a long text starts or ends with white space needs no more.
func EndRunes(body []byte) (first, last rune, ok bool) {
	if len(body) == 0 {
		return 0, 0, false
	}
	if body[0] == '\\' {
		first, _ = unescapeOne(body)
	} else {
		first, _ = utf8.DecodeRune(body)
	}
	return first, lastRune(body), true
}

// lastRune returns the last rune body decodes to; see EndRunes.
func lastRune(body []byte) rune {
	n := len(body)
	if at := n - 6; at >= 0 && body[at+1] == 'u' && escapeStarts(body, at) {
		r := Hex4(body[at+2:])
		if !utf16.IsSurrogate(r) {
			return r
		}
		// A low surrogate after a high one: the pair's rune.
		if hi := at - 6; r >= 0xDC00 && hi >= 0 && body[hi+1] == 'u' && escapeStarts(body, hi) {
			if h := Hex4(body[hi+2:]); h >= 0xD800 && h < 0xDC00 {
				return utf16.DecodeRune(h, r)
			}
		}
		return utf8.RuneError
	}
	if at := n - 2; at >= 0 && escapeStarts(body, at) {
		r, _ := unescapeOne(body[at:])
		return r
	}
	r, _ := utf8.DecodeLastRune(body)
	return r
}

// escapeStarts reports whether body[at] is a backslash that starts an
// escape: the last of an odd number of them in a row, since escaped
// backslashes pair up from the first.
func escapeStarts(body []byte, at int) bool {
	k := at
	for k >= 0 && body[k] == '\\' {
		k--
	}
	return (at-k)%2 == 1
}

// appendUnescape appends the decoded form of raw (the body of a valid
// string token, without quotes) to dst. Bytes outside escapes, including
// invalid UTF-8, are copied as they are.
func appendUnescape(dst, raw []byte) []byte {
	for {
		k := 0
		// Escapes come in runs ("\u4e2d\u6587"): the next one needs no
		// search.
		if len(raw) == 0 || raw[0] != '\\' {
			if k = indexByte(raw, '\\'); k < 0 {
				return append(dst, raw...)
			}
			dst = append(dst, raw[:k]...)
		}
		// The escapes of one byte, most of them, from a table.
		if k+1 < len(raw) {
			if b := simpleEscapes[raw[k+1]]; b != 0 {
				dst = append(dst, b)
				raw = raw[k+2:]
				continue
			}
		}
		// A \uXXXX escape of a character below U+10000, as Python writes
		// every character outside ASCII, encoded here; surrogates below.
		if r := getu4(raw[k:]); r >= 0x80 && (r < 0xD800 || r > 0xDFFF) {
			if r < 0x800 {
				dst = append(dst, 0xC0|byte(r>>6), 0x80|byte(r)&0x3F)
			} else {
				dst = append(dst, 0xE0|byte(r>>12), 0x80|byte(r>>6)&0x3F, 0x80|byte(r)&0x3F)
			}
			raw = raw[k+6:]
			continue
		}
		r, size := unescapeOne(raw[k:])
		if r < utf8.RuneSelf {
			dst = append(dst, byte(r))
		} else {
			dst = utf8.AppendRune(dst, r)
		}
		raw = raw[k+size:]
	}
}

func indexByte(b []byte, c byte) int {
	return strings.IndexByte(unsafeString(b), c)
}

// AppendQuote appends s to dst as a JSON string literal in canonical form:
// only '"', '\\' and control characters (< 0x20) are escaped, as \", \\,
// \b, \f, \n, \r, \t or \u00XX (lowercase hex). Unlike encoding/json, HTML
// characters and U+2028/U+2029 are not escaped, and bytes that are not valid
// UTF-8 are copied as they are rather than replaced.
func AppendQuote(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		dst = appendEscapedByte(dst, c)
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendEscapedByte(dst []byte, c byte) []byte {
	switch c {
	case '"':
		return append(dst, '\\', '"')
	case '\\':
		return append(dst, '\\', '\\')
	case '\b':
		return append(dst, '\\', 'b')
	case '\f':
		return append(dst, '\\', 'f')
	case '\n':
		return append(dst, '\\', 'n')
	case '\r':
		return append(dst, '\\', 'r')
	case '\t':
		return append(dst, '\\', 't')
	}
	const hex = "0123456789abcdef"
	return append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
}

// appendCanonicalString appends the canonical form of the string token tok
// (quotes included): escapes are decoded, and only '"', '\\' and control
// characters are escaped again, as AppendQuote does.
func appendCanonicalString(dst, tok []byte, esc bool) []byte {
	if !esc {
		// A valid string without escapes contains no '"', '\\' or
		// control characters: it is already canonical.
		return append(dst, tok...)
	}
	raw := tok[1 : len(tok)-1]
	dst = append(dst, '"')
	for {
		k := indexByte(raw, '\\')
		if k < 0 {
			dst = append(dst, raw...)
			return append(dst, '"')
		}
		dst = append(dst, raw[:k]...)
		r, size := unescapeOne(raw[k:])
		switch {
		case r < 0x20 || r == '"' || r == '\\':
			dst = appendEscapedByte(dst, byte(r))
		case r < utf8.RuneSelf:
			dst = append(dst, byte(r))
		default:
			dst = utf8.AppendRune(dst, r)
		}
		raw = raw[k+size:]
	}
}

// AppendCanonical appends the canonical encoding of v to dst. Two values
// that decode to the same data have the same canonical encoding, so it can
// be used to detect exact duplicates:
//
//   - no insignificant whitespace;
//   - object members sorted by decoded key (bytewise); for duplicate keys
//     only the last member is kept, as most JSON decoders do;
//   - strings decoded and re-encoded with AppendQuote (minimal escapes;
//     bytes that are not valid UTF-8 are kept as they are);
//   - numbers as their source text (1.0 and 1 differ);
//   - null, true and false as themselves.
//
// Nothing is appended for the zero Value.
func (v Value) AppendCanonical(dst []byte) []byte {
	if v.d == nil {
		return dst
	}
	return v.d.appendCanonical(dst, v.i)
}

type canonMember struct {
	key string // decoded key; aliases the input unless it has escapes
	idx uint32 // member node
}

func (d *doc) appendCanonical(dst []byte, i uint32) []byte {
	n := &d.nodes[i]
	switch n.kind {
	case Null, False, True, Number:
		return append(dst, d.data[n.start:n.end]...)
	case String:
		return appendCanonicalString(dst, d.data[n.start:n.end], n.flags&flagEsc != 0)
	case Array:
		dst = append(dst, '[')
		for k := uint32(0); k < n.n; k++ {
			if k > 0 {
				dst = append(dst, ',')
			}
			dst = d.appendCanonical(dst, n.child+k)
		}
		return append(dst, ']')
	case Object:
		var buf [16]canonMember
		ms := buf[:0]
		for k := uint32(0); k < n.n; k++ {
			m := &d.nodes[n.child+k]
			raw := d.data[m.keyStart+1 : m.keyEnd-1]
			var key string
			if m.flags&flagKeyEsc == 0 {
				key = unsafeString(raw)
			} else {
				key = string(appendUnescape(make([]byte, 0, len(raw)), raw))
			}
			ms = append(ms, canonMember{key, n.child + k})
		}
		slices.SortStableFunc(ms, func(a, b canonMember) int {
			return strings.Compare(a.key, b.key)
		})
		dst = append(dst, '{')
		first := true
		for k := range ms {
			if k+1 < len(ms) && ms[k+1].key == ms[k].key {
				continue // a later duplicate wins
			}
			if !first {
				dst = append(dst, ',')
			}
			first = false
			m := &d.nodes[ms[k].idx]
			dst = appendCanonicalString(dst, d.data[m.keyStart:m.keyEnd], m.flags&flagKeyEsc != 0)
			dst = append(dst, ':')
			dst = d.appendCanonical(dst, ms[k].idx)
		}
		return append(dst, '}')
	}
	return dst
}

// Duplicate describes an object member whose key repeats the key of an
// earlier member of the same object.
type Duplicate struct {
	Key    Key   // the repeated key
	First  Key   // the first member with the same decoded key
	Object Value // the object containing both
}

// smallObject is the size up to which Duplicates compares keys pairwise
// instead of using a map.
const smallObject = 16

// Duplicates returns every object member in v (v itself and all nested
// objects) whose decoded key equals that of an earlier member of the same
// object, ordered by key offset. It returns nil when there are none.
func (v Value) Duplicates() []Duplicate {
	if v.d == nil {
		return nil
	}
	d := v.d
	root := &d.nodes[v.i]
	if root.kind != Array && root.kind != Object {
		return nil
	}
	var out []Duplicate
	out = d.objectDuplicates(out, v.i)
	// All descendants of a container are at [desc, child+n).
	lo, hi := root.desc, root.child+root.n
	for i := lo; i < hi; i++ {
		if d.nodes[i].kind == Object {
			out = d.objectDuplicates(out, i)
		}
	}
	slices.SortFunc(out, func(a, b Duplicate) int {
		return int(d.nodes[a.Key.i].keyStart) - int(d.nodes[b.Key.i].keyStart)
	})
	return out
}

func (d *doc) keyName(m *node) string {
	raw := d.data[m.keyStart+1 : m.keyEnd-1]
	if m.flags&flagKeyEsc == 0 {
		return unsafeString(raw)
	}
	return string(appendUnescape(make([]byte, 0, len(raw)), raw))
}

func (d *doc) objectDuplicates(out []Duplicate, i uint32) []Duplicate {
	n := &d.nodes[i]
	if n.kind != Object || n.n < 2 {
		return out
	}
	members := d.nodes[n.child : n.child+n.n]
	obj := Value{d: d, i: i}
	if n.n <= smallObject {
		anyEsc := false
		for k := range members {
			if members[k].flags&flagKeyEsc != 0 {
				anyEsc = true
				break
			}
		}
		if !anyEsc {
			for k := 1; k < len(members); k++ {
				kk := d.data[members[k].keyStart:members[k].keyEnd]
				for j := 0; j < k; j++ {
					if string(d.data[members[j].keyStart:members[j].keyEnd]) == string(kk) {
						out = append(out, Duplicate{
							Key:    Key{d: d, i: n.child + uint32(k)},
							First:  Key{d: d, i: n.child + uint32(j)},
							Object: obj,
						})
						break
					}
				}
			}
			return out
		}
		var buf [smallObject]string
		names := buf[:len(members)]
		for k := range members {
			names[k] = d.keyName(&members[k])
			for j := 0; j < k; j++ {
				if names[j] == names[k] {
					out = append(out, Duplicate{
						Key:    Key{d: d, i: n.child + uint32(k)},
						First:  Key{d: d, i: n.child + uint32(j)},
						Object: obj,
					})
					break
				}
			}
		}
		return out
	}
	seen := make(map[string]uint32, len(members))
	for k := range members {
		name := d.keyName(&members[k])
		if j, ok := seen[name]; ok {
			out = append(out, Duplicate{
				Key:    Key{d: d, i: n.child + uint32(k)},
				First:  Key{d: d, i: j},
				Object: obj,
			})
			continue
		}
		seen[name] = n.child + uint32(k)
	}
	return out
}
