package lsp

// The collector's floor follows the open documents (internal/gctune).
// What a document brings, its text and its rows' summaries, is kept as
// long as it is open: collecting while it arrives only marks the growing
// heap again and again (some thirty times for a million rows at 25 %
// growth, a third of the time to the first full check). Below the floor,
// nothing is collected; above it, the heap is collected at 25 % growth,
// as before. The floor is the open documents' size and a half, plus
// floorBase: about what a document and its summaries take once checked
// (1.5-1.8 times its size), so that typing collects as often as before.

// floorBase is the floor with no document open: the tokenizer's
// vocabularies and the runtime take about 40 MB, and a small document
// brings twice its size.
const floorBase = 128 << 20

// setMemoryFloor sets the floor for the open documents and expected
// more bytes on their way (a didOpen being read).
func (s *Server) setMemoryFloor(expected int) {
	if s.gc == nil {
		return
	}
	total := uint64(expected)
	for _, snap := range s.docs.all() {
		total += uint64(snap.Size())
	}
	s.gc.SetFloor(floorBase + total*3/2)
}
