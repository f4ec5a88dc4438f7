package frame

import (
	"os"
	"syscall"
	"unsafe"
)

// Discard gives the system back the memory pages lying wholly inside b,
// which no one may read or write again. Part of a larger allocation, they
// stay the runtime's until the allocation is freed, but they no longer
// take memory; a later use of them (by the runtime, once the allocation is
// freed) finds them zero. A large didOpen's text is decoded in place, and
// the room its escapes took is then dead space at the end of the text, in
// the message's buffer: 5.5 MB for bench/gen's 100,000 rows (232 MB).
func Discard(b []byte) {
	page := uintptr(os.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	lo, hi := (start+page-1)&^(page-1), (start+uintptr(len(b)))&^(page-1)
	if hi <= lo {
		return
	}
	// An error (an old kernel, say) leaves the pages as they were.
	_ = syscall.Madvise(b[lo-start:hi-start], syscall.MADV_DONTNEED)
}
