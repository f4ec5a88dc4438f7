package bytescan

import "golang.org/x/sys/cpu"

// Fast reports whether the scans run AVX2 assembly. Tests turn it off to
// run the plain loops.
var Fast = cpu.X86.HasAVX2

//go:noescape
func jsonSpecialsAVX2(data []byte) (at int, mask uint64)

//go:noescape
func irregularAVX2(text []byte) int

//go:noescape
func patternAVX2(tables *[maxPatternLen][2][16]byte, text []byte, masks []uint64)
