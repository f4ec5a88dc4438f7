package diagnostics

import "sync"

// reusedMap hands out maps that keep their memory between runs of a file
// rule. The server runs the file rules after every pause in typing; a
// fresh map of 100,000 entries each time cost more, in allocation and page
// faults, than filling it.
type reusedMap[K comparable, V any] struct{ pool sync.Pool }

// get returns an empty map.
func (p *reusedMap[K, V]) get() map[K]V {
	if m, ok := p.pool.Get().(map[K]V); ok {
		return m
	}
	return map[K]V{}
}

// put empties m and keeps it for the next get.
func (p *reusedMap[K, V]) put(m map[K]V) {
	clear(m)
	p.pool.Put(m)
}
