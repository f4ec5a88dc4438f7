package lsp

import (
	"time"

	"github.com/ftls-dev/ftls/internal/engine"
)

// Checking the lines of a large didOpen while it is still arriving, and
// publishing the first rows' findings before the message has ended.

// take hands out the next lines to check, waiting for them to arrive; ok
// is false when there are no more.
func (in *incoming) take() (from int, lines []*engine.Line, ok bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for {
		if in.aborted || in.s.ctx.Err() != nil {
			return 0, nil, false
		}
		if avail := len(in.lines) - in.next; avail >= checkBatch || in.complete && avail > 0 {
			from = in.next
			in.next += min(avail, checkBatch)
			return from, in.lines[from:in.next], true
		}
		if in.complete {
			return 0, nil, false
		}
		in.wake.Wait()
	}
}

func (in *incoming) checker() {
	var c engine.LineChecker
	for {
		from, lines, ok := in.take()
		if !ok {
			return
		}
		for k, l := range lines {
			if len(l.Text()) == 0 {
				continue // the empty last line: not a row (engine.IsRow)
			}
			c.Check(l, from+k == 0, in.settings)
		}
		in.assemble(from, lines)
		if from < firstBatch && in.headLeft.Add(-int64(min(from+len(lines), firstBatch)-from)) == 0 {
			in.publishHead()
		}
	}
}

// assemble hands the lines checked, from line from on, to the assembler,
// in order: a batch checked before the ones above it waits for them.
func (in *incoming) assemble(from int, lines []*engine.Line) {
	in.asmMu.Lock()
	defer in.asmMu.Unlock()
	in.ready[from] = lines
	for {
		lines, ok := in.ready[in.asmNext]
		if !ok {
			return
		}
		delete(in.ready, in.asmNext)
		in.asm.Add(lines, in.expectedRows())
		in.asmNext += len(lines)
	}
}

// release lets go of what the checkers kept for the document's first
// check, once it has taken it: the later versions keep in.
func (in *incoming) release() {
	in.mu.Lock()
	in.lines, in.doc = nil, nil
	in.mu.Unlock()
	in.asmMu.Lock()
	in.asm = engine.Assembler{}
	in.asmMu.Unlock()
}

// expectedRows is how many rows the document should have: all its lines
// once they are in; until then, as many as the lines in so far would make
// at their mean length, a little more.
func (in *incoming) expectedRows() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.complete || in.cut == 0 {
		return len(in.lines)
	}
	return int(float64(len(in.lines))*float64(in.size)/float64(in.cut)*1.02) + checkBatch
}

// publishHead publishes the findings of the first rows while the rest of
// the document is on its way, as checkDataset does for a large document
// opened: the first batch of rows, or all the rows checked from the top
// when headDelay is over, whichever comes first.
func (in *incoming) publishHead() {
	in.headMu.Lock()
	defer in.headMu.Unlock()
	if in.headOver {
		return
	}
	in.mu.Lock()
	lines := in.lines
	small := in.complete && len(lines) <= 2*firstBatch
	in.mu.Unlock()
	n := 0
	for n < len(lines) && lines[n].Checked() {
		n++
	}
	if n == 0 {
		return // nothing to show yet; the first batch will be
	}
	in.headOver = true
	if small {
		return // it is all checked soon
	}
	head := &snapshot{Doc: engine.NewDoc(lines[:n]), uri: in.head.URI, path: in.path, kind: kindDataset, version: in.head.Version, received: in.arrived}
	diags, tally := engine.RowDiagnostics(head.Doc)
	in.s.diags.publishEarly(&result{snap: head, settings: in.settings, res: &engine.Result{Path: in.path, Tally: tally, Diagnostics: engine.FinishDiagnostics(diags)}}, in.head.Versioned)
	in.headShown = true
	in.s.log.Noticef("%s: the findings of the first %d rows published %.0f ms after the text started to arrive", in.head.URI, n, ms(time.Since(in.arrived)))
}
