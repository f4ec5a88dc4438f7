package lsp

import (
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// streamText decodes the text of a large didOpen as the message's bytes
// arrive, into chunks of memory of its own, and cuts it into lines.
// Decoded in place in the message's buffer, the text kept the buffer's
// whole length for the document's life: the escapes it no longer has (a
// dataset's quotes, backslashes and newlines, 6 MB of a 232 MB file) as
// well. A chunk is sized to what is left of the message, at most
// maxChunk, and the line that does not fit in one moves to the next.
type streamText struct {
	chunk     []byte // the text decoded into the current chunk
	lineStart int    // where the line being decoded starts in chunk
	maxChunk  int
}

// textChunk is the largest chunk a streamText decodes into.
const textChunk = 16 << 20

// minChunkRoom is the room below which a chunk is left for a new one: an
// escape needs a few bytes, and a piece of a few bytes is not worth a call.
const minChunkRoom = 4 << 10

// feed decodes raw, the message's bytes from where the last call stopped
// on, left more of them to come after it. It returns the complete lines
// decoded, the last line when raw holds the text's end (done), and how
// many bytes of raw it took: the closing quote is the last of them; an
// escape sequence cut off by raw's end is left for the next call.
func (t *streamText) feed(raw []byte, left int) (lines []*engine.Line, last *engine.Line, used int, done bool, err error) {
	for used < len(raw) || left == 0 {
		if t.chunk == nil || cap(t.chunk)-len(t.chunk) < minChunkRoom {
			t.newChunk(len(raw) - used + left)
		}
		piece := raw[used:min(len(raw), used+cap(t.chunk)-len(t.chunk))]
		whole := used+len(piece) == len(raw) // piece runs to raw's end
		var k int
		t.chunk, k, done, err = jsonpos.AppendDecoded(t.chunk, piece, whole && left == 0)
		if err != nil {
			return lines, nil, used, false, err
		}
		used += k
		cut, n := completeLines(t.chunk[t.lineStart:])
		lines = append(lines, cut...)
		t.lineStart += n
		if done {
			end := len(t.chunk)
			return lines, engine.NewLine(t.chunk[t.lineStart:end:end]), used, true, nil
		}
		if k < len(piece) {
			if whole {
				return lines, nil, used, false, nil // the rest of an escape is to come
			}
			// An escape cut off by the chunk's room: a new chunk takes it whole.
			t.newChunk(len(raw) - used + left)
		}
	}
	return lines, nil, used, false, nil
}

// newChunk starts a chunk for the rest of the text, of which at most
// need bytes are still to be decoded, and moves the line being decoded
// to it.
func (t *streamText) newChunk(need int) {
	partial := t.chunk[t.lineStart:]
	size := min(len(partial)+need, max(t.maxChunk, 2*len(partial)))
	size = max(size, len(partial)+minChunkRoom)
	next := make([]byte, len(partial), size)
	copy(next, partial)
	t.chunk, t.lineStart = next, 0
}
