package engine

import (
	"fmt"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/diagnostics"
)

// SniffSize is how much of a file NotText looks at.
const SniffSize = 8 << 10

// NotText tells a file that is no text at all (an archive, a model, an
// image, UTF-16) from a dataset with a few bad bytes, from its first
// SniffSize bytes: more than one in ten of them control bytes or invalid
// UTF-8. Such a file gets one finding instead of one per garbage "line".
// It returns why, or "".
func NotText(b []byte) string {
	bad, n := 0, 0
	for i := 0; i < len(b); {
		if !utf8.FullRune(b[i:]) && len(b) == SniffSize {
			break // a character cut by the end of the sample
		}
		r, size := utf8.DecodeRune(b[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			bad++
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f', r == 0x7F:
			bad++
		}
		i += size
		n += size
	}
	if n == 0 || bad*10 <= n {
		return ""
	}
	if len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF) {
		return fmt.Sprintf("not a text file ftls can read: it is UTF-16 (byte order mark 0x%02X%02X); save it as UTF-8", b[0], b[1])
	}
	return fmt.Sprintf("not a text file: %d %% of its first %s are control bytes or invalid UTF-8 (binary data, or text in another encoding); ftls reads UTF-8 JSON Lines or a JSON array", bad*100/n, sizeName(n))
}

func sizeName(n int) string {
	if n >= 1<<10 && n%(1<<10) == 0 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// NotTextResult is the result for a file NotText refuses: its one
// finding, J004 at the top of the file. The command line uses it; the
// language server is not given such files by editors.
func NotTextResult(name, why string, s *diagnostics.Settings) *Result {
	res := &Result{Path: name}
	if sev := s.Severity("J004"); sev != diagnostics.Off {
		res.Diagnostics = []diagnostics.Diagnostic{{Code: "J004", Severity: sev, Message: why}}
	}
	return res
}
