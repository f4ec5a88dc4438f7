package atomicfile

import "os"

// processExists opens the process: on Windows that fails when no process
// has this id.
func processExists(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
