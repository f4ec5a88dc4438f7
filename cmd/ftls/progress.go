package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// progressMin is the smallest file whose reading shows a progress bar:
// smaller files are read in well under a second, and a bar that flashes
// by is noise.
var progressMin int64 = 8 << 20

// progressTerminal reports whether progress can be drawn on w; tests
// replace it.
var progressTerminal = stderrIsTerminal

// progressEnv reads the environment for the progress decision; tests
// replace it.
var progressEnv = colorEnv

// showProgress decides whether reading size bytes draws a progress bar on
// w: only on a terminal (never when standard error is a pipe, a file or a
// test's buffer), not on TERM=dumb, and only for files of progressMin
// bytes or more.
func showProgress(w io.Writer, size int64) bool {
	if size < progressMin || progressEnv("TERM") == "dumb" {
		return false
	}
	return progressTerminal(w)
}

// newProgressBar is a bar of size bytes drawn on w, cleared when finished.
func newProgressBar(w io.Writer, size int64, desc string) *progressbar.ProgressBar {
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	)
}

// progressReader counts the bytes read through it on a bar.
type progressReader struct {
	r   io.Reader
	bar *progressbar.ProgressBar
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		_ = p.bar.Add64(int64(n))
	}
	return n, err
}

// withProgress wraps r, a file of size bytes, so that reading it draws a
// bar on w labelled desc when showProgress says so; done clears the bar.
// Otherwise r is returned as it is and done does nothing.
func withProgress(r io.Reader, size int64, w io.Writer, desc string) (io.Reader, func()) {
	if !showProgress(w, size) {
		return r, func() {}
	}
	bar := newProgressBar(w, size, desc)
	return &progressReader{r: r, bar: bar}, func() {
		_ = bar.Finish() // clears the line (OptionClearOnFinish)
	}
}

// checkFile is engine.CheckFile with a progress bar on w for a large file
// read on a terminal.
func checkFile(ctx context.Context, path string, opts engine.Options, w io.Writer) (*engine.Result, error) {
	f, err := safefile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if opts.SizeHint == 0 {
		opts.SizeHint = st.Size()
	}
	r, done := withProgress(f, st.Size(), w, "checking "+path)
	res, err := engine.Check(ctx, path, r, opts)
	done()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}
