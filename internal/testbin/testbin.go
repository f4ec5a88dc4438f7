// Package testbin builds the ftls binary once for the tests of a package
// that drive the real program (the language server over its pipes, the
// command line under hostile input), as an editor or a user would.
package testbin

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Main builds ./cmd/ftls into a temporary folder, points *bin at it, runs
// the tests of m and exits with their status; it is a package's TestMain.
// FTLS_TEST_BINARY names a binary built elsewhere instead (to test or
// benchmark a given build).
func Main(m *testing.M, bin *string) {
	if b := os.Getenv("FTLS_TEST_BINARY"); b != "" {
		*bin = b
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "ftls-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	*bin = filepath.Join(dir, "ftls")
	build := exec.Command("go", "build", "-o", *bin, "github.com/ftls-dev/ftls/cmd/ftls")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building ftls:", err)
		os.RemoveAll(dir)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
