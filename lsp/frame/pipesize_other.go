//go:build !linux

package frame

import "os"

// GrowPipe is Linux only (pipesize_linux.go).
func GrowPipe(*os.File) {}
