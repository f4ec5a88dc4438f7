// Package frame reads and writes the frames of the Language Server
// Protocol's base protocol (a Content-Length header, then a JSON body),
// and tells apart the bodies that glsp's JSON-RPC layer (jsonrpc2 v0.2.0)
// would choke on. The server reads its standard input and writes its
// standard output through it, ahead of and around glsp, so that a
// malformed or huge message never ends the session and large messages are
// decoded and encoded only once.
package frame

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxFrame is the largest message body the server accepts: the largest
// text the positional parser takes (offsets are 32 bits), so a 2.3 GB
// dataset of a million rows can be opened. A larger Content-Length is
// refused before anything is allocated, and a body's full length is
// allocated only once its first MiB has arrived (readBody): a hostile or
// broken header (Content-Length: 100000000000) would otherwise make the
// pump allocate that much and the runtime abort the process.
const MaxSize = 1<<32 - 1

// errFrameTooLarge is returned by readHeader for a body over maxFrame.
var ErrTooLarge = errors.New("Content-Length over the 4 GiB limit")

// readBody reads a body of n bytes. The first MiB is read into a buffer of
// its own, and the whole length is allocated only once that much has
// arrived, so a Content-Length that the client never sends costs at most
// a MiB.
func ReadBody(r io.Reader, n int) ([]byte, error) {
	body, filled, err := StartBody(r, n)
	if err != nil {
		return nil, err
	}
	_, err = io.ReadFull(r, body[filled:])
	return body, err
}

// startBody allocates a body of n bytes and reads its first MiB (all of
// it, if shorter) as readBody does; filled is how many bytes are in.
func StartBody(r io.Reader, n int) (body []byte, filled int, err error) {
	const probe = 1 << 20
	if n <= probe {
		body = make([]byte, n)
		_, err = io.ReadFull(r, body)
		return body, n, err
	}
	head := make([]byte, probe)
	if _, err := io.ReadFull(r, head); err != nil {
		return nil, 0, err
	}
	body = make([]byte, n)
	// Not copy(body, head): the compiler fuses that with the make into one
	// call that clears the whole body at once, and for hundreds of
	// megabytes (every page faulted in) the goroutine could not be paused
	// for most of a second: the garbage collector, which the allocation
	// starts, waited for it, and every other goroutine for the collector.
	// make alone takes memory the system has already cleared.
	copy(body[:probe], head)
	return body, probe, nil
}

// JSON-RPC error codes the pump answers with itself: glsp v0.2.2 turns
// every handler error into -32600, and never sees the messages below.
const (
	CodeParseError           = -32700 // the body is not JSON
	CodeInvalidRequest       = -32600 // JSON, but not a request
	CodeServerNotInitialized = -32002 // LSP: a request before initialize
)

// frameError is why decodable refuses a body, with the error code and the
// id to answer to, when one could be read.
type Error struct {
	err  error
	Code int
	ID   json.RawMessage // nil: nobody to answer
}

func (e *Error) Error() string { return e.err.Error() }
func (e *Error) Unwrap() error { return e.err }

// frameMsg is what the pump reads of a message it passes on.
type Msg struct {
	ID     json.RawMessage // nil for a notification or a response
	Method string
}

// request reports whether the message is a request: a method and an id.
func (m Msg) Request() bool { return m.ID != nil && m.Method != "" }

// decodable reports whether jsonrpc2 v0.2.0, under glsp, can read body as
// one message. jsonrpc2 closes the connection, and so ends the server, on
// the first body it cannot decode: invalid JSON, JSON nested deeper than
// encoding/json's limit, anything but an object (a batch), a method that
// is not a string, an id that is neither a number nor a string, or an
// object that is neither a request nor a response. The pump drops such a
// frame with a log line instead, and answers it when it can tell whom to
// (the *frameError's id): with -32700 for a body that is not JSON, whose
// id is read up to the syntax error (recoverID), and -32600 for JSON that
// is not a valid request but has a valid id.
func Check(body []byte) (Msg, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return Msg{}, &Error{err: err, Code: CodeInvalidRequest} // a batch, a bare value
		}
		return Msg{}, &Error{err: err, Code: CodeParseError, ID: recoverID(body)}
	}
	var msg Msg
	if raw, ok := m["id"]; ok && string(raw) != "null" {
		if !validID(raw) {
			return msg, &Error{err: fmt.Errorf("id %.40s is neither a number nor a string", raw), Code: CodeInvalidRequest}
		}
		msg.ID = raw
	}
	_, result := m["result"]
	_, rerr := m["error"]
	invalid := func(err error) (Msg, error) {
		fe := &Error{err: err, Code: CodeInvalidRequest}
		if !result && !rerr {
			fe.ID = msg.ID // not a response of the client's
		}
		return Msg{}, fe
	}
	if raw, ok := m["method"]; ok {
		if err := json.Unmarshal(raw, &msg.Method); err != nil {
			return invalid(fmt.Errorf("method %.40s is not a string", raw))
		}
		if result || rerr {
			return Msg{}, &Error{err: errors.New("both a request and a response"), Code: CodeInvalidRequest}
		}
		return msg, nil
	}
	if result || rerr {
		return Msg{ID: msg.ID}, nil
	}
	return invalid(errors.New("neither a request nor a response"))
}

// validID reports whether raw is an id jsonrpc2 v0.2.0 decodes: an
// unsigned integer or a string.
func validID(raw json.RawMessage) bool {
	var num uint64
	var str string
	return json.Unmarshal(raw, &num) == nil || json.Unmarshal(raw, &str) == nil
}

// recoverID reads the top-level members of a body that is not valid JSON
// up to its syntax error, and returns the id if one came before it, and
// the body is not a response (a "result" or "error" member, before or
// after the id, as far as it can be read). nil means nobody to answer.
func recoverID(body []byte) json.RawMessage {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var id json.RawMessage
	for dec.More() {
		t, err := dec.Token()
		key, ok := t.(string)
		if err != nil || !ok {
			break
		}
		if key == "result" || key == "error" {
			return nil
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			if key == "id" {
				return nil
			}
			break
		}
		if key == "id" {
			if !validID(v) {
				return nil
			}
			id = v
		}
	}
	return id
}

// readHeader reads the header of a frame, returning it verbatim and the
// body's length.
func ReadHeader(br *bufio.Reader) ([]byte, int, error) {
	var header []byte
	n := -1
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if err == io.EOF && len(header) == 0 && len(line) == 0 {
				return nil, 0, io.EOF
			}
			return nil, 0, err
		}
		header = append(header, line...)
		l := strings.TrimRight(string(line), "\r\n")
		if l == "" {
			break
		}
		if name, value, ok := strings.Cut(l, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			v, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || v < 0 {
				return nil, 0, fmt.Errorf("bad Content-Length %q", value)
			}
			if v > MaxSize {
				return nil, 0, fmt.Errorf("%w: %d", ErrTooLarge, v)
			}
			n = v
		}
	}
	if n < 0 {
		return nil, 0, errors.New("frame without Content-Length")
	}
	return header, n, nil
}
