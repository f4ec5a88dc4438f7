// Package atomicfile writes files so that a reader, or the disk after a
// crash, sees either the old content or the new one, never a mix.
//
// The content goes to a temporary file in the same folder, which is synced
// and then renamed over the target; rename is atomic within a file system.
// The target keeps its permission bits.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// File is a pending replacement of a file. Write to it, then Commit; Abort
// (safe to defer) removes the temporary file if Commit did not happen.
type File struct {
	*os.File
	path string
	done bool
	// Unchanged, when set, is called just before the rename; an error
	// (ErrChanged, typically) aborts the replacement.
	Unchanged func() error
}

// ErrChanged says the file was modified by someone else after it was read,
// so writing the new version would lose their change.
var ErrChanged = errors.New("the file changed since it was read (another program wrote to it); nothing was written, run again")

// SameContent returns an Unchanged check: path must still hold exactly
// read.
func SameContent(path string, read []byte) func() error {
	return func() error {
		st, err := os.Stat(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && read == nil {
				return nil
			}
			return fmt.Errorf("%s: %w", path, ErrChanged)
		}
		if st.Size() != int64(len(read)) {
			return fmt.Errorf("%s: %w", path, ErrChanged)
		}
		now, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(now, read) {
			return fmt.Errorf("%s: %w", path, ErrChanged)
		}
		return nil
	}
}

// afterCheck, set by tests, runs between the Unchanged check and the
// rename: where another program's write is hardest to see.
var afterCheck func(path string)

// tmpMarker is in the name of every temporary file, with the writer's
// process id: ".NAME.ftls-tmp-PID-RANDOM".
const tmpMarker = ".ftls-tmp-"

// Create starts replacing path. A symlink is written through: its target
// is replaced atomically and the link kept. Temporary files left in the
// folder by a killed ftls are removed.
func Create(path string) (*File, error) {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		path = r
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	CleanStale(dir)
	tmp, err := os.CreateTemp(dir, "."+base+tmpMarker+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return nil, err
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return &File{File: tmp, path: path}, nil
}

// Commit syncs the new content and moves it into place.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("atomicfile: %s already committed or aborted", f.path)
	}
	f.done = true
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if f.Unchanged != nil {
		if err := f.Unchanged(); err != nil {
			os.Remove(f.Name())
			return err
		}
		if afterCheck != nil {
			afterCheck(f.path)
		}
	}
	if err := os.Rename(f.Name(), f.path); err != nil {
		os.Remove(f.Name())
		return err
	}
	syncDir(filepath.Dir(f.path))
	return nil
}

// Abort drops the pending content; the target is left as it was.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}

// WriteFile replaces path with data atomically.
func WriteFile(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Write replaces path with what fill writes, atomically.
func Write(path string, fill func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	if err := fill(f); err != nil {
		return err
	}
	return f.Commit()
}

// WriteFileUnchanged replaces path with data atomically if it still holds
// read (what the caller read and based data on); otherwise it writes
// nothing and returns an error wrapping ErrChanged.
//
// The check and the rename are two steps, and a program may append to the
// file between them (a generator adding rows while `ftls fix` runs). The
// old file is held open across the rename to see it: what was appended to
// it is carried over to the end of the new file, and any other change puts
// the old content back and returns ErrChanged.
func WriteFileUnchanged(path string, data, read []byte) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	defer f.Abort()
	var old *os.File
	if runtime.GOOS != "windows" { // a file held open there cannot be renamed over
		if old, err = os.Open(f.path); err == nil {
			defer old.Close()
		}
	}
	f.Unchanged = SameContent(f.path, read)
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Commit(); err != nil {
		return err
	}
	if old == nil {
		return nil
	}
	return carryOver(f.path, old, read)
}

// carryOver looks at the replaced file, still open as old, after the
// rename: if another program appended to it after the check, the appended
// bytes go to the end of path too; if it changed in any other way, its
// content is put back.
func carryOver(path string, old *os.File, read []byte) error {
	st, err := old.Stat()
	if err != nil {
		return nil
	}
	now, err := io.ReadAll(io.NewSectionReader(old, 0, st.Size()))
	if err == nil && bytes.Equal(now, read) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: another program wrote to it during the replacement, and its bytes could not be read back: %w", path, err)
	}
	if bytes.HasPrefix(now, read) {
		w, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return fmt.Errorf("%s: carrying over %d bytes another program appended: %w", path, len(now)-len(read), err)
		}
		_, err = w.Write(now[len(read):])
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: carrying over %d bytes another program appended: %w", path, len(now)-len(read), err)
		}
		return nil
	}
	if err := WriteFile(path, now); err != nil {
		return fmt.Errorf("%s: another program changed it during the replacement, and restoring it failed: %w", path, err)
	}
	return fmt.Errorf("%s: %w", path, ErrChanged)
}

// CleanStale removes the temporary files in dir whose writer is no longer
// running (killed before it could remove them).
func CleanStale(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		i := strings.Index(name, tmpMarker)
		if i < 0 || !strings.HasPrefix(name, ".") || !e.Type().IsRegular() {
			continue
		}
		rest := name[i+len(tmpMarker):]
		j := strings.IndexByte(rest, '-')
		if j < 0 {
			continue
		}
		pid, err := strconv.Atoi(rest[:j])
		if err != nil || pid <= 0 || alive(pid) {
			continue
		}
		os.Remove(filepath.Join(dir, name))
	}
}

// alive reports whether a process with this id exists.
func alive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	return processExists(pid)
}

// syncDir makes the rename durable; failures are ignored because some file
// systems cannot sync a directory and the rename has happened regardless.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
