package lsp

import (
	"bytes"
	"strings"

	"github.com/ftls-dev/ftls/internal/plan"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/lsp/protocol"
	"github.com/tliron/glsp"
)

func (s *Server) completion(ctx *glsp.Context) (any, error) {
	q, err := decode[protocol.TextDocumentPositionParams](ctx)
	if err != nil {
		return nil, err
	}
	out := protocol.CompletionList{Items: []protocol.CompletionItem{}}
	snap := s.docs.get(q.TextDocument.URI)
	if snap == nil || snap.kind != kindPlan {
		return out, nil
	}
	text := snap.Text()
	c := plan.CursorAt(text, q.Position)
	if c.InComment {
		return out, nil
	}
	prefix := strings.ToLower(c.Prefix)
	if c.InValue {
		for _, v := range plan.EnumValues(c.Path...) {
			if strings.HasPrefix(strings.ToLower(v), prefix) {
				out.Items = append(out.Items, protocol.CompletionItem{Label: v, Kind: completionEnumMember})
			}
		}
		return out, nil
	}
	p := parseWithoutPrefix(snap.path, text, q.Position, c.Prefix)
	for _, k := range plan.Keys(c.Path...) {
		if !strings.HasPrefix(strings.ToLower(k), prefix) {
			continue
		}
		kp := append(append([]string(nil), c.Path...), k)
		if _, present := p.KeyRange(kp...); present {
			continue
		}
		item := protocol.CompletionItem{Label: k, Kind: completionProperty, InsertText: k + ": "}
		if d, ok := plan.KeyDoc(kp...); ok {
			item.Detail = d.Type
			item.Documentation = &protocol.MarkupContent{Kind: "markdown", Value: d.Markdown()}
			if strings.HasPrefix(d.Type, "mapping") || d.Type == "list of mappings" {
				item.InsertText = k + ":" // its keys go on the lines below
			}
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// parseWithoutPrefix parses the plan as it would be without the key being
// typed at pos (the prefix before pos and, when it is a bare word without
// a colon yet, the rest of that word after it).
// A half-typed key ("  t" on its own line) is a plain scalar where YAML
// wants a mapping entry: the parse of the text as it stands fails and
// indexes no key of that mapping, and completion would offer again the
// keys that are already written there.
func parseWithoutPrefix(path string, text []byte, pos protocol.Position, prefix string) *plan.Plan {
	if off, ok := textpos.NewLineIndex(text).Offset(pos); ok && off >= len(prefix) && string(text[off-len(prefix):off]) == prefix {
		end := off
		for end < len(text) && isKeyByte(text[end]) {
			end++
		}
		// A whole entry ("key: value") parses: only a bare word is cut.
		if rest := bytes.TrimLeft(text[end:], " \t"); len(rest) > 0 && rest[0] == ':' {
			end = off
		}
		trimmed := make([]byte, 0, len(text))
		trimmed = append(append(trimmed, text[:off-len(prefix)]...), text[end:]...)
		text = trimmed
	}
	p, _ := plan.Parse(path, text)
	return p
}

func isKeyByte(b byte) bool {
	return b == '_' || b == '-' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
