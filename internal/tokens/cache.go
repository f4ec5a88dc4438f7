package tokens

import (
	"hash/maphash"
	"sync"
)

// The count cache maps a 64-bit hash of a text (hash/maphash, seeded per
// process) to its length and token count. It is split into shards, each a
// map behind its own mutex; a shard that reaches its capacity is dropped
// whole, which bounds memory (about 40 bytes an entry) at no bookkeeping
// cost. A hit requires the hash and the byte length to match; two different
// texts of equal length colliding on 64 bits is vanishingly unlikely
// (about n²/2⁶⁵ for n distinct texts of that length).
const (
	cacheShards   = 64
	cacheCapacity = 1 << 17 // entries, over all shards (about 5 MB)
	shardCapacity = cacheCapacity / cacheShards
)

type cacheEntry struct {
	size  int
	count int
}

type cacheShard struct {
	mu sync.Mutex
	m  map[uint64]cacheEntry
	_  [48]byte // keep shards on separate cache lines
}

type cache struct {
	seed   maphash.Seed
	shards [cacheShards]cacheShard
}

func newCache() *cache {
	return &cache{seed: maphash.MakeSeed()}
}

func (c *cache) hash(s string) uint64 { return maphash.String(c.seed, s) }

func (c *cache) shard(h uint64) *cacheShard { return &c.shards[h>>58] } // top 6 bits

func (c *cache) get(h uint64, size int) (int, bool) {
	sh := c.shard(h)
	sh.mu.Lock()
	e, ok := sh.m[h]
	sh.mu.Unlock()
	if !ok || e.size != size {
		return 0, false
	}
	return e.count, true
}

func (c *cache) put(h uint64, size, count int) {
	sh := c.shard(h)
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= shardCapacity {
		sh.m = make(map[uint64]cacheEntry, 64)
	}
	sh.m[h] = cacheEntry{size, count}
	sh.mu.Unlock()
}

// len returns the number of cached entries.
func (c *cache) len() int {
	n := 0
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		n += len(sh.m)
		sh.mu.Unlock()
	}
	return n
}

// reset empties the cache.
func (c *cache) reset() {
	for i := range c.shards {
		sh := &c.shards[i]
		sh.mu.Lock()
		sh.m = nil
		sh.mu.Unlock()
	}
}
