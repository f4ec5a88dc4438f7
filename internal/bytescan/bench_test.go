package bytescan

import (
	"bytes"
	"fmt"
	"testing"
)

// BenchmarkScans measures each scan on text with no byte of its class:
// at 64 bytes, one block, the figure is the cost of a call; at 64 KB, the
// cost of a byte.
func BenchmarkScans(b *testing.B) {
	for _, s := range scans {
		for _, n := range []int{64, 64 << 10} {
			data := bytes.Repeat([]byte("abcdefgh"), n/8)
			b.Run(fmt.Sprintf("%s/%d", s.name, n), func(b *testing.B) {
				b.SetBytes(int64(n))
				for b.Loop() {
					s.vector(data)
				}
			})
		}
	}
	p := NewPattern([]string{"aA", "sS"}, []string{"iI", " "})
	for _, n := range []int{64 + maxPatternLen, 64 << 10} {
		data := bytes.Repeat([]byte("xyzwxyzw"), n/8+1)[:n]
		masks := make([]uint64, (n-maxPatternLen+1)/64)
		b.Run(fmt.Sprintf("Pattern/%d", n), func(b *testing.B) {
			b.SetBytes(int64(n))
			for b.Loop() {
				p.Find(data, 0, masks)
			}
		})
	}
}
