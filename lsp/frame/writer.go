package frame

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// Writer writes whole frames to an output, one frame at a time, whichever
// goroutine sends them.
type Writer struct {
	mu sync.Mutex
	w  io.Writer
}

// NewWriter returns a Writer of frames to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes one frame: its header, then its body.
func (f *Writer) Write(header, body []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.w.Write(header); err != nil {
		return err
	}
	_, err := f.w.Write(body)
	return err
}

// Relay copies the frames of r, whole, until r ends.
func (f *Writer) Relay(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		header, n, err := ReadHeader(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		body, err := ReadBody(br, n)
		if err != nil {
			return err
		}
		if err := f.Write(header, body); err != nil {
			return fmt.Errorf("writing: %w", err)
		}
	}
}

// Notify writes a notification, its params encoded once. jsonrpc2 v0.2.0
// encodes a notification's params, then the message around them, and
// encoding/json validates the inner JSON again at each level: for the
// diagnostics of 100,000 rows, most of an edit's time.
func (f *Writer) Notify(method string, params any) error {
	if a, ok := params.(Appender); ok {
		return f.notifyAppended(method, a)
	}
	buf := bodies.Get().(*bytes.Buffer)
	defer bodies.Put(buf)
	buf.Reset()
	err := json.NewEncoder(buf).Encode(struct {
		JSONRPC string `json:"jsonrpc"`
		Method  string `json:"method"`
		Params  any    `json:"params"`
	}{"2.0", method, params})
	if err != nil {
		return err
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}) // Encode ends the value with one
	return f.Write(Header(len(body)), body)
}

// Appender is params that encode themselves as encoding/json would,
// faster: the diagnostics of a whole document.
type Appender interface {
	AppendJSON([]byte) []byte
	SizeHint() int
}

// notifyAppended writes a notification whose params encode themselves,
// into a buffer sized once, in the field order of Notify's envelope.
func (f *Writer) notifyAppended(method string, params Appender) error {
	m, err := json.Marshal(method)
	if err != nil {
		return err
	}
	n := params.SizeHint() + len(m) + 64
	slab := slabs.Get().(*[]byte)
	defer slabs.Put(slab)
	if cap(*slab) < n {
		*slab = make([]byte, 0, n)
	}
	body := append((*slab)[:0], `{"jsonrpc":"2.0","method":`...)
	body = append(body, m...)
	body = append(body, `,"params":`...)
	body = params.AppendJSON(body)
	body = append(body, '}')
	*slab = body[:0]
	return f.Write(Header(len(body)), body)
}

// slabs recycles the buffers of notifyAppended, as bodies does those of
// Notify: a fresh buffer of megabytes is cleared before it is written.
var slabs = sync.Pool{New: func() any { return new([]byte) }}

// ReplyError answers the request id with a JSON-RPC error.
func (f *Writer) ReplyError(id json.RawMessage, code int, message string) error {
	type rpcError struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	body, err := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   rpcError        `json:"error"`
	}{"2.0", id, rpcError{code, message}})
	if err != nil {
		return err
	}
	return f.Write(Header(len(body)), body)
}

// Header returns the header of a frame whose body is n bytes long.
func Header(n int) []byte { return fmt.Appendf(nil, "Content-Length: %d\r\n\r\n", n) }

// bodies recycles the buffers notifications are encoded in: the
// diagnostics of 100,000 rows take most of a megabyte, sent after every
// edit, and fresh buffers had the garbage collector run twice as often
// while typing.
var bodies = sync.Pool{New: func() any { return new(bytes.Buffer) }}
