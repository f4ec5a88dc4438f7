package generator

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/safefile"
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
	// Another program appending between the copy and the rename would lose
	// its rows: the rename only happens if the file is as copied, and the
	// batch is tried again on the new content otherwise.
	var err error
	for range 3 {
		if err = s.appendOnce(rows); !errors.Is(err, atomicfile.ErrChanged) {
			return err
		}
	}
	return err
}

func (s *FileSink) appendOnce(rows [][]byte) error {
	out, err := atomicfile.Create(s.Path)
	if err != nil {
		return err
	}
	defer out.Abort()
	bw := bufio.NewWriterSize(out, 256<<10)
	eol := "\n"
	var copied int64 = -1 // the file did not exist
	var mod time.Time
	f, err := safefile.Open(s.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return err
	default:
		defer f.Close()
		if st, err := f.Stat(); err == nil {
			mod = st.ModTime()
		}
		tw := &tailWriter{w: bw}
		if _, err := io.Copy(tw, f); err != nil {
			return err
		}
		copied = tw.n
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
	if err := bw.Flush(); err != nil {
		return err
	}
	out.Unchanged = func() error {
		st, err := os.Stat(s.Path)
		switch {
		case copied < 0 && errors.Is(err, fs.ErrNotExist):
			return nil
		case err == nil && st.Size() == copied && st.ModTime().Equal(mod):
			return nil
		}
		return fmt.Errorf("%s: %w", s.Path, atomicfile.ErrChanged)
	}
	return out.Commit()
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
