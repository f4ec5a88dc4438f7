// Package workgroup runs functions on goroutines of their own and carries
// a panic in any of them back to the goroutine that waits for them.
//
// A panic on a bare goroutine ends the process, whatever recovers in the
// goroutine that started it. The language server recovers from a panic in
// a check (a rule's bug on some input) and goes on with the next version;
// for that to hold when a check fans out over the CPUs, the panic has to
// reach the checking goroutine, which is what Group.Wait does.
package workgroup

import (
	"fmt"
	"runtime/debug"
	"sync"
)

// Group is a sync.WaitGroup whose Wait raises again the first panic of
// the functions it ran. The zero Group is ready to use.
type Group struct {
	wg    sync.WaitGroup
	once  sync.Once
	first *Panic
}

// Panic is the value Wait panics with: the panic's value and the stack of
// the goroutine where it happened.
type Panic struct {
	Value any
	Stack []byte
}

func (p *Panic) Error() string { return fmt.Sprintf("%v\n%s", p.Value, p.Stack) }

// Go runs f on a new goroutine.
func (g *Group) Go(f func()) {
	g.wg.Go(func() {
		defer func() {
			if v := recover(); v != nil {
				p := &Panic{Value: v, Stack: debug.Stack()}
				g.once.Do(func() { g.first = p })
			}
		}()
		f()
	})
}

// Wait waits for every function Go started, then panics with a *Panic if
// one of them panicked.
func (g *Group) Wait() {
	if p := g.Join(); p != nil {
		panic(p)
	}
}

// Join waits for every function Go started and returns the first panic
// among them, or nil: for a waiter that must finish its own work (closing
// a channel, say) before the panic is raised.
func (g *Group) Join() *Panic {
	g.wg.Wait()
	return g.first
}
