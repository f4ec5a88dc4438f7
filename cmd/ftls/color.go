package main

import (
	"fmt"
	"io"
	"os"
)

// colorEnv reads the environment for the colour decision; tests replace it.
var colorEnv = os.Getenv

// writerIsTerminal reports whether w is a terminal; tests replace it.
var writerIsTerminal = stderrIsTerminal

// useColor decides whether text output to w is coloured: --color always
// or never decides; auto (the default) colours a terminal unless NO_COLOR
// is set to anything (https://no-color.org) or TERM is dumb.
func useColor(mode string, w io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto", "":
		if colorEnv("NO_COLOR") != "" || colorEnv("TERM") == "dumb" {
			return false, nil
		}
		return writerIsTerminal(w), nil
	}
	return false, fmt.Errorf("unknown --color %q (want auto, always or never)", mode)
}
