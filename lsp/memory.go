package lsp

import (
	"sync"

	"github.com/ftls-dev/ftls/internal/gctune"
)

// memoryPacer paces the collector once a large document has opened. Up to
// then the server collects at 25 % growth of the live heap (run.go), and
// most of that heap is document text, which holds no pointers and stays
// until the document is closed: growing the heap by a quarter of it only
// raises the peak. From the end of the first full check of a large
// document on, the collector grows the heap by a quarter of what is not
// the text of such documents. On 100k rows that keeps the peak over a
// hundred edits near the opening's (about 410 MB for a 232 MB document)
// rather than letting each collection grow it (450-485 MB). Opening stays
// as it was: a document is exempt only once open, since exempting its text
// while the rest of it was still being checked made opening 100k rows
// collect 17-31 times instead of 10, and a million rows take 45 % longer
// (docs/performance.md).
type memoryPacer struct {
	size func(uri string) int64 // the open document's size, 0 once closed

	once   sync.Once
	tuner  *gctune.Tuner // nil until a document is exempt, or when GOGC is set
	mu     sync.Mutex
	exempt map[string]bool
}

// newMemoryPacer returns a pacer that asks size for the current size of
// each document it exempts.
func newMemoryPacer(size func(uri string) int64) *memoryPacer {
	return &memoryPacer{size: size, exempt: map[string]bool{}}
}

// pacedFloor is the heap size below which the paced collector does not
// run at all: a server whose large documents are all closed again need
// not collect a small heap often.
const pacedFloor = 64 << 20

// pacedMinGrowth is the least the heap grows by between collections once
// paced (gctune.SetMinGrowth). At 100k rows a quarter of what is not text
// is 21 MiB; 32 MiB put the slowest hover back at about 1 ms without
// raising the peak, which 48 MiB did by 4 MB in half the sessions.
const pacedMinGrowth = 32 << 20

// opened exempts the text of uri, a large document whose first full check
// is done, from the collector's growth share, and starts pacing the
// collector the first time (unless the user set GOGC or GOMEMLIMIT,
// which gctune leaves alone). A nil pacer does nothing.
func (m *memoryPacer) opened(uri string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.exempt[uri] = true
	m.mu.Unlock()
	m.once.Do(func() {
		m.tuner = gctune.Start(pacedFloor, serverGCPercent)
		m.tuner.SetExempt(m.exemptBytes)
		m.tuner.SetMinGrowth(pacedMinGrowth)
		// What a first full check leaves behind is freed by the collection
		// that follows (freeAfterOpen): returned all at once, it held up
		// the edits typed then.
		m.tuner.ReleaseGradually()
	})
}

// closed stops exempting uri.
func (m *memoryPacer) closed(uri string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	delete(m.exempt, uri)
	m.mu.Unlock()
}

// exemptBytes is the size of the exempt documents as they are now: a
// document that shrank by edits is not exempt for more than it holds.
func (m *memoryPacer) exemptBytes() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	var n int64
	for uri := range m.exempt {
		n += max(m.size(uri), 0)
	}
	return uint64(n)
}
