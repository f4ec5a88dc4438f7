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

	mu     sync.Mutex
	exempt func() uint64 // bytes of the live heap left out of the growth share
	floor  uint64
	grown  uint64 // the live heap plus its growth share, at the last collection
	// gradual is set by ReleaseGradually, from the collection numbered
	// gradualFrom on (not a collection whose limit was still to be set
	// when it was called); slack is then the freed memory the limit leaves
	// room for, and slackSet whether it was set yet.
	gradual, slackSet  bool
	gradualFrom, slack uint64
	stopped            bool
	samples            []metrics.Sample
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
		{Name: "/gc/cycles/total:gc-cycles"},
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

// ReleaseGradually makes the memory the next collection frees be
// returned to the system over the following ones rather than at once. A
// limit that left it out made the runtime return all of it at once, in the
// allocations that came next, and collect again and again while it did:
// after a million-row document opened, about 450 MB, and the edits typed
// in that second took up to 170 ms instead of 5-10; after 100k rows, the
// collector ran every 50 ms for half a second. The next collection's limit
// is then at least what the process holds (the memory it freed is
// reused, not returned), and each later one leaves room for half the
// freed memory the one before did (no more than is still unreturned),
// while the runtime's background scavenger returns it a little at a time.
// A nil Tuner ignores it.
func (t *Tuner) ReleaseGradually() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	metrics.Read(t.samples)
	t.gradual, t.slackSet, t.gradualFrom = true, false, t.samples[6].Value.Uint64()+1
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

// collected sets the limit for the next collection: the live heap grown
// by the share of what is not exempt, plus the runtime's memory beyond the
// heap (stacks, metadata), and never below the floor.
func (t *Tuner) collected() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
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
	share := live
	if t.exempt != nil {
		share -= min(share, t.exempt())
	}
	growth := share * t.percent / 100
	t.grown = live + growth + other
	if t.gradual && v(6) >= t.gradualFrom {
		// Room for the freed memory beyond the growth share, which it
		// covers already: the process may stay as large as it is, but not
		// grow past it.
		slack := v(4) - min(v(4), growth)
		if t.slackSet {
			slack = min(slack, t.slack/2)
		}
		t.slack, t.slackSet = slack, true
		t.grown += slack
	}
	t.apply()
	t.arm()
}
