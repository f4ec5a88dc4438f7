//go:build unix

package diagnostics

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used so far: unlike wall
// time, it does not grow when other processes take the cores.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
