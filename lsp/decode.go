package lsp

import (
	"bytes"
	"errors"

	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

// Decoding the params of didOpen and didChange: from the stash, where
// the input pump left a large message decoded once with jsonpos, or from
// glsp's raw params.

// stashed returns the params kept aside for this message, if any.
func (s *Server) stashed(ctx *glsp.Context) (any, bool) {
	if len(ctx.Params) > 64 || !bytes.Contains(ctx.Params, []byte(`"ftlsStash"`)) {
		return nil, false
	}
	var p jsonpos.Parser
	root, err := p.Parse(ctx.Params)
	if err != nil {
		return nil, false
	}
	key, ok := root.Get("ftlsStash").Int()
	if !ok {
		return nil, false
	}
	return s.stash.take(key)
}

func (s *Server) decodeDidOpen(ctx *glsp.Context) (didOpenParams, error) {
	if v, ok := s.stashed(ctx); ok {
		if p, ok := v.(didOpenParams); ok {
			return p, nil
		}
	}
	var parser jsonpos.Parser
	root, err := parser.Parse(ctx.Params)
	if err != nil {
		return didOpenParams{}, &paramsError{err}
	}
	return didOpenFrom(root)
}

func (s *Server) decodeDidChange(ctx *glsp.Context) (didChangeParams, error) {
	if v, ok := s.stashed(ctx); ok {
		if p, ok := v.(didChangeParams); ok {
			return p, nil
		}
	}
	var parser jsonpos.Parser
	root, err := parser.Parse(ctx.Params)
	if err != nil {
		return didChangeParams{}, &paramsError{err}
	}
	return didChangeFrom(root)
}

func didOpenFrom(root jsonpos.Value) (didOpenParams, error) {
	var p didOpenParams
	td := root.Get("textDocument")
	if td.Kind() != jsonpos.Object {
		return p, &paramsError{errors.New("textDocument: want an object")}
	}
	p.TextDocument.URI = td.Get("uri").Str()
	p.TextDocument.LanguageID = td.Get("languageId").Str()
	v, _ := td.Get("version").Int()
	p.TextDocument.Version = int32(v)
	text := td.Get("text")
	if p.TextDocument.URI == "" || text.Kind() != jsonpos.String {
		return p, &paramsError{errors.New("textDocument: want uri and text")}
	}
	p.TextDocument.data = decodeString(text)
	return p, nil
}

func didChangeFrom(root jsonpos.Value) (didChangeParams, error) {
	var p didChangeParams
	td := root.Get("textDocument")
	p.TextDocument.URI = td.Get("uri").Str()
	v, _ := td.Get("version").Int()
	p.TextDocument.Version = int32(v)
	if p.TextDocument.URI == "" {
		return p, &paramsError{errors.New("textDocument: want a uri")}
	}
	for _, c := range root.Get("contentChanges").Elems() {
		text := c.Get("text")
		if text.Kind() != jsonpos.String {
			return p, &paramsError{errors.New("contentChanges: want text")}
		}
		cc := protocol.TextDocumentContentChangeEvent{Text: text.Str()}
		if r := c.Get("range"); r.Kind() == jsonpos.Object {
			cc.Range = &protocol.Range{Start: position(r.Get("start")), End: position(r.Get("end"))}
		}
		p.ContentChanges = append(p.ContentChanges, cc)
	}
	return p, nil
}

// decodeString returns the text of a JSON string value, decoded in place
// in the message's buffer: on a document of hundreds of megabytes a second
// buffer costs more than the decoding (its pages have to be faulted in).
func decodeString(v jsonpos.Value) []byte { return v.UnescapeInPlace() }

func position(v jsonpos.Value) protocol.Position {
	l, _ := v.Get("line").Int()
	c, _ := v.Get("character").Int()
	return protocol.Position{Line: int(l), Character: int(c)}
}
