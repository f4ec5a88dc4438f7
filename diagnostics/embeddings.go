package diagnostics

// What the semantic near-duplicates (D005) share with `ftls embed`: the
// texts a row is embedded as, and the vectors a file rule reads.

import (
	"bytes"

	"github.com/ftls-dev/ftls/internal/dedup"
	"github.com/ftls-dev/ftls/internal/embedding"
)

// EmbeddingSettings configure D005, from the plan's embeddings section.
type EmbeddingSettings struct {
	// Model is the embedding model; vectors of another model are stale.
	Model string
	// Threshold is the cosine at or above which two sides are close.
	Threshold float64
	// PromptOnly pairs rows on their prompt sides alone.
	PromptOnly bool
}

// Embeddings are the vectors of one file's rows, read from its sidecar.
type Embeddings struct {
	// Path is the sidecar file.
	Path string
	// Cache holds the vectors; nil when the sidecar does not exist.
	Cache *embedding.Cache
	// Problems are the damaged lines of the sidecar, and Err the reason it
	// could not be read at all.
	Problems []embedding.Problem
	Err      error
}

// EmbedTexts returns the two texts a row is embedded as: its prompt side,
// the text of every turn but the system prompt and the answers, and its
// answer side, the text of the assistant's turns, each turn on its own
// paragraph. The system prompt is left out: it is usually shared by every
// row and would make all prompts look alike.
func EmbedTexts(turns []Turn) (prompt, answer []byte) {
	for _, t := range turns {
		if len(bytes.TrimSpace(t.Text)) == 0 {
			continue
		}
		switch t.Role {
		case "system", "developer":
		case "assistant":
			answer = appendParagraph(answer, t.Text)
		default:
			prompt = appendParagraph(prompt, t.Text)
		}
	}
	return prompt, answer
}

func appendParagraph(dst, text []byte) []byte {
	if len(dst) > 0 {
		dst = append(dst, "\n\n"...)
	}
	return append(dst, bytes.TrimSpace(text)...)
}

// EmbedKey is the cache key of a side's text, as RowInfo holds it: 0 for
// no text.
func EmbedKey(text []byte) uint64 {
	if len(text) == 0 {
		return 0
	}
	return dedup.ContentKey(text)
}
