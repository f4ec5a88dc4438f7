// Command ftls checks, fixes and builds LLM fine-tuning datasets.
//
// This package only parses flags and wires commands to the engine; every
// finding comes from the same engine the language server uses.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes of every command.
const (
	exitOK       = 0
	exitFindings = 1 // check found errors
	exitUsage    = 2 // bad flags, unreadable files
)

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"check":    {"report problems in datasets (files or folders)", runCheck},
	"fix":      {"apply safe fixes to datasets", runFix},
	"export":   {"write a dataset as JSON Lines ready for a provider", runExport},
	"init":     {"write a commented starter plan (asks the requirement questions on a terminal)", runInit},
	"rules":    {"list the rule catalog", runRules},
	"stats":    {"print dataset statistics (--json for machines)", runStats},
	"explain":  {"show a rule's documentation", runExplain},
	"generate": {"write new examples with an LLM, as the plan describes", runGenerate},
	"embed":    {"embed each row for the semantic near-duplicates (D005), keeping the vectors next to the dataset", runEmbed},
	"review":   {"score rows with a judge model; cached verdicts become R findings", runReview},
	"split":    {"move a stratified, leak-free validation set out of a dataset", runSplit},
	"info":     {"write the dataset's statistics document (dataset_info.txt, --html for charts)", runInfo},
	"serve":    {"run the language server on standard input and output", runServe},
	"version":  {"print the version", runVersion},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		// Nothing asked: the usage is an error message, as go and git do.
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help":
		usage(stdout)
		return exitOK
	case "--version":
		args[0] = "version"
	case "help":
		// `ftls help COMMAND` is `ftls COMMAND --help`.
		if len(args) == 1 {
			usage(stdout)
			return exitOK
		}
		if len(args) > 2 {
			fmt.Fprintln(stderr, "Usage: ftls help [COMMAND]")
			return exitUsage
		}
		args = []string{args[1], "--help"}
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "ftls: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	if wantsHelp(args[1:]) {
		// Help that was asked for is the output, not an error message.
		return cmd.run(args[1:], stdout, stdout)
	}
	return cmd.run(args[1:], stdout, stderr)
}

// wantsHelp reports whether a command's arguments ask for its help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if a == "-h" || a == "--help" {
			return true
		}
	}
	return false
}

// noArgs refuses the arguments of a command that takes none.
func noArgs(fs *pflag.FlagSet, stderr io.Writer) bool {
	if fs.NArg() == 0 {
		return true
	}
	fmt.Fprintf(stderr, "ftls %s: unexpected argument %q (see --help)\n", fs.Name(), fs.Arg(0))
	return false
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "ftls: a linter and language server for LLM fine-tuning datasets")
	fmt.Fprintln(w, "\nUsage: ftls COMMAND [flags] [arguments]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun `ftls help COMMAND` (or `ftls COMMAND --help`) for a command's flags.")
}

// errUsage marks errors that are the caller's mistake (exit code 2 with the
// command's usage).
var errUsage = errors.New("usage")

func fail(stderr io.Writer, err error) int {
	msg := err.Error()
	if !strings.HasPrefix(msg, "ftls") {
		msg = "ftls: " + msg
	}
	fmt.Fprintln(stderr, msg)
	return exitUsage
}

// newFlagSet returns the flag set of a command whose usage is the text
// usage followed by the flags.
func newFlagSet(name, usage string, stderr io.Writer) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, usage+"\n\nFlags:")
		fs.PrintDefaults()
	}
	return fs
}

// parsePaths parses the arguments of a command that takes files or folders
// and returns the dataset files they name. When ok is false the command
// returns code: the flags were wrong, help was asked for, or no path was
// given.
func parsePaths(fs *pflag.FlagSet, args []string, stderr io.Writer) (paths []string, code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		return nil, flagError(stderr, err), false
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return nil, exitUsage, false
	}
	paths, err := expandPaths(fs.Args())
	if err != nil {
		return nil, fail(stderr, err), false
	}
	return paths, exitOK, true
}

func runVersion(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "Usage: ftls version\n\nPrints the version.", stderr)
	if err := fs.Parse(args); err != nil {
		return flagError(stderr, err)
	}
	if !noArgs(fs, stderr) {
		return exitUsage
	}
	fmt.Fprintln(stdout, "ftls", version)
	return exitOK
}
