package lsp

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ftls-dev/ftls/generator"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/workspace"
)

// Embedding the rows an edit changed, for the semantic near-duplicates
// (D005, docs/embeddings.md). The file rules read the vectors from the
// sidecar next to the dataset (engine.FileState follows it on disk); a
// row an edit changed has no vector there until it is embedded. When the
// document has been quiet for embedPause after a full check, the server
// embeds the texts that lack one, alone, and writes them to the sidecar;
// the next check reads it and covers the edited rows.
//
// It does so only when sending is already agreed: the governing plan turns
// D005 on and the sidecar exists for the plan's model (someone ran
// `ftls embed` on this file, sending its rows to that endpoint), the
// endpoint is not one the plan chose and the user has not confirmed, and
// the edit left at most maxAutoEmbed texts without a vector. A larger
// change (a paste of many rows) is left to `ftls embed`, which shows its
// cost first. A text the endpoint did not embed is not sent again in this
// session.

const (
	embedPause   = 2 * time.Second
	maxAutoEmbed = 16
)

// embedder schedules the embedding of edited rows, one run per document
// at a time.
type embedder struct {
	mu      sync.Mutex
	timers  map[string]*time.Timer
	running map[string]bool
	failed  map[uint64]bool
	// pause is embedPause; tests shorten it.
	pause time.Duration
}

func newEmbedder() *embedder {
	return &embedder{timers: map[string]*time.Timer{}, running: map[string]bool{}, failed: map[uint64]bool{}, pause: embedPause}
}

// afterFullCheck is called with every full result of a dataset: it
// (re)starts the document's pause when the plan turns D005 on.
func (s *Server) afterFullCheck(r *result) {
	if r.settings == nil || r.settings.Embeddings == nil || r.snap.path == "" {
		return
	}
	e, uri := s.embeds, r.snap.uri
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.timers[uri]; t != nil {
		t.Stop()
	}
	e.timers[uri] = time.AfterFunc(e.pause, func() {
		s.goSafe("embed "+uri, func() { s.embedEdited(uri) })
	})
}

// embedEdited embeds what the latest full check of uri found without a
// vector, when that is allowed (see above).
func (s *Server) embedEdited(uri string) {
	e := s.embeds
	e.mu.Lock()
	if e.running[uri] {
		e.mu.Unlock()
		return
	}
	e.running[uri] = true
	e.mu.Unlock()
	defer func() {
		e.mu.Lock()
		delete(e.running, uri)
		e.mu.Unlock()
	}()
	snap, r := s.docs.get(uri), s.diags.result(uri)
	if snap == nil || r == nil || r.snap != snap || !r.full || r.settings.Embeddings == nil {
		return // a newer version is on its way, and will come back here
	}
	sidecar := embedding.SidecarPath(snap.path)
	if s.checkWrite(snap.path, sidecar) != nil {
		return // a sidecar outside the workspace (a symlink) is not written
	}
	vecs, _, err := embedding.Load(sidecar)
	if err != nil || vecs == nil || vecs.Model != r.settings.Embeddings.Model {
		return // never embedded with this model: `ftls embed` first
	}
	_, keys := engine.Unembedded(r.res.Rows, vecs)
	e.mu.Lock()
	var missing []uint64
	for _, k := range keys {
		if !e.failed[k] {
			missing = append(missing, k)
		}
	}
	e.mu.Unlock()
	if len(missing) == 0 || len(missing) > maxAutoEmbed {
		return
	}
	name := filepath.Base(snap.path)
	if err := s.embedTexts(snap.path, snap.Doc.Text(), missing, vecs); err != nil {
		s.log.Warningf("embed %s: %v", name, err)
	}
	if err := vecs.Save(sidecar); err != nil {
		s.log.Warningf("embed %s: %v", name, err)
		return
	}
	s.diags.schedule(uri, true)
}

// embedTexts sends the texts of keys, read from the dataset's text, and
// adds their vectors to vecs; keys the endpoint did not embed are
// remembered as failed.
func (s *Server) embedTexts(path string, text []byte, keys []uint64, vecs *embedding.Cache) error {
	e := s.embeds
	defer func() {
		e.mu.Lock()
		for _, k := range keys {
			if !vecs.Has(k) {
				e.failed[k] = true
			}
		}
		e.mu.Unlock()
	}()
	pl, err := workspace.Governing(path)
	if err != nil || pl == nil {
		return err
	}
	st := s.cfg.freshSettings(path)
	sides, err := engine.SideTexts(s.ctx, text, st)
	if err != nil {
		return err
	}
	texts := make([]string, 0, len(keys))
	for _, k := range keys {
		texts = append(texts, sides.Texts[k])
	}
	flags := s.cfg.clientProvider()
	flags.Model = pl.Embeddings.Model
	ctx, cancel := context.WithTimeout(s.ctx, 5*time.Minute)
	defer cancel()
	prov, err := generator.ResolveProvider(ctx, generator.ResolveOptions{Flags: flags, Plan: pl, Getenv: os.Getenv})
	if err != nil || prov.PlanEndpoint != "" {
		return err // not configured, or an endpoint the user has not confirmed
	}
	prov.Model = pl.Embeddings.Model
	rep, err := generator.Embed(ctx, generator.EmbedJob{Provider: prov, Dimensions: pl.Embeddings.Dimensions, BatchSize: maxAutoEmbed},
		texts, func(i int, v []float32) error { return vecs.Add(keys[i], v) }, nil)
	s.log.Infof("embed %s: %d of %d edited texts embedded with %s, %d tokens", filepath.Base(path), rep.Embedded, len(texts), prov, rep.Tokens)
	for _, n := range rep.Notes {
		s.log.Warningf("embed %s: %s", filepath.Base(path), n)
	}
	return err
}
