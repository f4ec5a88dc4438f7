package bytescan

import "golang.org/x/sys/cpu"

// Fast reports whether the scans run AVX2 assembly. Tests turn it off to
// run the plain loops.
var Fast = cpu.X86.HasAVX2

// jsonSpecials and irregular are JSONSpecials and Irregular, in assembly
// that jumps to the plain loop unless Fast is set: one call where a Go
// function choosing between them would make two.

//go:noescape
func jsonSpecials(data []byte) (at int, mask uint64)

//go:noescape
func irregular(text []byte) int

//go:noescape
func patternAVX2(tables *[maxPatternLen][2][16]byte, text []byte, masks []uint64)
