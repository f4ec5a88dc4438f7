// Package safefile opens the files ftls reads (datasets, plans,
// configuration) only when they are regular files, so that a name that
// leads, directly or through a symlink, to /dev/zero, a FIFO, a socket or
// a terminal is refused at once instead of blocking forever or filling
// memory; and it caps the size of configuration files.
package safefile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// ConfigMax is the size cap of a plan or configuration file.
const ConfigMax = 1 << 20

// NotRegularError is returned for a path that is not a regular file.
type NotRegularError struct {
	Path string
	Mode fs.FileMode
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file; skipped", e.Path, kind(e.Mode))
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// IsNotRegular reports whether err says a path is not a regular file.
func IsNotRegular(err error) bool {
	var e *NotRegularError
	return errors.As(err, &e)
}

// ErrTooLarge is wrapped by ReadFile's error for a file over its cap.
var ErrTooLarge = errors.New("file too large")

// Open opens path for reading if it is a regular file. It opens with
// O_NONBLOCK, so that a FIFO put in place of the file cannot block the
// open, then checks the opened file itself (no race with a rename).
func Open(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{Path: path, Mode: st.Mode()}
	}
	clearNonblock(f)
	return f, nil
}

// ReadFile reads a regular file of at most max bytes (max <= 0: no cap).
func ReadFile(path string, max int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	if max > 0 && size > max {
		return nil, fmt.Errorf("%s is %s, over the %s limit of this kind of file: %w", path, human(size), human(max), ErrTooLarge)
	}
	var r io.Reader = f
	if max > 0 {
		r = io.LimitReader(f, max+1)
	}
	buf, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if max > 0 && int64(len(buf)) > max {
		return nil, fmt.Errorf("%s grew over the %s limit of this kind of file while read: %w", path, human(max), ErrTooLarge)
	}
	return buf, nil
}

func human(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
