package gctune

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

var sink [][]byte

// churn allocates n bytes of garbage, a MiB at a time.
func churn(n int) {
	for range n >> 20 {
		sink = append(sink[:0], make([]byte, 1<<20))
	}
	sink = nil
}

func TestStart(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	runtime.GC()
	const floor = 256 << 20
	tuner := Start(floor, 40)
	defer tuner.Stop()

	// Below the floor: no collection at all.
	before := numGC()
	churn(64 << 20)
	if n := numGC() - before; n != 0 {
		t.Errorf("%d collections for 64 MiB of garbage under a 256 MiB floor, want 0", n)
	}
	// Past it: collections, and the floor stays the limit while the live
	// heap is small.
	churn(1 << 30)
	if numGC() == before {
		t.Fatal("no collection after 1 GiB of garbage")
	}
	if limit := debug.SetMemoryLimit(-1); limit != floor {
		t.Errorf("limit %d with a small live heap, want the floor %d", limit, floor)
	}
	// A live heap above the floor: the limit follows it, 40 % above.
	live := make([][]byte, 0, 300)
	for range 300 {
		live = append(live, make([]byte, 1<<20))
	}
	churn(2 << 30)
	collect()
	if limit := debug.SetMemoryLimit(-1); limit < 300<<20*14/10 {
		t.Errorf("limit %d MiB with 300 MiB live, want at least 420", limit>>20)
	}
	runtime.KeepAlive(live)

	tuner.Stop()
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("after stop: GOGC %d, want the 100 it found", p)
	}
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Errorf("after stop: limit %d, want none", limit)
	}
}

// With 200 of 300 live MiB exempt, the heap may grow by 40 % of the other
// 100 MiB only.
func TestExempt(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	tuner := Start(64<<20, 40)
	defer tuner.Stop()
	tuner.SetExempt(func() uint64 { return 200 << 20 })
	live := make([][]byte, 0, 300)
	for range 300 {
		live = append(live, make([]byte, 1<<20))
	}
	churn(1 << 30)
	collect()
	limit := debug.SetMemoryLimit(-1)
	if limit < 300<<20+100<<20*4/10 || limit > 300<<20+100<<20*4/10+32<<20 {
		t.Errorf("limit %d MiB with 300 MiB live, 200 of them exempt, want about 340", limit>>20)
	}
	runtime.KeepAlive(live)
	var none *Tuner
	none.SetExempt(func() uint64 { return 0 }) // does nothing, does not panic
}

// After ReleaseGradually the limit is at least what the process holds:
// memory freed but not yet returned to the system is room, not growth.
func TestReleaseGradually(t *testing.T) {
	const mib = 1 << 20
	tuner := &Tuner{percent: 40}
	for _, c := range []struct {
		name              string
		free              uint64
		before, gradually uint64 // MiB
	}{
		{"nothing freed", 0, 100 + 40 + 10, 100 + 40 + 10},
		{"less freed than the growth share", 30 * mib, 100 + 40 + 10, 100 + 40 + 10},
		{"400 MiB freed", 400 * mib, 100 + 40 + 10, 100 + 400 + 10},
	} {
		// 100 MiB live, 10 MiB of stacks and metadata beyond the heap.
		m := memory{live: 100 * mib, heap: 100*mib + c.free, total: 110*mib + c.free, free: c.free}
		tuner.gradual = false
		if got := tuner.grownFor(m); got != c.before*mib {
			t.Errorf("%s: limit %d MiB, want %d", c.name, got/mib, c.before)
		}
		tuner.ReleaseGradually()
		if got := tuner.grownFor(m); got != c.gradually*mib {
			t.Errorf("%s, gradually: limit %d MiB, want %d", c.name, got/mib, c.gradually)
		}
	}
	var none *Tuner
	none.ReleaseGradually() // does nothing, does not panic
}

// SetMinGrowth sets the least the heap grows by: 100 MiB live at 40 %
// grow by 64 MiB with a minimum of 64, by 40 with one of 16.
func TestMinGrowth(t *testing.T) {
	const mib = 1 << 20
	m := memory{live: 100 * mib, heap: 100 * mib, total: 110 * mib}
	for _, c := range []struct{ min, want uint64 }{{0, 150}, {16, 150}, {64, 174}} {
		tuner := &Tuner{percent: 40}
		tuner.SetMinGrowth(c.min * mib)
		if got := tuner.grownFor(m); got != c.want*mib {
			t.Errorf("minimum %d MiB: limit %d MiB, want %d", c.min, got/mib, c.want)
		}
	}
	var none *Tuner
	none.SetMinGrowth(1) // does nothing, does not panic
}

func TestStartLeavesUserSettings(t *testing.T) {
	t.Setenv("GOGC", "50")
	if tuner := Start(1<<30, 40); tuner != nil {
		t.Errorf("Start with GOGC set returned a tuner")
	}
	if p := debug.SetGCPercent(-1); p != 100 {
		t.Errorf("GOGC %d after Floor with GOGC set, want 100 untouched", p)
	}
	debug.SetGCPercent(100)
	if limit := debug.SetMemoryLimit(-1); limit != math.MaxInt64 {
		t.Errorf("limit %d after Floor with GOGC set, want none", limit)
	}
}

// collect runs collections and lets the tuner's cleanups, which run
// after a collection on a goroutine of their own, set the limit: read
// at once, the limit was at times one that a collection in the middle
// of the garbage had set (a test failed about once in fifteen runs).
func collect() {
	for range 2 {
		runtime.GC()
		time.Sleep(20 * time.Millisecond)
	}
}

func numGC() uint32 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.NumGC
}
