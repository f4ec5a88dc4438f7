//go:build windows

// Not part of any package here: vsix.sh builds the Windows ftls against a
// copy of github.com/tliron/kutil v0.3.11 with this file in place of its
// terminal/color_enable_windows.go. That file calls
// EnableWindowsANSIConsole and RestoreWindowsConsole as methods of
// termenv.Output, which no termenv release has (they are package
// functions), so kutil, and with it glsp's logging, does not build for
// Windows. Remove this when kutil is fixed upstream.

package terminal

import (
	"os"

	"github.com/muesli/termenv"
)

// EnableColor is kutil's, with termenv's package functions.
func EnableColor(file *os.File) (bool, CleanupFunc, error) {
	output := termenv.NewOutput(file)
	if output.EnvColorProfile() == termenv.Ascii {
		return false, nil, nil
	}
	mode, err := termenv.EnableWindowsANSIConsole()
	if err != nil {
		return false, nil, err
	}
	return true, func() error { return termenv.RestoreWindowsConsole(mode) }, nil
}
