// Package gctune sets the garbage collector for a batch run over a file
// whose heap grows with the file: no collection at all while the heap is
// small, then a collection each time the heap has grown by a fixed share
// of what the last one found live, as GOGC would.
//
// The runtime has no floor for its heap goal: at GOGC=40, checking a
// 100,000-row file collected a dozen times a heap that never held more
// than about 100 MB, and the collections, with the write barriers they
// turn on (which fault in fresh pages twice over), cost a quarter of the
// check's CPU time. A memory limit is such a floor: with the collector's
// growth rule turned off, it collects only when the process's memory
// reaches the limit; after each collection the limit is raised to the
// live heap plus the growth share, so that a large file is collected as
// often as before and its peak memory stays where it was.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// Floor leaves the heap uncollected until the process's memory reaches
// floor bytes, then collects whenever the heap has grown by percent
// since the last collection. It does nothing when GOGC or GOMEMLIMIT is
// set: the user's setting wins. Stop puts back the settings it found.
func Floor(floor uint64, percent int) (stop func()) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	t := &tuner{floor: floor, percent: uint64(percent), samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"},
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}}
	limit := debug.SetMemoryLimit(int64(floor))
	percentWas := debug.SetGCPercent(-1)
	t.arm()
	return func() {
		t.stopped.Store(true)
		debug.SetGCPercent(percentWas)
		debug.SetMemoryLimit(limit)
	}
}

type tuner struct {
	floor, percent uint64
	samples        []metrics.Sample
	stopped        atomic.Bool
}

// sentinel is an object the tuner drops so that its cleanup runs after
// the next collection. It is larger than the allocator's tiny blocks,
// which would keep it alive with its neighbours.
type sentinel [32]byte

// arm makes t.collected run after the next collection.
func (t *tuner) arm() {
	runtime.AddCleanup(new(sentinel), func(t *tuner) { t.collected() }, t)
}

// collected sets the limit for the next collection: the live heap grown
// by the share, plus the runtime's memory beyond the heap (stacks,
// metadata), and never below the floor.
func (t *tuner) collected() {
	if t.stopped.Load() {
		return
	}
	metrics.Read(t.samples)
	v := func(i int) uint64 { return t.samples[i].Value.Uint64() }
	live := v(0)
	heap := v(2) + v(3) + v(4) + v(5)
	other := uint64(0)
	if total := v(1); total > heap {
		other = total - heap
	}
	limit := max(t.floor, live+live*t.percent/100+other)
	debug.SetMemoryLimit(int64(limit))
	t.arm()
}
