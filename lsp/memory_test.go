package lsp

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// The pacer exempts the documents it was told are open, at their current
// size, and from the first on paces the collector by what is not exempt.
func TestMemoryPacer(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	sizes := map[string]int64{"a": 300 << 20, "b": 100 << 20}
	m := newMemoryPacer(func(uri string) int64 { return sizes[uri] })
	if m.tuner != nil || m.exemptBytes() != 0 {
		t.Fatal("a pacer paces before any document is open")
	}
	percent := debug.SetGCPercent(serverGCPercent)
	defer debug.SetGCPercent(percent)
	m.opened("a")
	if m.tuner == nil {
		t.Fatal("no tuner after a document opened")
	}
	defer m.tuner.Stop()
	m.opened("b")
	for _, step := range []struct {
		do   func()
		want int64
	}{
		{func() {}, 400 << 20},
		{func() { sizes["a"] = 10 << 20 }, 110 << 20}, // edited down
		{func() { m.closed("b") }, 10 << 20},
		{func() { m.opened("c") }, 10 << 20}, // closed since: no size
		{func() { m.closed("a"); m.closed("c") }, 0},
	} {
		step.do()
		if got := int64(m.exemptBytes()); got != step.want {
			t.Fatalf("exempt %d MiB, want %d", got>>20, step.want>>20)
		}
	}
	// The collector is paced: no growth percentage, a memory limit.
	runtime.GC()
	if p := debug.SetGCPercent(-1); p != -1 {
		t.Errorf("GOGC %d while paced, want off (-1)", p)
	}
	if limit := debug.SetMemoryLimit(-1); limit < pacedFloor {
		t.Errorf("limit %d while paced, want at least the floor %d", limit, pacedFloor)
	}
	var none *memoryPacer
	none.opened("a")
	none.closed("a")
}

// collectQuietly collects once and leaves the growth setting as it found
// it, even when two documents collect at the same time.
func TestCollectQuietly(t *testing.T) {
	t.Setenv("GOGC", "")
	percent := debug.SetGCPercent(serverGCPercent)
	defer debug.SetGCPercent(percent)
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	for range 2 {
		go func() { collectQuietly(); done <- struct{}{} }()
	}
	<-done
	<-done
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if after.NumForcedGC < before.NumForcedGC+2 {
		t.Errorf("%d forced collections, want 2", after.NumForcedGC-before.NumForcedGC)
	}
	if p := debug.SetGCPercent(serverGCPercent); p != serverGCPercent {
		t.Errorf("GOGC %d after collecting, want %d as before", p, serverGCPercent)
	}
}
