package bytescan

import (
	"syscall"
	"testing"
)

// TestScansReadNoFurther runs every scan on texts that end where a page
// the process may not read begins: a byte read past a text's end faults
// and the test crashes. The texts have every length up to 300 and hold
// no byte of the scans' classes, so that each scan reads all it may.
func TestScansReadNoFurther(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	for i := range page {
		mem[i] = 'a' // no special byte, no irregular one, no pattern's
	}
	p := NewPattern([]string{"x", "y", "z", "w"}, []string{"q"})
	masks := make([]uint64, 8)
	defer func(old bool) { Fast = old }(Fast)
	for _, fast := range []bool{true, false} {
		if fast && !canFast() {
			continue
		}
		Fast = fast
		for n := 0; n <= 300; n++ {
			text := mem[page-n : page]
			JSONSpecials(text)
			Irregular(text)
			for from := 0; from <= min(n, 70); from++ {
				p.Find(text, from, masks[:min(len(masks), (n-from+63)/64)])
			}
		}
	}
}
