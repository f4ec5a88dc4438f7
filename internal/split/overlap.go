package split

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"hash"
	"io"
)

// Overlap reads a validation file and a training file and returns how many
// rows (non-blank lines) the validation file holds and how many of them are
// also rows of the training file, byte for byte: line terminators and a
// byte order mark aside, which is how Write copies rows. A split killed
// between its two renames leaves every validation row in training
// (inTrain == rows); appending the validation file to the training file
// would then duplicate each of them. Rows are compared by SHA-256, so
// memory grows with the validation file's row count only.
func Overlap(train, valid io.Reader) (inTrain, rows int, err error) {
	want := map[[sha256.Size]byte]int{}
	if err := eachLine(valid, func(sum [sha256.Size]byte) bool {
		want[sum]++
		rows++
		return true
	}); err != nil {
		return 0, 0, err
	}
	if rows == 0 {
		return 0, 0, nil
	}
	err = eachLine(train, func(sum [sha256.Size]byte) bool {
		if n, ok := want[sum]; ok {
			inTrain += n
			delete(want, sum)
		}
		return len(want) > 0
	})
	return inTrain, rows, err
}

// eachLine calls f with the SHA-256 of each non-blank line of r (without
// its terminator, and without a byte order mark at the start of r) until f
// returns false. Lines of any length are hashed as they stream by.
func eachLine(r io.Reader, f func([sha256.Size]byte) bool) error {
	br := bufio.NewReaderSize(r, 256<<10)
	if b, _ := br.Peek(len(bom)); bytes.Equal(b, bom) {
		br.Discard(len(bom))
	}
	h := sha256.New()
	var n int   // bytes of the current line hashed
	var cr bool // a '\r' held back: it ends the line if '\n' follows
	var sum [sha256.Size]byte
	emit := func() bool {
		if n == 0 {
			return true
		}
		h.Sum(sum[:0])
		h.Reset()
		n = 0
		return f(sum)
	}
	write := func(h hash.Hash, b []byte) {
		if len(b) == 0 {
			return // a held '\r' waits for what follows
		}
		if cr {
			h.Write([]byte{'\r'})
			n++
			cr = false
		}
		if len(b) > 0 && b[len(b)-1] == '\r' {
			b, cr = b[:len(b)-1], true
		}
		h.Write(b)
		n += len(b)
	}
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			line, end := chunk, chunk[len(chunk)-1] == '\n'
			if end {
				line = line[:len(line)-1]
			}
			write(h, line)
			if end {
				cr = false // "\r\n" ends the line
				if !emit() {
					return nil
				}
			}
		}
		switch err {
		case nil, bufio.ErrBufferFull:
		case io.EOF:
			if cr {
				cr = false // a last line ending in "\r"
			}
			emit()
			return nil
		default:
			return err
		}
	}
}
