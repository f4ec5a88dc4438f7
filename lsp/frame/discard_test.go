package frame

import (
	"bytes"
	"os"
	"runtime"
	"testing"
	"unsafe"
)

// TestDiscard checks that Discard keeps every byte outside the pages
// wholly inside its slice, and, on Linux, that those pages read as zero
// afterwards: they were handed back.
func TestDiscard(t *testing.T) {
	page := os.Getpagesize()
	for _, tc := range []struct {
		name     string
		from, to int // the slice discarded, in a buffer of 64 pages
	}{
		{"unaligned", 100, 40*page + 7},
		{"aligned", 2 * page, 10 * page},
		{"within a page", 10, page - 10},
		{"empty", 5 * page, 5 * page},
		{"whole", 0, 64 * page},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf := bytes.Repeat([]byte{0xAB}, 64*page)
			Discard(buf[tc.from:tc.to])
			for i, c := range buf {
				if c == 0xAB {
					continue
				}
				inside := i >= tc.from && i < tc.to
				if !inside || c != 0 || runtime.GOOS != "linux" {
					t.Fatalf("byte %d is %#x after Discard(buf[%d:%d])", i, c, tc.from, tc.to)
				}
			}
			if runtime.GOOS != "linux" {
				return
			}
			// The whole pages inside were dropped: all of them read zero.
			base := int(uintptr(unsafe.Pointer(&buf[0])))
			for i := tc.from; i < tc.to; i++ {
				pageStart := (base+i)/page*page - base
				wholePage := pageStart >= tc.from && pageStart+page <= tc.to
				if wholePage != (buf[i] == 0) {
					t.Fatalf("byte %d is %#x after Discard(buf[%d:%d]) (in a whole page: %v)", i, buf[i], tc.from, tc.to, wholePage)
				}
			}
		})
	}
}
