// Package diagnostics is the rule engine's vocabulary and its rule catalog.
//
// A rule is a value: a stable code, a name, a default severity, the
// documentation that `ftls explain` prints, and a check function. Each rule
// family lives in one file (json.go for J, chat.go for C, quality.go for Q)
// and registers its rules there; nothing else has to change to add a rule.
// Row rules look at one row through a RowContext; file rules run once all
// rows are read and see a compact summary of every row through a
// FileContext. The package knows nothing of LSP or of the command line: both
// render the Diagnostic values it produces.
package diagnostics

import (
	"fmt"
	"strings"

	"github.com/ftls-dev/ftls/internal/textpos"
)

// Severity is how serious a finding is. The values match LSP's
// DiagnosticSeverity; Off disables a rule.
type Severity uint8

const (
	Off Severity = iota
	Error
	Warning
	Info
	Hint
)

var severityNames = [...]string{"off", "error", "warning", "info", "hint"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", s)
}

// ParseSeverity reads a severity name as written in configuration files.
func ParseSeverity(name string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "off", "none", "disable", "disabled", "ignore", "false":
		return Off, nil
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info", "information":
		return Info, nil
	case "hint":
		return Hint, nil
	}
	return Off, fmt.Errorf("unknown severity %q (want error, warning, info, hint or off)", name)
}

// Diagnostic is one finding at one place in a file.
type Diagnostic struct {
	Code     string
	Severity Severity
	Message  string
	Range    textpos.Range
	// Offset is the byte offset in the file where the finding starts; it
	// orders diagnostics and lets fixes be matched to rows.
	Offset  int64
	Related []Related
	Fix     *Fix
	// Category is the category a balance finding is about (B001), for
	// the actions that act on it: no one reads it back out of Message.
	Category string
}

// Related points at another place that explains a diagnostic: the first copy
// of a duplicate, the plan entry behind a balance finding.
type Related struct {
	Path    string // empty for the file of the diagnostic
	Range   textpos.Range
	Message string
}

// Fix is a safe, mechanical repair: it replaces the bytes [Start, End) of
// the file, which span one row (or one line with its terminator, when the
// fix deletes the line).
type Fix struct {
	Title      string
	Start, End int64
	// NewText is the replacement. It is nil when the fix is computed on
	// demand from the row's current text by convert, which keeps file rules
	// from holding a rewritten copy of every row in memory.
	NewText []byte
	// Model marks a fix whose text a model wrote (the R rules: a
	// reviewer's rewrite, a proposed category). It is offered one finding
	// at a time; fixing a whole file skips it unless the settings opt in
	// (Settings.ModelFixes), and `ftls fix` never does.
	Model   bool
	convert func(row []byte) ([]byte, error)
}

// Replacement returns the text that replaces the fix's span, given the
// span's current text.
func (f *Fix) Replacement(old []byte) ([]byte, error) {
	if f.convert != nil {
		return f.convert(old)
	}
	return f.NewText, nil
}
