package generator

import (
	"bufio"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/ftls-dev/ftls/atomicfile"
	"github.com/ftls-dev/ftls/safefile"
)

// Sink receives the accepted rows of each batch, in order. Each row is one
// JSON object without a line terminator. Append is called with one batch
// at a time, never concurrently; an error ends the run.
type Sink interface {
	Append(rows [][]byte) error
}

// FileSink appends rows to a JSON Lines file atomically: every Append
// writes the current file and the new rows to a temporary file in the same
// folder, syncs it and renames it over the dataset. A crash or Ctrl-C at
// any moment therefore leaves either the file before the batch or the file
// after it, never a half-written line. The file keeps its permission bits
// and its line ending (CRLF when its last line ends with one); a last line
// without a terminator gets one before the new rows. The file and its
// folder are created when missing.
//
// Rewriting costs a copy of the file per batch, which is small next to the
// time a model takes to write a batch (copying 100 MB takes a fraction of
// a second; a batch takes tens of seconds), and the file is re-read each
// time, so rows that another program adds between batches are kept.
type FileSink struct {
	Path string
}

// Append implements Sink.
func (s *FileSink) Append(rows [][]byte) error {
	if len(rows) == 0 {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(s.Path, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 256<<10)
		eol := "\n"
		f, err := safefile.Open(s.Path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return err
		default:
			defer f.Close()
			tw := &tailWriter{w: bw}
			if _, err := io.Copy(tw, f); err != nil {
				return err
			}
			if tw.n > 0 {
				switch {
				case tw.last[1] != '\n':
					// The last line has no terminator: end it first.
					if _, err := bw.WriteString("\n"); err != nil {
						return err
					}
				case tw.n > 1 && tw.last[0] == '\r':
					eol = "\r\n"
				}
			}
		}
		for _, r := range rows {
			if _, err := bw.Write(r); err != nil {
				return err
			}
			if _, err := bw.WriteString(eol); err != nil {
				return err
			}
		}
		return bw.Flush()
	})
}

// tailWriter passes bytes through and remembers the last two.
type tailWriter struct {
	w    io.Writer
	n    int64
	last [2]byte
}

func (t *tailWriter) Write(p []byte) (int, error) {
	n, err := t.w.Write(p)
	if n >= 2 {
		t.last = [2]byte{p[n-2], p[n-1]}
	} else if n == 1 {
		t.last = [2]byte{t.last[1], p[0]}
	}
	t.n += int64(n)
	return n, err
}
