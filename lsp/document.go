package lsp

import (
	"bytes"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ftls-dev/ftls/plan"
	"github.com/ftls-dev/ftls/textpos"
)

// docKind tells datasets from plan files.
type docKind uint8

const (
	kindOther docKind = iota
	kindDataset
	kindPlan
)

// kindOf decides what a document is from its language id and path:
// `*.plan.yaml` files are plans; `jsonl` documents and any document whose
// path ends in .jsonl or .ndjson are datasets.
func kindOf(uri, languageID string) docKind {
	p := strings.ToLower(uriPath(uri))
	if p == "" {
		p = strings.ToLower(uri)
	}
	switch {
	case plan.IsPath(p):
		return kindPlan
	case languageID == "jsonl" || strings.HasSuffix(p, ".jsonl") || strings.HasSuffix(p, ".ndjson"):
		return kindDataset
	}
	return kindOther
}

// line is one line of a document with its terminator ("\n" or "\r\n"; the
// last line has none). Lines are immutable and shared between the versions
// of a document, so the row check cached on a line survives every edit
// that does not touch it.
type line struct {
	text []byte
	// closes is set when the line's first byte that is not blank is "}"
	// or "]": the line may end a value that earlier lines opened (see
	// needsEngine).
	closes bool
	res    atomic.Pointer[rowResult]
	// idx and gen are the line's index in the snapshot its document's
	// checker assembled last (gen); only that goroutine reads and writes
	// them.
	idx int
	gen uint64
}

// content returns the line without its terminator.
func (l *line) content() []byte {
	t := l.text
	if n := len(t); n > 0 && t[n-1] == '\n' {
		t = t[:n-1]
		if n := len(t); n > 0 && t[n-1] == '\r' {
			t = t[:n-1]
		}
	}
	return t
}

// term returns the length of the line's terminator.
func (l *line) term() int { return len(l.text) - len(l.content()) }

// snapshot is one version of a document. It is never modified: an edit
// makes a new snapshot that shares the untouched lines, so background work
// and requests read a snapshot without locking.
type snapshot struct {
	uri     string
	path    string // file system path; "" for URIs that are not files
	kind    docKind
	version int32
	lines   []*line
	// received is when the version arrived, for timing.
	received time.Time
	// streamed, on the first version of a document read as it arrived,
	// is what checked its rows meanwhile (stream.go).
	streamed *incoming

	startsOnce sync.Once
	starts     []int64 // byte offset of each line; one more entry for the end
}

// Lines returns the number of lines.
func (s *snapshot) Lines() int { return len(s.lines) }

// Size returns the document's length in bytes.
func (s *snapshot) Size() int64 { st := s.lineStarts(); return st[len(st)-1] }

func (s *snapshot) lineStarts() []int64 {
	s.startsOnce.Do(func() {
		st := make([]int64, len(s.lines)+1)
		var off int64
		for i, l := range s.lines {
			st[i] = off
			off += int64(len(l.text))
		}
		st[len(s.lines)] = off
		s.starts = st
	})
	return s.starts
}

// Text returns the whole document. It copies, so use it for small
// documents or background work only.
func (s *snapshot) Text() []byte {
	out := make([]byte, 0, s.Size())
	for _, l := range s.lines {
		out = append(out, l.text...)
	}
	return out
}

// Reader streams the document without copying it whole.
func (s *snapshot) Reader() io.Reader { return &linesReader{lines: s.lines} }

type linesReader struct {
	lines []*line
	i, at int
}

func (r *linesReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && r.i < len(r.lines) {
		t := r.lines[r.i].text[r.at:]
		c := copy(p[n:], t)
		n += c
		r.at += c
		if r.at == len(r.lines[r.i].text) {
			r.i++
			r.at = 0
		}
	}
	if n == 0 && r.i >= len(r.lines) {
		return 0, io.EOF
	}
	return n, nil
}

// Slice returns the bytes [start, end) of the document.
func (s *snapshot) Slice(start, end int64) []byte {
	st := s.lineStarts()
	start = min(max(start, 0), st[len(st)-1])
	end = min(max(end, start), st[len(st)-1])
	i := sort.Search(len(s.lines), func(i int) bool { return st[i+1] > start })
	if i < len(s.lines) && end <= st[i+1] {
		return s.lines[i].text[start-st[i] : end-st[i]]
	}
	var out []byte
	for ; i < len(s.lines) && st[i] < end; i++ {
		from, to := max(start-st[i], 0), min(end-st[i], int64(len(s.lines[i].text)))
		out = append(out, s.lines[i].text[from:to]...)
	}
	return out
}

// Position converts a byte offset of the document to a position.
func (s *snapshot) Position(off int64) Position {
	st := s.lineStarts()
	off = min(max(off, 0), st[len(st)-1])
	i := sort.Search(len(s.lines), func(i int) bool { return st[i+1] > off })
	if i >= len(s.lines) {
		i = len(s.lines) - 1
	}
	l := s.lines[i]
	c := l.content()
	rel := min(int(off-st[i]), len(c)) // inside the terminator: end of line
	return Position{Line: i, Character: textpos.UTF16Len(c[:rel])}
}

// Offset converts a position to a byte offset, clamping it to the
// document: ok is false when it had to.
func (s *snapshot) Offset(p Position) (off int64, ok bool) {
	st := s.lineStarts()
	if p.Line < 0 || p.Character < 0 {
		return 0, false
	}
	if p.Line >= len(s.lines) {
		return st[len(st)-1], false
	}
	c := s.lines[p.Line].content()
	b := textpos.ByteOffset(c, p.Character)
	return st[p.Line] + int64(b), b < len(c) || textpos.UTF16Len(c) >= p.Character
}

func newLine(text []byte) *line {
	t := bytes.TrimLeft(text, " \t\r\n")
	return &line{text: text, closes: len(t) > 0 && (t[0] == '}' || t[0] == ']')}
}

// splitLines cuts text after every "\n". The result always has at least
// one element, the last one without a newline (possibly empty).
func splitLines(text []byte) []*line {
	n := bytes.Count(text, []byte{'\n'}) + 1
	out := make([]*line, 0, n)
	for {
		i := bytes.IndexByte(text, '\n')
		if i < 0 {
			out = append(out, newLine(text))
			return out
		}
		out = append(out, newLine(text[:i+1:i+1]))
		text = text[i+1:]
	}
}

// edit applies one incremental change. Positions past the end of a line
// or of the document are clamped (clamped reports it); an end before the
// start is taken as the start.
func (s *snapshot) edit(r Range, text string) (lines []*line, clamped bool) {
	sl, sb, ok1 := s.clampPos(r.Start)
	el, eb, ok2 := s.clampPos(r.End)
	if el < sl || (el == sl && eb < sb) {
		el, eb = sl, sb
		ok2 = false
	}
	prefix := s.lines[sl].text[:sb]
	suffix := s.lines[el].text[eb:]
	joined := make([]byte, 0, len(prefix)+len(text)+len(suffix))
	joined = append(append(append(joined, prefix...), text...), suffix...)
	repl := splitLines(joined)
	// The suffix of a line that is not the last ends in a newline, which
	// leaves an empty piece after it: the line that follows already exists.
	if el < len(s.lines)-1 && len(repl) > 1 && len(repl[len(repl)-1].text) == 0 {
		repl = repl[:len(repl)-1]
	}
	out := make([]*line, 0, len(s.lines)-(el-sl+1)+len(repl))
	out = append(out, s.lines[:sl]...)
	out = append(out, repl...)
	out = append(out, s.lines[el+1:]...)
	return out, !(ok1 && ok2)
}

// clampPos resolves a position to a line and a byte offset in that line's
// content.
func (s *snapshot) clampPos(p Position) (ln, b int, ok bool) {
	ok = true
	if p.Line < 0 {
		return 0, 0, false
	}
	if p.Line >= len(s.lines) {
		last := len(s.lines) - 1
		return last, len(s.lines[last].content()), false
	}
	c := s.lines[p.Line].content()
	ch := max(p.Character, 0)
	b = textpos.ByteOffset(c, ch)
	if b == len(c) && textpos.UTF16Len(c) < ch {
		ok = false
	}
	return p.Line, b, ok && p.Character >= 0
}

// store holds the open documents.
type store struct {
	mu   sync.Mutex
	docs map[string]*snapshot
	// changed is closed, and replaced, whenever a document is put or
	// removed: server-initiated edits wait on it for the didChange that
	// carries them (applyedit.go).
	changed chan struct{}
}

func newStore() *store { return &store{docs: map[string]*snapshot{}, changed: make(chan struct{})} }

// watch returns the document and a channel closed at the next change of
// any document.
func (st *store) watch(uri string) (*snapshot, <-chan struct{}) {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.docs[uri], st.changed
}

// signal wakes the watchers; st.mu is held.
func (st *store) signal() {
	close(st.changed)
	st.changed = make(chan struct{})
}

func (st *store) get(uri string) *snapshot {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.docs[uri]
}

func (st *store) put(s *snapshot) {
	st.mu.Lock()
	st.docs[s.uri] = s
	st.signal()
	st.mu.Unlock()
}

func (st *store) remove(uri string) {
	st.mu.Lock()
	delete(st.docs, uri)
	st.signal()
	st.mu.Unlock()
}

// all returns the open documents, ordered by URI.
func (st *store) all() []*snapshot {
	st.mu.Lock()
	out := make([]*snapshot, 0, len(st.docs))
	for _, s := range st.docs {
		out = append(out, s)
	}
	st.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].uri < out[j].uri })
	return out
}

// open makes the first snapshot of a document.
func open(uri, languageID string, version int32, text string) *snapshot {
	return openBytes(uri, languageID, version, stringBytes(text))
}

// openBytes is open for text that nothing will write to.
func openBytes(uri, languageID string, version int32, text []byte) *snapshot {
	return openLines(uri, languageID, version, splitLines(text))
}

// openLines is open for text already cut into lines.
func openLines(uri, languageID string, version int32, lines []*line) *snapshot {
	return &snapshot{
		uri: uri, path: uriPath(uri), kind: kindOf(uri, languageID),
		version: version, lines: lines, received: time.Now(),
	}
}

// stringBytes returns the bytes of s without copying them: a document of
// hundreds of megabytes is kept once. Lines are never written to, which is
// what makes this safe.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// change applies a didChange's content changes in order and returns the
// new snapshot; clamped counts the changes whose range had to be clamped.
func (s *snapshot) change(version int32, changes []contentChange) (next *snapshot, clamped int) {
	lines := s.lines
	cur := s
	for _, c := range changes {
		if c.Range == nil {
			lines = splitLines(stringBytes(c.Text))
		} else {
			var cl bool
			lines, cl = cur.edit(*c.Range, c.Text)
			if cl {
				clamped++
			}
		}
		cur = &snapshot{uri: s.uri, path: s.path, kind: s.kind, version: version, lines: lines, received: time.Now()}
	}
	return cur, clamped
}

// uriPath returns the file system path of a file URI, or "".
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || !localHost(u.Host) {
		// file://host/... is a file on another machine, not a local path.
		return ""
	}
	p := u.Path
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' { // file:///C:/...
		p = p[1:]
	}
	// file:///ws/../x and file:///ws/%2e%2e/x name /x.
	return filepath.Clean(filepath.FromSlash(p))
}

// pathURI returns the file URI of a path.
func pathURI(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}
