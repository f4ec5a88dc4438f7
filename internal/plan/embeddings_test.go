package plan

import (
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
)

// The embeddings section is checked like every other section, and turns
// D005 on only when it is present.
func TestEmbeddingsSection(t *testing.T) {
	p, diags := Parse("", []byte("version: 1\nembeddings:\n  model: nomic-embed-text\n  threshold: 1.5\n  compare: all\n  modle: x\n  batch_size: 0\n  dimensions: 512\n"))
	checkDiags(t, diags, []want{
		{"P003", "3:13-3:16", "threshold"},
		{"P003", "4:11-4:14", "compare"},
		{"P002", "5:2-5:7", "modle"},
		{"P003", "6:14-6:15", "batch_size"},
	})
	s := p.EmbeddingSettings()
	if s == nil || s.Model != "nomic-embed-text" || s.Threshold != DefaultEmbeddingThreshold || s.PromptOnly {
		t.Errorf("settings %+v: want the model given and the defaults for the invalid values", s)
	}
	if p.Embeddings.Dimensions != 512 || p.Embeddings.BatchSize != DefaultEmbeddingBatch {
		t.Errorf("dimensions %d, batch %d", p.Embeddings.Dimensions, p.Embeddings.BatchSize)
	}

	p, diags = Parse("", []byte("version: 1\nembeddings:\n  compare: prompt\n  threshold: 0.8\n"))
	checkDiags(t, diags, nil)
	if s := p.EmbeddingSettings(); s == nil || s.Model != DefaultEmbeddingModel || s.Threshold != 0.8 || !s.PromptOnly {
		t.Errorf("settings %+v", s)
	}
	applied, err := p.Apply(diagnostics.DefaultSettings())
	if err != nil || applied.Embeddings == nil {
		t.Errorf("Apply: %v, embeddings %+v", err, applied.Embeddings)
	}

	p, _ = Parse("", []byte("version: 1\ntask:\n  type: classification\n"))
	if p.EmbeddingSettings() != nil {
		t.Error("a plan without an embeddings section turns D005 on")
	}
	if d, ok := KeyDoc("embeddings", "compare"); !ok || len(d.Values) != 2 || !d.Closed {
		t.Errorf("KeyDoc(embeddings.compare) = %+v", d)
	}
}
