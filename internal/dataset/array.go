package dataset

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/safefile"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// NotArrayError says that a JSON file parsed but does not hold an array.
type NotArrayError struct {
	Kind jsonpos.Kind
	At   int // byte offset of the value
}

func (e *NotArrayError) Error() string {
	return fmt.Sprintf("file holds a JSON %s, not an array of rows", e.Kind)
}

// ReadArray splits a JSON file that holds an array of rows, as LLaMA-Factory
// publishes its datasets, into rows. Each row's text is the element's source
// text, so positions and fixes work as they do for JSON Lines. The error is a
// *jsonpos.SyntaxError or a *NotArrayError; on error no rows are returned.
func ReadArray(data []byte) (rows []Row, hadBOM bool, err error) {
	base := 0
	if bytes.HasPrefix(data, bom) {
		base, hadBOM = len(bom), true
	}
	var p jsonpos.Parser
	root, err := p.Parse(data[base:])
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			se.Offset += base
		}
		return nil, hadBOM, err
	}
	if root.Kind() != jsonpos.Array {
		return nil, hadBOM, &NotArrayError{Kind: root.Kind(), At: base + root.Start()}
	}
	rows = make([]Row, 0, root.Len())
	pos, prev := textpos.Position{}, base
	for _, el := range root.Elems() {
		start, end := base+el.Start(), base+el.End()
		pos = textpos.Advance(pos, data[prev:start])
		rows = append(rows, Row{Line: pos.Line, Col: pos.Character, Offset: int64(start), Text: data[start:end]})
		prev = start
	}
	return rows, hadBOM, nil
}

// IsArrayStart reports whether head, the start of a file, opens a JSON
// array (after an optional byte order mark and whitespace): such a file is
// read with ReadArray, anything else as JSON Lines.
func IsArrayStart(head []byte) bool {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, bom), " \t\r\n")
	return len(t) > 0 && t[0] == '['
}

// FileIsArray reports whether the file at path holds a JSON array, reading
// only its first bytes.
func FileIsArray(path string) (bool, error) {
	f, err := safefile.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	return IsArrayStart(head[:n]), nil
}
