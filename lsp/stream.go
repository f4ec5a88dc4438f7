package lsp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/lsp/frame"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Opening a large dataset, the editor sends one didOpen of hundreds of
// megabytes, and the pipe between the two processes takes most of a
// second to carry it. Rather than wait for all of it, the server decodes
// the document's text as it arrives (jsonpos.StringDecoder, in place in
// the message's buffer), cuts it into lines and checks them meanwhile, so
// that the transfer and the row checks overlap; the findings of the first
// rows are published before the message has ended. When the whole
// message is in and valid, glsp gets its stand-in as for any large
// message (textsync.go) and the handler opens the document on the lines
// already checked.

// streamFrom is the body size from which a didOpen is read this way.
const streamFrom = 4 << 20

// checkBatch is how many lines a checker takes at a time.
const checkBatch = 64

// readStreamed reads a large message body. A didOpen of a dataset is
// decoded as it arrives and returned as its params (v); any other body is
// returned whole for the usual path. A didOpen that turns out to be
// malformed is dropped with a log line (nil body and params), as the pump
// drops any message jsonrpc2 could not read.
func (s *Server) readStreamed(r io.Reader, n int, arrived time.Time) (body []byte, v any, err error) {
	body, filled, err := frame.StartBody(r, n)
	if err != nil {
		return nil, nil, err
	}
	h, ok := frame.ParseOpenHead(body[:filled])
	// The document is read as a dataset unless what comes before its text
	// says it is none.
	if !ok || h.URI != "" && kindOf(h.URI, h.LanguageID) != kindDataset {
		_, err := io.ReadFull(r, body[filled:])
		return body, nil, err
	}
	in := s.receive(h, arrived, n)
	p, err := in.read(r, body, filled)
	if err != nil {
		var perr *paramsError
		if errors.As(err, &perr) {
			s.log.Errorf("dropped a malformed didOpen of %d bytes for %s: %v", n, h.URI, perr.err)
			err = nil
		}
		in.abort()
		return nil, nil, err
	}
	return body, p, nil
}

// incoming is a dataset whose didOpen is still arriving. When the message
// gives the document's uri after its text, its lines are checked with the
// settings of a dataset that no ftls.yaml or plan governs, and checked
// again once the document is open if its own settings differ.
type incoming struct {
	s        *Server
	head     frame.OpenHead
	path     string
	arrived  time.Time
	settings *diagnostics.Settings

	mu       sync.Mutex
	wake     *sync.Cond
	lines    []*engine.Line
	next     int  // the first line no checker has taken
	complete bool // every line is in
	aborted  bool

	// doc is the version the message opened, set by didOpen.
	doc *engine.Doc

	// The lines checked go to asm in order (assembled): a batch checked
	// before the ones above it waits in ready. size is the message's
	// length, and cut how much of it the lines in take, for the number of
	// rows to expect.
	asmMu     sync.Mutex
	asm       engine.Assembler
	ready     map[int][]*engine.Line
	asmNext   int
	size, cut int

	headLeft atomic.Int64 // lines of the first batch not checked yet
	headMu   sync.Mutex
	headOver bool // the first rows' findings were published, or will not be
	// headShown is set when the first rows' findings were published; read
	// it once done is closed.
	headShown bool
	done      chan struct{}
}

// headDelay is how long after a didOpen starts to arrive the findings of
// the rows checked by then are published, if the first batch takes
// longer: on a slow machine or pipe, the top of the file shows its
// findings within a fraction of a second all the same.
const headDelay = 200 * time.Millisecond

// receive starts checking the lines of a didOpen of size bytes as they
// arrive.
func (s *Server) receive(h frame.OpenHead, arrived time.Time, size int) *incoming {
	path := uriPath(h.URI)
	st, err := s.cfg.settingsFor(path)
	if err != nil {
		s.log.Warningf("%s: %v", h.URI, err)
	}
	in := &incoming{s: s, head: h, path: path, arrived: arrived, settings: st, done: make(chan struct{}), ready: map[int][]*engine.Line{}, size: size}
	in.wake = sync.NewCond(&in.mu)
	// Without its uri (given after the text), the document's first
	// findings wait for the rest of the message.
	in.headOver = h.URI == ""
	// Hover counts tokens; load the vocabulary while the text arrives
	// rather than on the first hover.
	s.goSafe("tokenizer", func() { st.Tokens() })
	in.headLeft.Store(firstBatch)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		s.goSafe("check "+h.URI+" as it arrives", func() {
			defer wg.Done()
			in.checker()
		})
	}
	timer := time.AfterFunc(headDelay, in.publishHead)
	go func() {
		wg.Wait()
		timer.Stop()
		in.headMu.Lock()
		in.headOver = true
		in.headMu.Unlock()
		close(in.done)
	}()
	return in
}

// read reads the rest of the body (filled bytes of n are in) and returns
// the didOpen's params, with the document's lines.
func (in *incoming) read(r io.Reader, body []byte, filled int) (didOpenParams, error) {
	dec := jsonpos.NewStringDecoder(in.head.TextAt)
	lineStart, textEnd := in.head.TextAt, 0
	for {
		decoded, done, err := dec.Decode(body[:filled], filled == len(body))
		if err != nil {
			_, rerr := io.ReadFull(r, body[filled:])
			if rerr != nil {
				return didOpenParams{}, rerr
			}
			return didOpenParams{}, &paramsError{fmt.Errorf("textDocument.text: %w", err)}
		}
		lines, used := completeLines(body[lineStart:decoded])
		lineStart += used
		in.add(lines, nil, lineStart)
		if done {
			in.add(nil, engine.NewLine(body[lineStart:decoded:decoded]), decoded)
			textEnd = decoded
			break
		}
		m, err := r.Read(body[filled:])
		filled += m
		if err != nil && filled < len(body) {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return didOpenParams{}, err
		}
	}
	if _, err := io.ReadFull(r, body[filled:]); err != nil {
		return didOpenParams{}, err
	}
	// The message without its text, for the fields that may follow the
	// text and to validate the rest of it.
	end := dec.End()
	rest := make([]byte, 0, in.head.TextAt+len(body)-end+1)
	rest = append(append(rest, body[:in.head.TextAt]...), body[end-1:]...)
	// Between the decoded text and the message's end lies what decoding
	// the escapes freed; the lines reach no further than the text.
	frame.Discard(body[textEnd : end-1])
	var parser jsonpos.Parser
	root, err := parser.Parse(rest)
	if err != nil {
		return didOpenParams{}, &paramsError{err}
	}
	if root.Get("id").Exists() || !root.Get("method").StrEqual("textDocument/didOpen") {
		return didOpenParams{}, &paramsError{errors.New("not a didOpen notification")}
	}
	p, err := didOpenFrom(root.Get("params"))
	if err != nil {
		return didOpenParams{}, err
	}
	in.mu.Lock()
	p.lines = in.lines
	in.mu.Unlock()
	p.streamed = in
	p.arrived = in.arrived
	return p, nil
}

// completeLines cuts text after every "\n" and returns the complete
// lines and the bytes they take.
func completeLines(text []byte) ([]*engine.Line, int) {
	var out []*engine.Line
	used := 0
	for {
		i := bytes.IndexByte(text[used:], '\n')
		if i < 0 {
			return out, used
		}
		end := used + i + 1
		out = append(out, engine.NewLine(text[used:end:end]))
		used = end
	}
}

// add appends lines, which take the message up to byte cut; last, when
// set, is the document's last line (the text after its last newline,
// possibly empty) and completes it.
func (in *incoming) add(lines []*engine.Line, last *engine.Line, cut int) {
	if len(lines) == 0 && last == nil {
		return
	}
	in.mu.Lock()
	in.cut = cut
	in.lines = append(in.lines, lines...)
	if last != nil {
		in.lines = append(in.lines, last)
		in.complete = true
	}
	in.mu.Unlock()
	in.wake.Broadcast()
}

// abort stops the checkers of a message that will not open a document,
// and takes back the findings published for it.
func (in *incoming) abort() {
	in.mu.Lock()
	in.aborted = true
	in.mu.Unlock()
	in.wake.Broadcast()
	<-in.done
	if in.headShown && in.s.docs.get(in.head.URI) == nil {
		in.s.notifyDirect("textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{URI: in.head.URI, Diagnostics: []protocol.Diagnostic{}})
	}
}
