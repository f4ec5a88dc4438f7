package diagnostics

import (
	"testing"
	"unsafe"
)

// Every row of a file keeps a RowInfo (twice while the language server
// assembles a version), so a field added in the wrong place, or a
// reordering that brings back padding, costs megabytes on large files.
func TestRowInfoSize(t *testing.T) {
	if n := unsafe.Sizeof(RowInfo{}); n > 128 {
		t.Errorf("RowInfo is %d bytes, want at most 128: put small fields with the flags", n)
	}
}
