package workspace

import (
	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/embedding"
)

// Embeddings reads the vectors of the dataset at path from its sidecar,
// for the semantic near-duplicates (D005), when the settings turn them on;
// otherwise it returns nil and reads nothing. A missing, damaged or
// unreadable sidecar is not an error here: the rule reports it on the
// file, in the editor as on the command line.
func Embeddings(path string, s *diagnostics.Settings) *diagnostics.Embeddings {
	if s == nil || s.Embeddings == nil || path == "" || s.Severity("D005") == diagnostics.Off {
		return nil
	}
	e := &diagnostics.Embeddings{Path: embedding.SidecarPath(path)}
	e.Cache, e.Problems, e.Err = embedding.Load(e.Path)
	return e
}

// Unembedded returns the rows of a document whose prompt or answer side
// has no vector in e: the rows an edit changed since the last embedding
// run, which the editor embeds alone. rows are the document's row
// summaries, computed with settings that turn D005 on.
func Unembedded(rows []diagnostics.RowInfo, e *diagnostics.Embeddings) []int {
	var out []int
	var c *embedding.Cache
	if e != nil {
		c = e.Cache
	}
	for i, r := range rows {
		if r.EmbedPrompt != 0 && !c.Has(r.EmbedPrompt) || r.EmbedAnswer != 0 && !c.Has(r.EmbedAnswer) {
			out = append(out, i)
		}
	}
	return out
}
