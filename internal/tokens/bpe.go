package tokens

import "sync"

// Byte-pair encoding of one piece, counting the tokens only. The merge order
// is tiktoken's: repeatedly merge the adjacent pair of parts whose
// concatenation has the lowest rank, the leftmost one on ties, until no pair
// is a token. A piece that is itself a token is one token (tiktoken looks it
// up before merging).

const (
	noRank = ^uint32(0)

	// scanMax is the longest piece merged with the quadratic scan that
	// tiktoken itself uses; it runs on the stack and wins on short pieces.
	scanMax = 64

	// Pieces longer than window bytes (a multi-megabyte run of letters,
	// say) are merged a window at a time, to bound memory: merging n bytes
	// takes about 28n bytes of transient memory. Each window is merged
	// alone; the tokens up to its last token boundary at least margin bytes
	// before its end are counted, and the next window starts at that
	// boundary. The count is exact whenever that boundary is a boundary of
	// the piece's own BPE, which holds unless the effect of the window's
	// end on the merge order carries back more than margin bytes: BPE
	// merges interact only through neighbouring pairs, so that takes input
	// built for the purpose. See TestLongPieceWindows.
	window = 1 << 20
	margin = 32 << 10
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
	return e.mergeLong(piece, window, margin)
}

// mergeLong counts a piece of any length with mergeHeap, in windows of w
// bytes with the given margin (see window).
func (e *encoding) mergeLong(piece string, w, margin int) int {
	n := 0
	for len(piece) > w {
		k, end := e.mergeHeap(piece[:w], w-margin)
		n += k
		piece = piece[end:]
	}
	k, _ := e.mergeHeap(piece, len(piece))
	return n + k
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

// mergeHeap merges like mergeScan in O(n log n), ordering candidates by
// (rank, start): the lowest rank, leftmost on ties. It returns end, the
// last token boundary at or before cut (but past 0), and the number of
// tokens before end.
func (e *encoding) mergeHeap(piece string, cut int) (count, end int) {
	n := int32(len(piece))
	bufs := heapPool.Get().(*heapBufs)
	defer func() {
		if cap(bufs.nodes) <= window+1 { // keep at most window-sized buffers
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
	for b := nodes[0].next; b >= 0 && (int(b) <= cut || end == 0); b = nodes[b].next {
		count++
		end = int(b)
	}
	return count, end
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
