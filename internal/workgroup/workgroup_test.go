package workgroup

import (
	"strings"
	"sync/atomic"
	"testing"
)

func TestWaitRunsEverything(t *testing.T) {
	var g Group
	var n atomic.Int64
	for range 100 {
		g.Go(func() { n.Add(1) })
	}
	g.Wait()
	if n.Load() != 100 {
		t.Fatalf("ran %d functions, want 100", n.Load())
	}
}

func TestWaitCarriesPanic(t *testing.T) {
	var g Group
	var n atomic.Int64
	for i := range 10 {
		g.Go(func() {
			n.Add(1)
			if i == 3 {
				panic("rule failed")
			}
		})
	}
	defer func() {
		p, ok := recover().(*Panic)
		if !ok {
			t.Fatalf("Wait did not panic with a *Panic")
		}
		if p.Value != "rule failed" || !strings.Contains(p.Error(), "workgroup_test.go") {
			t.Errorf("panic %q lost its value or the goroutine's stack", p.Error())
		}
		if n.Load() != 10 {
			t.Errorf("%d functions ran before Wait returned, want all 10", n.Load())
		}
	}()
	g.Wait()
}
