package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/pflag"

	"github.com/ftls-dev/ftls/lsp"
)

// runServe speaks the Language Server Protocol on standard input and
// output. Standard output is the protocol: logs go to standard error or
// to --log FILE.
func runServe(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	logFile := fs.String("log", "", "write the log to FILE instead of standard error")
	debug := fs.Bool("debug", false, "verbose log (never message contents, which may hold the API key)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile to this file until the server exits (for performance work)")
	_ = fs.MarkHidden("cpuprofile")
	memProfile := fs.String("memprofile", "", "write a heap profile to this file when the server exits (for performance work)")
	_ = fs.MarkHidden("memprofile")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: ftls serve [--log FILE] [--debug]\n\nRuns the language server on standard input and output, for editors.\nIt exits with 0 after a shutdown request and exit, 1 otherwise.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		fmt.Fprintf(stderr, "ftls serve: %v (see --help)\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "ftls serve: unexpected argument %q (see --help)\n", fs.Arg(0))
		return exitUsage
	}
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintf(stderr, "ftls serve: %v\n", err)
			return exitUsage
		}
		f.Close()
	}
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "ftls serve: %v\n", err)
			return exitUsage
		}
		defer stop()
	}
	_ = stdout // the protocol goes to the process's standard output, through glsp
	code := lsp.Run(lsp.Options{LogFile: *logFile, Debug: *debug, Version: version, BeforeExit: func() {
		if *memProfile != "" {
			if err := writeHeapProfile(*memProfile); err != nil {
				fmt.Fprintf(stderr, "ftls serve: %v\n", err)
			}
		}
	}})
	return code
}
