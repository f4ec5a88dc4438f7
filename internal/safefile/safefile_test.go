//go:build !windows

package safefile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestSpecialFilesAreRefusedAtOnce(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.jsonl")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip(err)
	}
	zero := filepath.Join(dir, "zero.jsonl")
	os.Symlink("/dev/zero", zero)
	viaLink := filepath.Join(dir, "link.jsonl")
	os.Symlink(fifo, viaLink)
	for _, p := range []string{fifo, zero, viaLink, dir} {
		start := time.Now()
		_, err := ReadFile(p, 0)
		if !IsNotRegular(err) {
			t.Errorf("%s: %v", p, err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s: took %v", p, d)
		}
	}
	big := filepath.Join(dir, "big.yaml")
	os.WriteFile(big, []byte(strings.Repeat("#\n", ConfigMax)), 0o644)
	if _, err := ReadFile(big, ConfigMax); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "2.0 MB") {
		t.Errorf("big: %v", err)
	}
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello"), 0o644)
	if b, err := ReadFile(small, ConfigMax); err != nil || string(b) != "hello" {
		t.Errorf("small: %q %v", b, err)
	}
}
