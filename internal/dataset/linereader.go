package dataset

import (
	"bytes"
	"errors"
	"io"
)

// DefaultChunkSize is the amount of a JSON Lines file read at a time.
// Measured on 2.3 KB rows (bench/check.sh, 100k rows, 2 cores): 512 KB
// chunks took 10 % less time than 1 MB ones, whose copy from the page cache
// no longer fits in the core's cache, and 256 KB ones were no faster.
const DefaultChunkSize = 512 << 10

var bom = []byte{0xEF, 0xBB, 0xBF}

// Chunk is a run of complete lines of a JSON Lines file. Its rows point into
// one buffer owned by the chunk.
type Chunk struct {
	Seq  int // position of the chunk in the file, from 0
	Rows []Row
	// BOM is set on the first chunk when the file starts with a UTF-8 byte
	// order mark, which is not part of the first row's text.
	BOM bool

	buf []byte
}

// freeBufs recycles chunk buffers. Fresh buffers cost more than their
// allocation: the kernel faults in every page of a new buffer while read
// copies into it, which showed up as the largest cost of reading. A channel
// rather than a sync.Pool, because a pool is emptied at every garbage
// collection.
var freeBufs = make(chan []byte, 16)

// Release hands the chunk's buffer back for reuse. The rows' Text must not
// be used afterwards.
func (c *Chunk) Release() {
	if c.buf != nil && cap(c.buf) <= 4*DefaultChunkSize {
		put(freeBufs, c.buf)
	}
	if c.Rows != nil {
		clear(c.Rows) // the rows' text is the buffer's
		put(freeRows, c.Rows)
	}
	c.buf, c.Rows = nil, nil
}

// freeRows recycles the chunks' row slices, as freeBufs their buffers.
var freeRows = make(chan []Row, 16)

// take returns an empty slice of capacity at least n, a recycled one
// when free holds one large enough.
func take[T any](free chan []T, n int) []T {
	select {
	case s := <-free:
		if cap(s) >= n {
			return s[:0]
		}
	default:
	}
	return make([]T, 0, n)
}

// put hands s to free for reuse, unless free is full.
func put[T any](free chan []T, s []T) {
	select {
	case free <- s[:0]:
	default:
	}
}

// LineReader splits a JSON Lines stream into chunks of whole lines. A line
// longer than the chunk size makes that chunk's buffer grow to hold it, so
// the reader keeps at most one copy of any line.
type LineReader struct {
	r         io.Reader
	chunkSize int
	carry     []byte // start of a line that did not fit in the last chunk
	line      int
	offset    int64
	seq       int
	eof       bool
	// lastRows is the number of rows of the last chunk, the next one's
	// likely number.
	lastRows int
}

// NewLineReader returns a reader of chunks of about chunkSize bytes, or of
// DefaultChunkSize when chunkSize is not positive.
func NewLineReader(r io.Reader, chunkSize int) *LineReader {
	if chunkSize <= 0 {
		chunkSize = DefaultChunkSize
	}
	return &LineReader{r: r, chunkSize: chunkSize}
}

// Next returns the next chunk, or io.EOF after the last one.
func (lr *LineReader) Next() (*Chunk, error) {
	if lr.eof && len(lr.carry) == 0 {
		return nil, io.EOF
	}
	buf := append(take(freeBufs, max(lr.chunkSize, 2*len(lr.carry))), lr.carry...)
	lr.carry = nil
	scanned := 0
	for {
		if i := bytes.LastIndexByte(buf[scanned:], '\n'); i >= 0 && len(buf) >= lr.chunkSize/2 {
			cut := scanned + i + 1
			b := rowBoundary(buf, cut)
			if b > 0 || len(buf) >= maxChunkGrowth {
				if b > 0 {
					cut = b
				}
				lr.carry = append([]byte(nil), buf[cut:]...)
				c := lr.split(buf[:cut])
				c.buf = buf
				return c, nil
			}
		}
		if lr.eof {
			if len(buf) == 0 {
				return nil, io.EOF
			}
			c := lr.split(buf)
			c.buf = buf
			return c, nil
		}
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), 2*cap(buf))
			copy(grown, buf)
			buf = grown
		}
		// Only the bytes read now can hold a newline not yet looked at, but a
		// chunk must also reach half its size before it is cut, so remember
		// where the unscanned part begins rather than rescanning.
		if bytes.IndexByte(buf[scanned:], '\n') < 0 {
			scanned = len(buf)
		}
		n, err := lr.r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			lr.eof = true
		} else if err != nil {
			return nil, err
		}
	}
}

// maxChunkGrowth bounds how far a chunk grows while looking for a row
// boundary; past it the chunk is cut at its last newline regardless.
const maxChunkGrowth = 4 << 20

// rowBoundary moves a cut after a newline back, if needed, to just before
// a line that starts with "{" or "[" at its first column, so that a JSON
// value pretty-printed over several lines (a common mistake that the
// engine reports as one row) is not split between chunks. It returns 0
// when the buffer has no such line.
func rowBoundary(buf []byte, cut int) int {
	if cut == len(buf) || buf[cut] == '{' || buf[cut] == '[' {
		return cut
	}
	for k := cut - 2; k >= 0; k-- {
		if buf[k] == '\n' && (buf[k+1] == '{' || buf[k+1] == '[') {
			return k + 1
		}
	}
	return 0
}

// split cuts buf, which holds whole lines (the last one possibly without a
// terminator), into rows.
func (lr *LineReader) split(buf []byte) *Chunk {
	c := &Chunk{Seq: lr.seq, Rows: take(freeRows, max(len(buf)/1024+1, lr.lastRows+lr.lastRows/8))}
	lr.seq++
	if lr.offset == 0 && bytes.HasPrefix(buf, bom) {
		c.BOM = true
		buf = buf[len(bom):]
		lr.offset = int64(len(bom))
	}
	for len(buf) > 0 {
		i := bytes.IndexByte(buf, '\n')
		text, term := buf, 0
		if i >= 0 {
			text, term = buf[:i], 1
			if i > 0 && buf[i-1] == '\r' {
				text, term = buf[:i-1], 2
			}
		}
		c.Rows = append(c.Rows, Row{Line: lr.line, Offset: lr.offset, Text: text, Term: term})
		lr.line++
		adv := len(text) + term
		lr.offset += int64(adv)
		buf = buf[adv:]
	}
	lr.lastRows = len(c.Rows)
	return c
}
