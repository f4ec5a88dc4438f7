package lsp

import (
	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

// Text synchronisation: didOpen, didChange and didClose make and drop
// the immutable snapshots (document.go) that every feature reads.

func (s *Server) didOpen(ctx *glsp.Context) (any, error) {
	p, err := s.decodeDidOpen(ctx)
	if err != nil {
		return nil, err
	}
	td := p.TextDocument
	var snap *snapshot
	if p.lines != nil {
		snap = openLines(td.URI, td.LanguageID, td.Version, p.lines)
		snap.streamed = p.streamed
		p.streamed.doc = snap.Doc
	} else {
		text := td.data
		if text == nil {
			text = stringBytes(td.Text)
		}
		snap = openBytes(td.URI, td.LanguageID, td.Version, text)
	}
	if !p.arrived.IsZero() {
		snap.received = p.arrived
	}
	if snap.kind == kindOther {
		s.log.Infof("didOpen %s (%s): not a dataset or plan, ignored", td.URI, td.LanguageID)
		return nil, nil
	}
	s.docs.put(snap)
	s.log.Infof("didOpen %s v%d: %d lines", td.URI, td.Version, snap.Len())
	s.diags.schedule(td.URI, false)
	return nil, nil
}

func (s *Server) didChange(ctx *glsp.Context) (any, error) {
	p, err := s.decodeDidChange(ctx)
	if err != nil {
		return nil, err
	}
	uri := p.TextDocument.URI
	cur := s.docs.get(uri)
	if cur == nil {
		s.log.Warningf("didChange for %s, which is not open: ignored", uri)
		return nil, nil
	}
	if p.TextDocument.Version <= cur.version {
		s.log.Warningf("didChange %s: version %d after %d; applied in arrival order", uri, p.TextDocument.Version, cur.version)
	}
	next, clamped := cur.change(p.TextDocument.Version, p.ContentChanges)
	if !p.arrived.IsZero() {
		next.received = p.arrived
	}
	if clamped > 0 {
		s.log.Warningf("didChange %s v%d: %d change(s) had a range outside the document and were clamped", uri, p.TextDocument.Version, clamped)
	}
	s.docs.put(next)
	s.diags.schedule(uri, false)
	return nil, nil
}

func (s *Server) didClose(ctx *glsp.Context) (any, error) {
	p, err := decode[protocol.DidCloseParams](ctx)
	if err != nil {
		return nil, err
	}
	uri := p.TextDocument.URI
	if s.docs.get(uri) == nil {
		return nil, nil
	}
	s.docs.remove(uri)
	s.diags.forget(uri)
	s.stats.forget(uri)
	s.reviewCounts.forget(uri)
	return nil, nil
}

// current returns the open dataset at uri and its latest result, or
// errors for documents the server does not know.
func (s *Server) current(uri string) (*snapshot, *result) {
	snap := s.docs.get(uri)
	if snap == nil {
		return nil, nil
	}
	return snap, s.diags.result(uri)
}
