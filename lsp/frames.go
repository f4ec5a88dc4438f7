package lsp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxFrame is the largest message body the server accepts: the largest
// text the positional parser takes (offsets are 32 bits), so a 2.3 GB
// dataset of a million rows can be opened. A larger Content-Length is
// refused before anything is allocated, and a body's full length is
// allocated only once its first MiB has arrived (readBody): a hostile or
// broken header (Content-Length: 100000000000) would otherwise make the
// pump allocate that much and the runtime abort the process.
const maxFrame = 1<<32 - 1

// errFrameTooLarge is returned by readHeader for a body over maxFrame.
var errFrameTooLarge = errors.New("Content-Length over the 4 GiB limit")

// readBody reads a body of n bytes. The first MiB is read into a buffer of
// its own, and the whole length is allocated only once that much has
// arrived, so a Content-Length that the client never sends costs at most
// a MiB.
func readBody(r io.Reader, n int) ([]byte, error) {
	body, filled, err := startBody(r, n)
	if err != nil {
		return nil, err
	}
	_, err = io.ReadFull(r, body[filled:])
	return body, err
}

// startBody allocates a body of n bytes and reads its first MiB (all of
// it, if shorter) as readBody does; filled is how many bytes are in.
func startBody(r io.Reader, n int) (body []byte, filled int, err error) {
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

// decodable reports whether jsonrpc2 v0.2.0, under glsp, can read body as
// one message. jsonrpc2 closes the connection, and so ends the server, on
// the first body it cannot decode: invalid JSON, JSON nested deeper than
// encoding/json's limit, anything but an object (a batch), a method that
// is not a string, an id that is neither a number nor a string, or an
// object that is neither a request nor a response. The pump drops such a
// frame with a log line instead; its id, if any, cannot be trusted, so no
// error response can be addressed to it.
func decodable(body []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return err
	}
	if raw, ok := m["id"]; ok && string(raw) != "null" {
		var num uint64
		var str string
		if json.Unmarshal(raw, &num) != nil && json.Unmarshal(raw, &str) != nil {
			return fmt.Errorf("id %.40s is neither a number nor a string", raw)
		}
	}
	if raw, ok := m["method"]; ok {
		var method string
		if err := json.Unmarshal(raw, &method); err != nil {
			return fmt.Errorf("method %.40s is not a string", raw)
		}
		_, result := m["result"]
		_, rerr := m["error"]
		if result || rerr {
			return errors.New("both a request and a response")
		}
		return nil
	}
	if _, ok := m["result"]; ok {
		return nil
	}
	if _, ok := m["error"]; ok {
		return nil
	}
	return errors.New("neither a request nor a response")
}
