//go:build !windows

package atomicfile

import (
	"errors"
	"syscall"
)

// processExists asks the kernel with signal 0, which checks without
// signalling; EPERM means the process exists under another user.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
