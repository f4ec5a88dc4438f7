//go:build !windows

package safefile

import (
	"os"
	"syscall"
)

// clearNonblock clears the O_NONBLOCK Open used: regular files ignore it,
// but the caller's reads should not depend on that.
func clearNonblock(f *os.File) {
	_ = syscall.SetNonblock(int(f.Fd()), false)
}
