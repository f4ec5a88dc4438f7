package main

import (
	"bufio"
	"context"
	"io"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// checkInput checks the dataset at path, or standard input for -. A file
// that is not text (engine.NotText: an archive, a model, UTF-16) is one
// finding, without reading its rows. A large file read on a terminal
// shows a progress bar on progress (see showProgress).
func checkInput(ctx context.Context, path string, opts engine.Options, progress io.Writer) (*engine.Result, error) {
	if path == stdinPath {
		br := bufio.NewReaderSize(stdin, engine.SniffSize)
		head, _ := br.Peek(engine.SniffSize)
		if why := engine.NotText(head); why != "" {
			return engine.NotTextResult(stdinName, why, opts.Settings), nil
		}
		return engine.Check(ctx, stdinName, br, opts)
	}
	f, err := safefile.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, engine.SniffSize)
	n, _ := io.ReadFull(f, head)
	f.Close()
	if why := engine.NotText(head[:n]); why != "" {
		return engine.NotTextResult(path, why, opts.Settings), nil
	}
	return checkFile(ctx, path, opts, progress)
}
