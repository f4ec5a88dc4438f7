// Package gctune sets the garbage collector for a process whose heap is
// mostly data it keeps: no collection at all below a floor, then a
// collection each time the heap has grown by a fixed share of what the
// last one found live, as GOGC would.
//
// The runtime has no floor for its heap goal: at GOGC=40, checking a
// 100,000-row file collected a dozen times a heap that never held more
// than about 100 MB, and the collections, with the write barriers they
// turn on (which fault in fresh pages twice over), cost a quarter of the
// check's CPU time. A memory limit is such a floor: with the collector's
// growth rule turned off, it collects only when the process's memory
// reaches the limit; after each collection the limit is raised to the
// live heap plus the growth share, so that a heap above the floor is
// collected as often as before and its peak memory stays where it was.
package gctune

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// Tuner holds the collector's settings. A nil Tuner, which Start returns
// when the user set GOGC or GOMEMLIMIT, does nothing.
type Tuner struct {
	percent uint64

	mu        sync.Mutex
	exempt    func() uint64 // bytes of the live heap left out of the growth share
	floor     uint64
	grown     uint64 // the live heap plus its growth share, at the last collection
	gradual   bool   // set by ReleaseGradually
	minGrowth uint64 // set by SetMinGrowth
	stopped   bool
	samples   []metrics.Sample
	// What Start found, for Stop.
	limitWas   int64
	percentWas int
}

// Start leaves the heap uncollected until the process's memory reaches
// floor bytes, then collects whenever the heap has grown by percent since
// the last collection. It returns nil, and changes nothing, when GOGC or
// GOMEMLIMIT is set: the user's setting wins.
func Start(floor uint64, percent int) *Tuner {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return nil
	}
	t := &Tuner{floor: floor, percent: uint64(percent), samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}}
	// The first limit follows the live heap the last collection found, as
	// later ones do, so that a process started long ago (a server) is not
	// collected at once, over and over, down to the floor.
	t.limitWas = debug.SetMemoryLimit(-1)
	t.percentWas = debug.SetGCPercent(-1)
	t.collected()
	return t
}

// Stop puts back the settings Start found.
func (t *Tuner) Stop() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
	debug.SetGCPercent(t.percentWas)
	debug.SetMemoryLimit(t.limitWas)
}

// SetExempt leaves exempt() bytes of the live heap out of the growth share
// from the next collection on: data that holds no pointers and stays as
// long as the process works on it, such as the text of an open document,
// costs a collection little to mark, and growing the heap by a share of
// it only raises the peak. A nil Tuner ignores it.
func (t *Tuner) SetExempt(exempt func() uint64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.exempt = exempt
}

// SetMinGrowth makes the heap grow by at least n bytes between
// collections, whatever its share: once a large document's text is left
// out of the share (SetExempt), a quarter of the rest was 21 MiB at 100k
// rows, and a collection marked the heap while the hovers that followed
// the edits were answered (the slowest of 100 took 3.5-7.9 ms instead of
// 1). A nil Tuner ignores it.
func (t *Tuner) SetMinGrowth(n uint64) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.minGrowth = n
}

// ReleaseGradually leaves the memory that collections free to the
// runtime's background scavenger, which returns it to the system a little
// at a time: from the next collection on, the limit is at least what the
// process holds. A limit that left the freed memory out made the runtime
// return it at once, in the allocations that came next, collecting again
// and again while it did: after a million-row document opened, 450 MB,
// and the edits typed in that second took up to 170 ms instead of 5-10;
// after 100k rows, a collection every 50 ms for half a second. The limit
// then follows what the scavenger has returned, and the process grows
// past neither the size it had at the last collection nor the live heap
// plus the growth share, whichever is larger. A nil Tuner ignores it.
func (t *Tuner) ReleaseGradually() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.gradual = true
}

// apply sets the limit; t.mu is held.
func (t *Tuner) apply() {
	debug.SetMemoryLimit(int64(min(max(t.floor, t.grown), math.MaxInt64)))
}

// sentinel is an object the tuner drops so that its cleanup runs after
// the next collection. It is larger than the allocator's tiny blocks,
// which would keep it alive with its neighbours.
type sentinel [32]byte

// arm makes t.collected run after the next collection.
func (t *Tuner) arm() {
	runtime.AddCleanup(new(sentinel), func(t *Tuner) { t.collected() }, t)
}

// collected sets the limit for the next collection from the runtime's
// metrics (grownFor).
func (t *Tuner) collected() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	metrics.Read(t.samples)
	v := func(i int) uint64 { return t.samples[i].Value.Uint64() }
	t.grown = t.grownFor(memory{live: v(0), total: v(1), heap: v(2) + v(3) + v(4) + v(5), free: v(4)})
	t.apply()
	t.arm()
}

// memory is what grownFor reads of the runtime's metrics: the live heap
// the last collection found, all the memory the runtime holds, what of it
// is heap, and the heap's free memory not yet returned to the system.
type memory struct{ live, total, heap, free uint64 }

// grownFor returns the limit for the next collection: the live heap grown
// by the share of what is not exempt, plus the runtime's memory beyond the
// heap (stacks, metadata); after ReleaseGradually, at least what the
// process holds. t.mu is held.
func (t *Tuner) grownFor(m memory) uint64 {
	other := m.total - min(m.total, m.heap)
	share := m.live
	if t.exempt != nil {
		share -= min(share, t.exempt())
	}
	growth := max(share*t.percent/100, t.minGrowth)
	grown := m.live + growth + other
	if t.gradual {
		// Room for the freed memory beyond the growth share, which covers
		// it already: the process may stay as large as it is, not grow.
		grown += m.free - min(m.free, growth)
	}
	return grown
}
