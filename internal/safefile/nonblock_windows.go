package safefile

import "os"

// clearNonblock does nothing: Windows files have no O_NONBLOCK mode.
func clearNonblock(*os.File) {}
