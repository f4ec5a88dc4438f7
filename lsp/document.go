package lsp

import (
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/lsp/protocol"
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

// snapshot is one version of a document. It is never modified: an edit
// makes a new snapshot that shares the untouched lines (engine.Doc), so
// background work and requests read a snapshot without locking.
type snapshot struct {
	*engine.Doc
	uri     string
	path    string // file system path; "" for URIs that are not files
	kind    docKind
	version int32
	// received is when the version arrived, for timing.
	received time.Time
	// streamed, on the versions of a document read as it arrived, is what
	// checked its rows meanwhile (stream.go); its first check releases
	// what it held.
	streamed *incoming
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
	return openLines(uri, languageID, version, engine.SplitLines(text))
}

// openLines is open for text already cut into lines.
func openLines(uri, languageID string, version int32, lines []*engine.Line) *snapshot {
	return &snapshot{
		Doc: engine.NewDoc(lines), uri: uri, path: uriPath(uri), kind: kindOf(uri, languageID),
		version: version, received: time.Now(),
	}
}

// stringBytes returns the bytes of s without copying them: a document of
// hundreds of megabytes is kept once. Lines are never written to, which is
// what makes this safe.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }

// change applies a didChange's content changes in order and returns the
// new snapshot; clamped counts the changes whose range had to be clamped.
func (s *snapshot) change(version int32, changes []protocol.TextDocumentContentChangeEvent) (next *snapshot, clamped int) {
	cur := s
	for _, c := range changes {
		var doc *engine.Doc
		if c.Range == nil {
			doc = engine.NewDoc(engine.SplitLines(stringBytes(c.Text)))
		} else {
			var cl bool
			doc, cl = cur.Apply(*c.Range, c.Text)
			if cl {
				clamped++
			}
		}
		// streamed goes along: the first check may be of a later version.
		cur = &snapshot{Doc: doc, uri: s.uri, path: s.path, kind: s.kind, version: version, received: time.Now(), streamed: s.streamed}
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

// bomBytes is the UTF-8 byte order mark, which editors never show.
var bomBytes = []byte{0xEF, 0xBB, 0xBF}
