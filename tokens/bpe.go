package tokens

import (
	"sync"
	"unicode/utf8"
)

// Byte-pair encoding of one piece, counting the tokens only. The merge order
// is tiktoken's: repeatedly merge the adjacent pair of parts whose
// concatenation has the lowest rank, the leftmost one on ties, until no pair
// is a token. A piece that is itself a token is one token (tiktoken looks it
// up before merging).

const (
	noRank = ^uint32(0)

	// scanMax is the longest piece merged with the quadratic scan that
	// tiktoken itself uses; it runs on the stack and wins on short pieces.
	scanMax = 128

	// MaxExactPiece is the longest piece, in bytes, whose count is exact.
	// A longer piece (a run of letters, digits' neighbours or symbols with
	// no break the pre-tokenizer recognises, e.g. a multi-megabyte word) is
	// counted in windows of MaxExactPiece bytes cut at rune boundaries, so
	// its count is approximate. Exact counting of a piece of n bytes takes
	// O(n log n) time and about 20n bytes of transient memory, so the window
	// bounds memory at about 160 MB per goroutine.
	MaxExactPiece = 8 << 20
)

func (e *encoding) bpeCount(piece string) int {
	if len(piece) <= 1 {
		return len(piece)
	}
	if _, ok := e.v.rank(piece); ok {
		return 1
	}
	if len(piece) <= scanMax {
		return e.mergeScan(piece)
	}
	if len(piece) <= MaxExactPiece {
		return e.mergeHeap(piece)
	}
	n := 0
	for len(piece) > 0 {
		w := min(len(piece), MaxExactPiece)
		// Cut at a rune boundary (the start of a rune) when possible.
		for k := w; k > w-utf8.UTFMax && k > 0 && k < len(piece); k-- {
			if utf8.RuneStart(piece[k]) {
				w = k
				break
			}
		}
		n += e.mergeHeap(piece[:w])
		piece = piece[w:]
	}
	return n
}

// mergeScan is tiktoken's O(n^2) merge loop for pieces of at most scanMax
// bytes, with its state in fixed-size arrays.
func (e *encoding) mergeScan(piece string) int {
	type part struct {
		start int32
		rank  uint32 // rank of the pair starting at this part
	}
	var buf [scanMax + 1]part
	n := len(piece)
	parts := buf[:n+1]
	for i := range n - 1 {
		r, ok := e.v.rank(piece[i : i+2])
		if !ok {
			r = noRank
		}
		parts[i] = part{int32(i), r}
	}
	parts[n-1] = part{int32(n - 1), noRank}
	parts[n] = part{int32(n), noRank}

	// pairRank is the rank of parts[i] merged with parts[i+1], for the
	// current parts, before parts[i+1] is removed (hence i+3).
	pairRank := func(parts []part, i int) uint32 {
		if i+3 < len(parts) {
			if r, ok := e.v.rank(piece[parts[i].start:parts[i+3].start]); ok {
				return r
			}
		}
		return noRank
	}
	for {
		minRank, minIdx := noRank, -1
		for i := range len(parts) - 1 {
			if parts[i].rank < minRank {
				minRank, minIdx = parts[i].rank, i
			}
		}
		if minIdx < 0 {
			break
		}
		i := minIdx
		if i > 0 {
			parts[i-1].rank = pairRank(parts, i-1)
		}
		parts[i].rank = pairRank(parts, i)
		parts = append(parts[:i+1], parts[i+2:]...)
	}
	return len(parts) - 1
}

// mergeNode is a part boundary in mergeHeap's doubly linked list; rank is
// that of the pair starting here (noRank if none or if removed).
type mergeNode struct {
	prev, next int32
	rank       uint32
}

// candidate is a pair in the heap. Stale entries (whose rank no longer
// matches their node's) are skipped when popped: a node's pair only grows,
// so its rank never returns to an old value.
type candidate struct {
	rank  uint32
	start int32
}

type heapBufs struct {
	nodes []mergeNode
	heap  []candidate
}

var heapPool = sync.Pool{New: func() any { return new(heapBufs) }}

// mergeHeap returns the same count as mergeScan in O(n log n), ordering
// candidates by (rank, start): the lowest rank, leftmost on ties.
func (e *encoding) mergeHeap(piece string) int {
	n := int32(len(piece))
	bufs := heapPool.Get().(*heapBufs)
	defer func() {
		if cap(bufs.nodes) <= 1<<20 { // don't keep huge buffers alive
			heapPool.Put(bufs)
		}
	}()
	if int32(cap(bufs.nodes)) < n+1 {
		bufs.nodes = make([]mergeNode, n+1)
	}
	nodes := bufs.nodes[:n+1]
	for i := range nodes {
		nodes[i] = mergeNode{prev: int32(i) - 1, next: int32(i) + 1, rank: noRank}
	}
	nodes[n].next = -1

	pairRank := func(i int32) uint32 {
		j := nodes[i].next
		if j < 0 {
			return noRank
		}
		k := nodes[j].next
		if k < 0 {
			return noRank
		}
		if r, ok := e.v.rank(piece[i:k]); ok {
			return r
		}
		return noRank
	}

	h := bufs.heap[:0]
	for i := int32(0); i+2 <= n; i++ {
		if r := pairRank(i); r != noRank {
			nodes[i].rank = r
			h = append(h, candidate{r, i})
		}
	}
	heapInit(h)
	count := int(n)
	for len(h) > 0 {
		var top candidate
		top, h = heapPop(h)
		i := top.start
		if nodes[i].rank != top.rank {
			continue
		}
		// Merge the part at i with the next one.
		j := nodes[i].next
		k := nodes[j].next
		nodes[j].rank = noRank
		nodes[i].next = k
		if k >= 0 {
			nodes[k].prev = i
		}
		count--
		for _, b := range [2]int32{i, nodes[i].prev} {
			if b < 0 {
				continue
			}
			r := pairRank(b)
			nodes[b].rank = r
			if r != noRank {
				h = heapPush(h, candidate{r, b})
			}
		}
	}
	bufs.heap = h[:0]
	return count
}

func candLess(a, b candidate) bool {
	return a.rank < b.rank || (a.rank == b.rank && a.start < b.start)
}

func heapInit(h []candidate) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		heapDown(h, i)
	}
}

func heapPush(h []candidate, c candidate) []candidate {
	h = append(h, c)
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !candLess(h[i], h[p]) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
	return h
}

func heapPop(h []candidate) (candidate, []candidate) {
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	heapDown(h, 0)
	return top, h
}

func heapDown(h []candidate, i int) {
	for {
		c := 2*i + 1
		if c >= len(h) {
			return
		}
		if r := c + 1; r < len(h) && candLess(h[r], h[c]) {
			c = r
		}
		if !candLess(h[c], h[i]) {
			return
		}
		h[i], h[c] = h[c], h[i]
		i = c
	}
}
