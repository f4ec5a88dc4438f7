// Package prefault maps the pages of a fresh allocation by writing zeros
// over it before anything reads it.
//
// The system maps a page of fresh memory when it is first touched. Read
// first, the page is mapped to the shared zero page, and the write that
// comes later takes a second fault, which copies the page and flushes the
// other cores' TLBs by interrupt: costly on a virtual machine, where an
// interrupt between cores exits to the hypervisor. Two kinds of first
// reads do this in ftls:
//
//   - a collection scanning a large object that holds pointers, spare
//     capacity included: the row summaries, filled after the allocation
//     (on a million rows, 4 % of a check's CPU, and 0.4 s of the server's
//     first file check after edits);
//   - a hash table probed before its slots are filled: the groups' key
//     tables, whose faults and interrupts were 4-5 % of the CPU of a
//     check of 100,000 short rows.
//
// Written first, as bytes (without write barriers: the memory is fresh,
// and zero already, so the collector can see no change), the pages are
// simply mapped.
package prefault

import "unsafe"

// Spare writes zeros over s's spare capacity, s[len(s):cap(s)], which must
// hold nothing yet: fresh from make or from growing the slice.
func Spare[T any](s []T) {
	tail := s[len(s):cap(s)]
	if len(tail) == 0 {
		return
	}
	var zero T
	clear(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(tail))), len(tail)*int(unsafe.Sizeof(zero))))
}

// Make returns a slice of n zero elements whose pages are mapped.
func Make[T any](n int) []T {
	s := make([]T, 0, n)
	Spare(s)
	return s[:n]
}
