package dataset

import (
	"bytes"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// SplitArray finds the rows of a JSON array file as ReadArray does, without
// parsing them: it follows strings and brackets only, far faster than the
// parse, and builds no tree of the whole file. ok is false where the
// array's own syntax is wrong (no '[', a missing or trailing comma, text
// after the ']'), but the elements' is not checked: with a parser's
// nesting limit one less than ReadArray's (a row sits one level down), a
// caller that parses every row and finds each valid has exactly the rows
// ReadArray returns, and otherwise ReadArray says what is wrong.
func SplitArray(data []byte) (rows []Row, hadBOM, ok bool) {
	base := 0
	if bytes.HasPrefix(data, bom) {
		base, hadBOM = len(bom), true
	}
	i := skipSpace(data, base)
	if i == len(data) || data[i] != '[' {
		return nil, hadBOM, false
	}
	if i = skipSpace(data, i+1); i < len(data) && data[i] == ']' {
		return []Row{}, hadBOM, skipSpace(data, i+1) == len(data)
	}
	pos, prev := textpos.Position{}, base
	for {
		end := valueEnd(data, i)
		if end < 0 {
			return nil, hadBOM, false
		}
		pos = textpos.Advance(pos, data[prev:i])
		rows = append(rows, Row{Line: pos.Line, Col: pos.Character, Offset: int64(i), Text: data[i:end]})
		prev = i
		if i = skipSpace(data, end); i == len(data) {
			return nil, hadBOM, false
		}
		switch data[i] {
		case ']':
			return rows, hadBOM, skipSpace(data, i+1) == len(data)
		case ',':
			if i = skipSpace(data, i+1); i == len(data) || data[i] == ']' {
				return nil, hadBOM, false
			}
		default:
			return nil, hadBOM, false
		}
	}
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t') {
		i++
	}
	return i
}

// valueEnd returns the end of the value that starts at data[i], following
// its strings and brackets (not whether they match in kind), or -1 when
// the data ends first or a bracket closes what is not open.
func valueEnd(data []byte, i int) int {
	depth := 0
	for i < len(data) {
		switch data[i] {
		case '"':
			if i = stringEnd(data, i+1); i < 0 || depth == 0 {
				return i
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			switch depth--; {
			case depth == 0:
				return i + 1
			case depth < 0:
				return -1
			}
		default:
			if depth == 0 { // a number, true, false or null
				end := i
				for end < len(data) && !scalarEnds(data[end]) {
					end++
				}
				if end == i {
					return -1
				}
				return end
			}
		}
		i++
	}
	return -1
}

// stringEnd returns the index after the quote that closes the string
// whose text starts at data[i], or -1: a quote closes it unless an odd
// number of backslashes stands before it.
func stringEnd(data []byte, i int) int {
	for {
		j := bytes.IndexByte(data[i:], '"')
		if j < 0 {
			return -1
		}
		q := i + j
		k := q
		for k > i && data[k-1] == '\\' {
			k--
		}
		if (q-k)%2 == 0 {
			return q + 1
		}
		i = q + 1
	}
}

// scalarEnds reports whether c ends a number or literal in an array.
func scalarEnds(c byte) bool {
	switch c {
	case ',', ']', '}', '[', '{', '"', ' ', '\n', '\r', '\t':
		return true
	}
	return false
}
