// Package bytescantest lets the tests of bytescan's callers run each of
// its scans this machine has: the plain loops and, with AVX2, the
// assembly, so that a caller's own loop for the plain case is tested too.
package bytescantest

import "github.com/ftls-dev/ftls/internal/bytescan"

// Modes returns the values bytescan.Fast can take on this machine: false
// and, with AVX2, true.
func Modes() []bool {
	if bytescan.Fast {
		return []bool{false, true}
	}
	return []bool{false}
}

// Name names a mode for a subtest or a message: "plain" or "avx2".
func Name(fast bool) string {
	if fast {
		return "avx2"
	}
	return "plain"
}

// Set sets bytescan.Fast and returns the function that restores it. It is
// not safe for tests that run in parallel.
func Set(fast bool) (restore func()) {
	old := bytescan.Fast
	bytescan.Fast = fast
	return func() { bytescan.Fast = old }
}
