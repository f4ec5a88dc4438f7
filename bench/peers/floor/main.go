// Command floor is the "bare validating Go parse" baseline for the ftls
// benchmark: the least work any JSONL checker must do.
//
//	floor FILE                      validate every line with fastjson on all cores
//	floor -mode walk FILE           parse every line with fastjson on all cores and
//	                                visit every value, decoding strings (the
//	                                "validating fastjson walk" of issue 2's figures)
//	floor -mode read FILE           only read the file and count newlines (I/O floor)
//	floor -mode filter -o OUT FILE  copy the valid, non-blank lines to OUT
//	                                (used to give jq a file it can read to the end)
//
// It prints one line of counts to stdout.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"

	"github.com/valyala/fastjson"
)

var chunkSize = 512 << 10 // small enough to stay in cache; larger chunks were slower here

func main() {
	mode := flag.String("mode", "validate", "validate | walk | read | filter")
	out := flag.String("o", "", "output file for -mode filter")
	flag.IntVar(&chunkSize, "chunk", chunkSize, "read size in bytes")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: floor [-mode validate|read|filter] [-o OUT] FILE")
		os.Exit(2)
	}
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fatal(err)
	}
	defer f.Close()
	switch *mode {
	case "read":
		err = readOnly(f)
	case "validate":
		err = validate(f, runtime.GOMAXPROCS(0), func() func([]byte) bool {
			return func(line []byte) bool { return fastjson.ValidateBytes(line) == nil }
		})
	case "walk":
		err = validate(f, runtime.GOMAXPROCS(0), func() func([]byte) bool {
			var p fastjson.Parser
			return func(line []byte) bool {
				v, err := p.ParseBytes(line)
				if err != nil {
					return false
				}
				walk(v)
				return true
			}
		})
	case "filter":
		if *out == "" {
			fatal(errors.New("-mode filter needs -o"))
		}
		err = filter(f, *out)
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "floor:", err)
	os.Exit(2)
}

// readOnly reads the whole file in large chunks and counts newlines.
func readOnly(f *os.File) error {
	buf := make([]byte, chunkSize)
	var lines, total int64
	for {
		n, err := f.Read(buf)
		lines += int64(bytes.Count(buf[:n], []byte{'\n'}))
		total += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	fmt.Printf("bytes=%d newlines=%d\n", total, lines)
	return nil
}

type tally struct{ lines, valid, invalid, blank int64 }

func (t *tally) add(o tally) {
	t.lines += o.lines
	t.valid += o.valid
	t.invalid += o.invalid
	t.blank += o.blank
}

// isBlank reports whether line holds only JSON whitespace.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// validate reads chunks of whole lines on one goroutine and validates them
// with fastjson.ValidateBytes on `workers` goroutines.
// walk visits every value under v, decoding strings and object keys as a
// checker that looks at the content must.
func walk(v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeObject:
		o, _ := v.Object()
		o.Visit(func(k []byte, v *fastjson.Value) { walk(v) })
	case fastjson.TypeArray:
		a, _ := v.Array()
		for _, e := range a {
			walk(e)
		}
	case fastjson.TypeString:
		_, _ = v.StringBytes()
	}
}

// validate checks every line of f on workers goroutines, each with the line
// check that newCheck returns for it.
func validate(f *os.File, workers int, newCheck func() func([]byte) bool) error {
	free := make(chan []byte, 2*workers+2)
	for i := 0; i < cap(free); i++ {
		free <- make([]byte, chunkSize)
	}
	work := make(chan []byte, cap(free))
	results := make(chan tally, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			check := newCheck()
			var t tally
			for chunk := range work {
				rest := chunk
				for len(rest) > 0 {
					i := bytes.IndexByte(rest, '\n')
					var line []byte
					if i < 0 {
						line, rest = rest, nil
					} else {
						line, rest = rest[:i], rest[i+1:]
					}
					t.lines++
					switch {
					case isBlank(line):
						t.blank++
					case check(line):
						t.valid++
					default:
						t.invalid++
					}
				}
				free <- chunk[:cap(chunk)]
			}
			results <- t
		}()
	}

	var carry []byte
	var readErr error
	for {
		buf := <-free
		if len(carry) >= len(buf)/2 { // a very long line: grow
			buf = make([]byte, 2*len(carry)+chunkSize)
		}
		n := copy(buf, carry)
		eof := false
		for n < len(buf) {
			m, err := f.Read(buf[n:])
			n += m
			if err == io.EOF {
				eof = true
				break
			}
			if err != nil {
				readErr = err
				eof = true
				break
			}
		}
		data := buf[:n]
		if eof {
			carry = carry[:0]
			if len(data) > 0 {
				work <- data
			} else {
				free <- buf
			}
			break
		}
		last := bytes.LastIndexByte(data, '\n')
		if last < 0 { // no newline in a full buffer: keep everything, read more
			carry = append(carry[:0], data...)
			free <- buf
			continue
		}
		carry = append(carry[:0], data[last+1:]...)
		work <- data[:last+1]
	}
	close(work)
	wg.Wait()
	close(results)
	var t tally
	for r := range results {
		t.add(r)
	}
	if readErr != nil {
		return readErr
	}
	fmt.Printf("lines=%d valid=%d invalid=%d blank=%d workers=%d\n", t.lines, t.valid, t.invalid, t.blank, workers)
	return nil
}

// filter copies valid, non-blank lines to out, in order.
func filter(f *os.File, out string) error {
	o, err := os.Create(out)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(o, 4<<20)
	r := bufio.NewReaderSize(f, chunkSize)
	var t tally
	var long []byte
	for {
		line, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, line...)
			continue
		}
		if len(long) > 0 {
			line = append(long, line...)
			long = long[:0]
		}
		if len(line) > 0 {
			t.lines++
			body := bytes.TrimSuffix(line, []byte{'\n'})
			switch {
			case isBlank(body):
				t.blank++
			case fastjson.ValidateBytes(body) == nil:
				t.valid++
				if _, werr := w.Write(body); werr != nil {
					return werr
				}
				if werr := w.WriteByte('\n'); werr != nil {
					return werr
				}
			default:
				t.invalid++
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if err := o.Close(); err != nil {
		return err
	}
	fmt.Printf("lines=%d kept=%d dropped_invalid=%d dropped_blank=%d\n", t.lines, t.valid, t.invalid, t.blank)
	return nil
}
