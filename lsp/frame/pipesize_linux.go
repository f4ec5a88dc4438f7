package frame

import (
	"os"
	"syscall"
)

// pipeSize is what the server asks of the pipes to and from the editor.
// Linux gives a pipe 64 KB: a 230 MB didOpen then crosses it in 3,700
// reads, each waiting for the editor to be scheduled, and arrived 1.5-2
// times slower than through a 1 MB pipe. Unprivileged processes may ask
// for up to /proc/sys/fs/pipe-max-size (1 MB by default).
const pipeSize = 1 << 20

// growPipe enlarges f's buffer when f is a pipe. A file, a terminal or a
// refusal leaves things as they are. It goes through SyscallConn rather
// than Fd, which would switch f to blocking mode.
func GrowPipe(f *os.File) {
	const setPipeSize = 1031 // F_SETPIPE_SZ
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return
	}
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { syscall.Syscall(syscall.SYS_FCNTL, fd, setPipeSize, pipeSize) })
	}
}
