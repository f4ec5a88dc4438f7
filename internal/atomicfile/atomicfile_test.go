package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// A write by another program between the check and the rename is never
// lost: an append is carried over to the new file, any other change puts
// the old content back and reports ErrChanged.
func TestWriteFileUnchangedSeesLateWrites(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the old file is not held open on Windows")
	}
	const old, fixed = "a \n{\"b\":1}\n", "a\n{\"b\":1}\n"
	tests := []struct {
		name  string
		late  func(path string) // what the other program does
		want  string
		isErr bool
	}{
		{"nothing", func(string) {}, fixed, false},
		{"an append", func(path string) { appendTo(t, path, "{\"c\":2}\n") }, fixed + "{\"c\":2}\n", false},
		{"a rewrite", func(path string) { rewriteInPlace(t, path, "x \n{\"b\":1}\n") }, "x \n{\"b\":1}\n", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "data.jsonl")
			if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
				t.Fatal(err)
			}
			afterCheck = tt.late
			defer func() { afterCheck = nil }()
			err := WriteFileUnchanged(path, []byte(fixed), []byte(old))
			if got := errors.Is(err, ErrChanged); got != tt.isErr {
				t.Errorf("error %v, want ErrChanged: %v", err, tt.isErr)
			}
			if b, _ := os.ReadFile(path); string(b) != tt.want {
				t.Errorf("file holds %q, want %q", b, tt.want)
			}
		})
	}
}

func appendTo(t *testing.T, path, text string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// rewriteInPlace changes the file's bytes without replacing it, as an
// editor saving in place does.
func rewriteInPlace(t *testing.T, path, text string) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
