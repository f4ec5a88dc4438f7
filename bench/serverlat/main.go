// Command serverlat measures the latencies of the real `ftls serve` as an
// editor sees them, over the server's standard input and output.
//
//	serverlat -ftls bench/out/ftls -file bench/out/data-100k.jsonl
//
// It starts the server, initializes it, sends textDocument/didOpen with
// the whole file (as VS Code does when a file is opened) and waits for its
// diagnostics; then it types: one-character edits, one after another, each
// sent when the previous one's diagnostics have arrived; then hovers.
//
// The server publishes a large document's diagnostics in steps, each
// followed by its custom ftls/checked notification (lsp/diagnostics.go):
// the first 10,000 rows (documents over 20,000 lines), then every row with
// the file rules' findings carried over (full: false), then every finding,
// exact and near duplicates, balance and formats included (full: true).
// Those steps give the first three figures below.
//
// It prints one "name value" line per figure (and, with -each, every
// edit's time to standard error):
//
//	open_send_ms       writing the didOpen message to the server's pipe
//	open_first_ms      didOpen sent -> first publishDiagnostics
//	open_rows_ms       didOpen sent -> every row checked (last publish before the full one)
//	open_full_ms       didOpen sent -> the full publish (all rules, near-duplicates included)
//	open_full_server_ms  the server's own time for the same (ftls/checked millis)
//	edit_p50_ms, edit_p99_ms, edit_max_ms
//	                   one-character didChange sent -> publishDiagnostics of that version, or
//	                   its ftls/checked saying the set published last still holds (the
//	                   server's default 5 ms debounce included, when it applies)
//	edit_server_p50_ms, edit_server_p99_ms
//	                   the server's own time for the same (the edit's arrival to its
//	                   publish, ftls/checked millis): the rest is the pipes and the
//	                   scheduling of both processes
//	edit_full_ms       the last edit sent -> its full publish (the file rules wait
//	                   for 250 ms without edits before they run again)
//	hover_p50_ms, hover_p99_ms  textDocument/hover round trip on a random row
//	rss_mb             the server's resident memory at the end (VmRSS)
//	peak_rss_mb        its peak resident memory (VmHWM)
//
// Edits insert one letter at the start of the first "content" string of a
// random well-formed row, so that the row stays valid JSON. Rows are drawn
// with a fixed seed: every run edits the same rows.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	bin := flag.String("ftls", "ftls", "the ftls binary")
	file := flag.String("file", "", "the JSONL dataset to open")
	edits := flag.Int("edits", 100, "one-character edits to time")
	hovers := flag.Int("hovers", 50, "hovers to time")
	seed := flag.Uint64("seed", 1, "seed for the rows edited and hovered")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up waiting for one answer after this long")
	logFile := flag.String("log", "", "the server's log file (ftls serve --log)")
	verbose := flag.Bool("debug", false, "run the server with --debug (a verbose log; with -log)")
	each := flag.Bool("each", false, "also print each edit's time, and how long after the full publish of the open it was sent, to standard error")
	flag.Parse()
	if *file == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: serverlat -ftls BIN -file FILE [-edits N] [-hovers N] [-seed S] [-log FILE [-debug]] [-each]")
		os.Exit(2)
	}
	if err := run(*bin, *file, *edits, *hovers, *seed, *timeout, *logFile, *verbose, *each); err != nil {
		fmt.Fprintln(os.Stderr, "serverlat:", err)
		os.Exit(1)
	}
}

type position struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

func run(bin, file string, nEdits, nHovers int, seed uint64, timeout time.Duration, logFile string, verbose, each bool) error {
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	text, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	uri := (&url.URL{Scheme: "file", Path: abs}).String()

	// Pick the rows to edit and hover before the text is handed over.
	rnd := rand.New(rand.NewPCG(seed, 2))
	lines := lineStarts(text)
	nLines := len(lines)
	editAt := make([]position, 0, nEdits)
	for tries := 0; len(editAt) < nEdits && tries < 100*nEdits+1000; tries++ {
		ln := rnd.IntN(nLines)
		if p, ok := editPoint(lineAt(text, lines, ln)); ok {
			editAt = append(editAt, position{Line: ln, Character: p})
		}
	}
	if len(editAt) < nEdits {
		return fmt.Errorf("found only %d editable rows of %d wanted", len(editAt), nEdits)
	}
	hoverAt := make([]position, 0, nHovers)
	for tries := 0; len(hoverAt) < nHovers && tries < 100*nHovers+1000; tries++ {
		ln := rnd.IntN(nLines)
		if l := lineAt(text, lines, ln); len(l) > 20 && json.Valid(l) {
			hoverAt = append(hoverAt, position{Line: ln, Character: 10})
		}
	}
	size := len(text)
	open := fmt.Appendf(make([]byte, 0, size+size/16+256),
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":%q,"languageId":"jsonl","version":1,"text":`, uri)
	open = appendJSONString(open, text)
	open = append(open, "}}}"...)
	text, lines = nil, nil
	runtime.GC()
	debug.FreeOSMemory()

	args := []string{"serve"}
	if logFile != "" {
		args = append(args, "--log", logFile)
	}
	if verbose {
		args = append(args, "--debug")
	}
	c, err := start(bin, args, timeout)
	if err != nil {
		return err
	}
	defer c.close()

	var initRes json.RawMessage
	if err := c.call("initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": nil,
		"capabilities": map[string]any{"textDocument": map[string]any{"publishDiagnostics": map[string]any{"versionSupport": true}}},
	}, &initRes); err != nil {
		return fmt.Errorf("initialize: %w", err)
	}
	if err := c.notify("initialized", map[string]any{}); err != nil {
		return err
	}

	// Open.
	t0 := time.Now()
	if err := c.writeRaw(open); err != nil {
		return fmt.Errorf("didOpen: %w", err)
	}
	sent := time.Since(t0)
	open = nil
	runtime.GC()
	debug.FreeOSMemory()
	first, err := c.waitPublish(1)
	if err != nil {
		return fmt.Errorf("first diagnostics: %w", err)
	}
	full, err := c.waitFull(1)
	if err != nil {
		return fmt.Errorf("full diagnostics: %w", err)
	}
	rowsAt, fullChecked := c.openSteps(1)
	if rowsAt.IsZero() {
		rowsAt = full.at
	}

	// Type.
	version := int32(1)
	editDur := make([]time.Duration, 0, nEdits)
	var lastEdit time.Time
	for _, at := range editAt {
		version++
		start := time.Now()
		if err := c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": uri, "version": version},
			"contentChanges": []any{map[string]any{"range": lspRange{Start: at, End: at}, "text": "a"}},
		}); err != nil {
			return err
		}
		p, err := c.waitPublish(version)
		if err != nil {
			return fmt.Errorf("diagnostics of edit %d: %w", version-1, err)
		}
		editDur = append(editDur, p.at.Sub(start))
		if each {
			// Slow edits come in runs: a collection marking the heap, the
			// opening's memory being returned.
			fmt.Fprintf(os.Stderr, "edit %d: %s ms, sent %s ms after the open's full publish\n",
				version-1, msStr(p.at.Sub(start)), msStr(start.Sub(full.at)))
		}
		lastEdit = start
	}
	editServer := c.rowsMillis(2, version)
	var editFull time.Duration
	if nEdits > 0 {
		f, err := c.waitFull(version)
		if err != nil {
			return fmt.Errorf("full diagnostics after the edits: %w", err)
		}
		editFull = f.at.Sub(lastEdit)
	}

	// Hover.
	hoverDur := make([]time.Duration, 0, nHovers)
	for _, at := range hoverAt {
		start := time.Now()
		var h json.RawMessage
		if err := c.call("textDocument/hover", map[string]any{
			"textDocument": map[string]any{"uri": uri}, "position": at,
		}, &h); err != nil {
			return fmt.Errorf("hover: %w", err)
		}
		hoverDur = append(hoverDur, time.Since(start))
		if each {
			fmt.Fprintf(os.Stderr, "hover %d: %s ms, line %d\n", len(hoverDur), msStr(time.Since(start)), at.Line+1)
		}
		if len(h) < 10 {
			return fmt.Errorf("hover on line %d: empty answer %s", at.Line, h)
		}
	}
	rss, hwm := memKB(c.cmd.Process.Pid)

	out := []struct {
		k string
		v string
	}{
		{"file", abs},
		{"bytes", strconv.Itoa(size)},
		{"lines", strconv.Itoa(nLines)},
		{"open_send_ms", msStr(sent)},
		{"open_first_ms", msStr(first.at.Sub(t0))},
		{"open_rows_ms", msStr(rowsAt.Sub(t0))},
		{"open_full_ms", msStr(full.at.Sub(t0))},
		{"open_full_server_ms", fmt.Sprintf("%.1f", fullChecked.Millis)},
		{"open_full_diagnostics", strconv.Itoa(fullChecked.Diagnostics)},
		{"edits", strconv.Itoa(len(editDur))},
		{"edit_p50_ms", msStr(percentile(editDur, 0.50))},
		{"edit_p99_ms", msStr(percentile(editDur, 0.99))},
		{"edit_max_ms", msStr(percentile(editDur, 1))},
		{"edit_server_p50_ms", msStr(percentile(editServer, 0.50))},
		{"edit_server_p99_ms", msStr(percentile(editServer, 0.99))},
		{"edit_full_ms", msStr(editFull)},
		{"hovers", strconv.Itoa(len(hoverDur))},
		{"hover_p50_ms", msStr(percentile(hoverDur, 0.50))},
		{"hover_p99_ms", msStr(percentile(hoverDur, 0.99))},
		{"rss_mb", fmt.Sprintf("%.1f", float64(rss)*1024/1e6)},
		{"peak_rss_mb", fmt.Sprintf("%.1f", float64(hwm)*1024/1e6)},
	}
	for _, kv := range out {
		fmt.Printf("%s %s\n", kv.k, kv.v)
	}
	return c.shutdown()
}

func msStr(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }

// percentile returns the p-quantile (nearest rank) of ds; 1 is the maximum.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// lineStarts returns the offset of every line's first byte.
func lineStarts(text []byte) []int {
	starts := []int{0}
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 || i+j+1 >= len(text) {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return starts
}

func lineAt(text []byte, starts []int, ln int) []byte {
	end := len(text)
	if ln+1 < len(starts) {
		end = starts[ln+1] - 1
	}
	l := bytes.TrimSuffix(text[starts[ln]:end], []byte("\n")) // the last line's newline
	return bytes.TrimSuffix(l, []byte("\r"))
}

// editPoint returns the UTF-16 column of the start of the first "content"
// string of a well-formed row whose text before it is ASCII.
func editPoint(line []byte) (int, bool) {
	if !json.Valid(line) {
		return 0, false
	}
	const key = `"content":"`
	i := bytes.Index(line, []byte(key))
	if i < 0 {
		return 0, false
	}
	i += len(key)
	for _, b := range line[:i] {
		if b >= 0x80 {
			return 0, false
		}
	}
	return i, true
}

// appendJSONString appends s as a JSON string.
func appendJSONString(dst, s []byte) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	last := 0
	for i, b := range s {
		if b >= 0x20 && b != '"' && b != '\\' {
			continue
		}
		dst = append(dst, s[last:i]...)
		switch b {
		case '"', '\\':
			dst = append(dst, '\\', b)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&15])
		}
		last = i + 1
	}
	dst = append(dst, s[last:]...)
	return append(dst, '"')
}

// memKB reads a process's resident memory and its peak (VmRSS, VmHWM).
func memKB(pid int) (rss, hwm int) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rss, _ = strconv.Atoi(f[1])
		case "VmHWM:":
			hwm, _ = strconv.Atoi(f[1])
		}
	}
	return rss, hwm
}

// ---------------------------------------------------------------- client

// client speaks JSON-RPC 2.0 with LSP's Content-Length framing to one
// `ftls serve` process.
type client struct {
	cmd     *exec.Cmd
	in      io.WriteCloser
	wmu     sync.Mutex
	w       *bufio.Writer
	timeout time.Duration
	done    chan struct{}
	stderr  *tailBuffer

	mu       sync.Mutex
	changed  *sync.Cond
	nextID   int
	pending  map[int]chan *message
	publish  map[int32]event // first publishDiagnostics per version
	checked  []checked       // every ftls/checked, in order
	readErr  error
	exitCode int
}

type event struct{ at time.Time }

type checked struct {
	at time.Time
	checkedParams
}

type checkedParams struct {
	URI         string  `json:"uri"`
	Version     int32   `json:"version"`
	Full        bool    `json:"full"`
	Unchanged   bool    `json:"unchanged"`
	Rows        int     `json:"rows"`
	Diagnostics int     `json:"diagnostics"`
	Millis      float64 `json:"millis"`
}

type message struct {
	ID     json.RawMessage `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// tailBuffer keeps the last 64 KB of the server's standard error.
type tailBuffer struct {
	mu sync.Mutex
	b  []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 64<<10 {
		t.b = append([]byte(nil), t.b[len(t.b)-32<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

func start(bin string, args []string, timeout time.Duration) (*client, error) {
	cmd := exec.Command(bin, args...)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	c := &client{
		cmd: cmd, in: in, w: bufio.NewWriterSize(in, 1<<20), timeout: timeout,
		done: make(chan struct{}), stderr: &tailBuffer{},
		pending: map[int]chan *message{}, publish: map[int32]event{},
	}
	c.changed = sync.NewCond(&c.mu)
	cmd.Stderr = c.stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	go c.read(bufio.NewReaderSize(out, 1<<20))
	go func() {
		cmd.Wait()
		c.mu.Lock()
		c.exitCode = cmd.ProcessState.ExitCode()
		c.mu.Unlock()
		close(c.done)
	}()
	return c, nil
}

// read dispatches the server's messages until its output closes.
func (c *client) read(r *bufio.Reader) {
	err := func() error {
		for {
			n := -1
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					return err
				}
				line = strings.TrimRight(line, "\r\n")
				if line == "" {
					break
				}
				if k, v, ok := strings.Cut(line, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "Content-Length") {
					if n, err = strconv.Atoi(strings.TrimSpace(v)); err != nil {
						return fmt.Errorf("bad header %q", line)
					}
				}
			}
			if n < 0 {
				return errors.New("message without Content-Length")
			}
			body := make([]byte, n)
			if _, err := io.ReadFull(r, body); err != nil {
				return err
			}
			now := time.Now()
			var m message
			if err := json.Unmarshal(body, &m); err != nil {
				return fmt.Errorf("bad message: %v", err)
			}
			c.dispatch(now, &m)
		}
	}()
	c.mu.Lock()
	c.readErr = err
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
	c.changed.Broadcast()
	c.mu.Unlock()
}

func (c *client) dispatch(now time.Time, m *message) {
	switch {
	case m.Method != "" && len(m.ID) > 0:
		// A request from the server: answer as a plain editor would.
		var result any
		switch m.Method {
		case "workspace/configuration":
			var p struct {
				Items []json.RawMessage `json:"items"`
			}
			json.Unmarshal(m.Params, &p)
			result = make([]any, len(p.Items))
		case "workspace/applyEdit":
			result = map[string]bool{"applied": false}
		}
		go c.write(map[string]any{"jsonrpc": "2.0", "id": m.ID, "result": result})
	case m.Method == "textDocument/publishDiagnostics":
		var p struct {
			Version *int32 `json:"version"`
		}
		json.Unmarshal(m.Params, &p)
		if p.Version != nil {
			c.mu.Lock()
			if _, ok := c.publish[*p.Version]; !ok {
				c.publish[*p.Version] = event{at: now}
			}
			c.changed.Broadcast()
			c.mu.Unlock()
		}
	case m.Method == "ftls/checked":
		var p checkedParams
		json.Unmarshal(m.Params, &p)
		c.mu.Lock()
		c.checked = append(c.checked, checked{at: now, checkedParams: p})
		// A version whose findings are those published last gets no
		// publishDiagnostics: the editor is up to date from here.
		if _, ok := c.publish[p.Version]; p.Unchanged && !ok {
			c.publish[p.Version] = event{at: now}
		}
		c.changed.Broadcast()
		c.mu.Unlock()
	case m.Method != "":
		// Other notifications (logs, progress, messages) are not timed.
	default:
		id, err := strconv.Atoi(string(m.ID))
		if err != nil {
			return
		}
		c.mu.Lock()
		ch := c.pending[id]
		delete(c.pending, id)
		c.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
}

func (c *client) write(v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.writeRaw(body)
}

func (c *client) writeRaw(body []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if _, err := fmt.Fprintf(c.w, "Content-Length: %d\r\n\r\n", len(body)); err != nil {
		return err
	}
	if len(body) > c.w.Available() {
		if err := c.w.Flush(); err != nil {
			return err
		}
		if _, err := c.in.Write(body); err != nil {
			return err
		}
		return nil
	}
	if _, err := c.w.Write(body); err != nil {
		return err
	}
	return c.w.Flush()
}

func (c *client) notify(method string, params any) error {
	return c.write(map[string]any{"jsonrpc": "2.0", "method": method, "params": params})
}

func (c *client) call(method string, params, result any) error {
	ch := make(chan *message, 1)
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	if err := c.write(map[string]any{"jsonrpc": "2.0", "id": id, "method": method, "params": params}); err != nil {
		return err
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return c.gone()
		}
		if m.Error != nil {
			return fmt.Errorf("%s: error %d: %s", method, m.Error.Code, m.Error.Message)
		}
		if result != nil && len(m.Result) > 0 {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-time.After(c.timeout):
		return fmt.Errorf("%s: no answer in %v", method, c.timeout)
	}
}

// gone describes why the server stopped answering; c.mu is not held.
func (c *client) gone() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Errorf("the server closed its output (%v); its log ends:\n%s", c.readErr, tailString(c.stderr.String(), 4000))
}

func tailString(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// waitUntil waits for cond (called with c.mu held) or the timeout.
func (c *client) waitUntil(what string, cond func() bool) error {
	deadline := time.Now().Add(c.timeout)
	timer := time.AfterFunc(c.timeout, func() {
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	for !cond() {
		if c.readErr != nil {
			c.mu.Unlock()
			return c.gone()
		}
		if time.Now().After(deadline) {
			c.mu.Unlock()
			return fmt.Errorf("timed out after %v waiting for %s", c.timeout, what)
		}
		c.changed.Wait()
	}
	c.mu.Unlock()
	return nil
}

func (c *client) waitPublish(v int32) (event, error) {
	var e event
	err := c.waitUntil(fmt.Sprintf("diagnostics of version %d", v), func() bool {
		var ok bool
		e, ok = c.publish[v]
		return ok
	})
	return e, err
}

func (c *client) waitFull(v int32) (checked, error) {
	var f checked
	err := c.waitUntil(fmt.Sprintf("full diagnostics of version %d", v), func() bool {
		for _, ch := range c.checked {
			if ch.Version == v && ch.Full {
				f = ch
				return true
			}
		}
		return false
	})
	return f, err
}

// openSteps returns when the last publish of version v before its full
// one arrived (every row checked), and the full one's ftls/checked.
func (c *client) openSteps(v int32) (rows time.Time, full checkedParams) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, ch := range c.checked {
		if ch.Version != v {
			continue
		}
		if ch.Full {
			full = ch.checkedParams
			break
		}
		rows = ch.at
	}
	return rows, full
}

// rowsMillis returns the server's own time to the first publish of each
// version from first to last.
func (c *client) rowsMillis(first, last int32) []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := map[int32]bool{}
	var out []time.Duration
	for _, ch := range c.checked {
		if ch.Version < first || ch.Version > last || ch.Full || seen[ch.Version] {
			continue
		}
		seen[ch.Version] = true
		out = append(out, time.Duration(ch.Millis*float64(time.Millisecond)))
	}
	return out
}

func (c *client) shutdown() error {
	if err := c.call("shutdown", nil, nil); err != nil {
		return err
	}
	c.notify("exit", nil)
	c.in.Close()
	select {
	case <-c.done:
		return nil
	case <-time.After(30 * time.Second):
		return errors.New("the server did not exit after shutdown")
	}
}

// close ends the server if it is still running.
func (c *client) close() {
	c.in.Close()
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}
