package engine

import "unsafe"

// prefault writes zeros, as bytes, over s's spare capacity, which must
// hold nothing yet (fresh from growing the slice).
//
// The system maps a page of fresh memory when it is first touched. The
// slice of row summaries is one large object holding pointers, and a
// collection scans all of it, spare capacity included: the first touch of
// the capacity not yet filled is then the collector's read, which maps
// the shared zero page, and the append that fills it later copies the
// page and flushes the other core's TLB by interrupt. On a 1M-row check
// that was 4 % of the CPU (`perf`), in the one goroutine that gathers the
// rows in order. Written first, the pages are simply mapped. Zeros
// written as bytes, without the write barrier, change nothing the
// collector could see: the memory is fresh, and zero already.
func prefault[T any](s []T) {
	tail := s[len(s):cap(s)]
	if len(tail) == 0 {
		return
	}
	var zero T
	clear(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(tail))), len(tail)*int(unsafe.Sizeof(zero))))
}
