package split

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/diagnostics"
)

// Terminator returns the line terminator a file mostly uses: "\r\n" when
// more rows end with it than with "\n", else "\n".
func Terminator(rows []diagnostics.RowInfo) string {
	lf, crlf := 0, 0
	for i := range rows {
		switch rows[i].Term {
		case 1:
			lf++
		case 2:
			crlf++
		}
	}
	if crlf > lf {
		return "\r\n"
	}
	return "\n"
}

// ErrChanged is returned by Write when the bytes between rows are not line
// terminators: the file is not the one the rows were read from.
var ErrChanged = fmt.Errorf("the file changed since it was read")

var bom = []byte{0xEF, 0xBB, 0xBF}

// Write copies the rows of a JSON Lines file, read from r starting at its
// first byte, to train or valid as toValid says. Each row's bytes are
// copied unchanged and followed by term, so a last row without a line
// terminator gets one and every row ends the same way. A byte order mark
// at the start of the file is kept at the start of train. The bytes between
// rows must be line terminators; anything else means the file changed
// since it was checked, and Write returns ErrChanged.
func Write(r io.Reader, rows []diagnostics.RowInfo, toValid []bool, term string, train, valid io.Writer) error {
	if len(toValid) != len(rows) {
		return fmt.Errorf("split: %d decisions for %d rows", len(toValid), len(rows))
	}
	br := bufio.NewReaderSize(r, 256<<10)
	tw, vw := bufio.NewWriterSize(train, 256<<10), bufio.NewWriterSize(valid, 256<<10)
	var pos int64
	for i := range rows {
		row := &rows[i]
		if gap := row.Offset - pos; gap > 0 {
			if err := skipGap(br, gap, pos == 0, tw); err != nil {
				return err
			}
		} else if gap < 0 {
			return ErrChanged
		}
		dst := tw
		if toValid[i] {
			dst = vw
		}
		if err := copyN(dst, br, int64(row.Len)); err != nil {
			return err
		}
		if _, err := dst.WriteString(term); err != nil {
			return err
		}
		pos = row.Offset + int64(row.Len)
	}
	// What follows the last row is its terminator, if anything.
	rest, err := io.ReadAll(io.LimitReader(br, 3))
	if err != nil {
		return err
	}
	if len(rest) > 2 || len(bytes.Trim(rest, "\r\n")) > 0 {
		return ErrChanged
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	return vw.Flush()
}

// skipGap reads the bytes before a row: line terminators, and a byte order
// mark at the start of the file (copied to train).
func skipGap(br *bufio.Reader, gap int64, atStart bool, train *bufio.Writer) error {
	if atStart {
		if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
			if _, err := train.Write(bom); err != nil {
				return err
			}
			br.Discard(len(bom))
			gap -= int64(len(bom))
		}
	}
	if gap > 2 {
		return ErrChanged
	}
	for ; gap > 0; gap-- {
		c, err := br.ReadByte()
		if err != nil {
			return ErrChanged
		}
		if c != '\n' && c != '\r' {
			return ErrChanged
		}
	}
	return nil
}

// copyN copies n bytes from br to w without allocating.
func copyN(w *bufio.Writer, br *bufio.Reader, n int64) error {
	for n > 0 {
		b, err := br.Peek(int(min(n, int64(br.Size()))))
		if len(b) > 0 {
			if _, werr := w.Write(b); werr != nil {
				return werr
			}
			br.Discard(len(b))
			n -= int64(len(b))
		}
		if n > 0 && err != nil {
			if err == io.EOF {
				return ErrChanged
			}
			return err
		}
	}
	return nil
}

// Bytes splits a file held in memory, as Write does, and returns the new
// training and validation contents.
func Bytes(data []byte, rows []diagnostics.RowInfo, toValid []bool, term string) (train, valid []byte, err error) {
	var tb, vb bytes.Buffer
	tb.Grow(len(data))
	if err := Write(bytes.NewReader(data), rows, toValid, term, &tb, &vb); err != nil {
		return nil, nil, err
	}
	return tb.Bytes(), vb.Bytes(), nil
}
