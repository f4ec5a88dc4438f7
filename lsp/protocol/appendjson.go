package protocol

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends p as encoding/json encodes it, byte for byte (HTML
// characters escaped, as json.Marshal does), without reflection: an edit
// that changes a finding sends every diagnostic of the document again,
// and encoding/json took 0.45 s for 100,000 of them and allocated four
// times their size while growing its buffer. TestAppendJSONMatchesMarshal
// holds the two together.
func (p *PublishDiagnosticsParams) AppendJSON(b []byte) []byte {
	b = append(b, `{"uri":`...)
	b = appendString(b, p.URI)
	if p.Version != nil {
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, int64(*p.Version), 10)
	}
	b = append(b, `,"diagnostics":`...)
	if p.Diagnostics == nil {
		return append(b, "null}"...)
	}
	b = append(b, '[')
	for i := range p.Diagnostics {
		if i > 0 {
			b = append(b, ',')
		}
		b = p.Diagnostics[i].appendJSON(b)
	}
	return append(b, "]}"...)
}

// SizeHint is a little over the number of bytes AppendJSON writes, unless
// many characters need escaping, so that its buffer is sized once: grown
// as it filled, 35 MB of diagnostics were copied three times over.
func (p *PublishDiagnosticsParams) SizeHint() int {
	// The names, punctuation and numbers (at up to ten digits) around the
	// strings of a diagnostic and of a related location.
	const diagnostic, related = 260, 120
	n := len(p.URI) + 64
	for i := range p.Diagnostics {
		d := &p.Diagnostics[i]
		n += diagnostic + 2*len(d.Code) + len(d.Source) + len(d.Message)
		if d.CodeDescription != nil {
			n += len(d.CodeDescription.Href)
		}
		for _, r := range d.RelatedInformation {
			n += related + len(r.Location.URI) + len(r.Message)
		}
	}
	return n + n/16
}

func (d *Diagnostic) appendJSON(b []byte) []byte {
	b = append(b, `{"range":`...)
	b = appendRange(b, d.Range)
	b = append(b, `,"severity":`...)
	b = strconv.AppendInt(b, int64(d.Severity), 10)
	b = append(b, `,"code":`...)
	b = appendString(b, d.Code)
	if d.CodeDescription != nil {
		b = append(b, `,"codeDescription":{"href":`...)
		b = appendString(b, d.CodeDescription.Href)
		b = append(b, '}')
	}
	b = append(b, `,"source":`...)
	b = appendString(b, d.Source)
	b = append(b, `,"message":`...)
	b = appendString(b, d.Message)
	if len(d.RelatedInformation) > 0 {
		b = append(b, `,"relatedInformation":[`...)
		for i, r := range d.RelatedInformation {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"location":{"uri":`...)
			b = appendString(b, r.Location.URI)
			b = append(b, `,"range":`...)
			b = appendRange(b, r.Location.Range)
			b = append(b, `},"message":`...)
			b = appendString(b, r.Message)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if d.Data != nil {
		b = append(b, `,"data":{"code":`...)
		b = appendString(b, d.Data.Code)
		b = append(b, `,"version":`...)
		b = strconv.AppendInt(b, int64(d.Data.Version), 10)
		b = append(b, `,"fix":`...)
		b = strconv.AppendInt(b, int64(d.Data.Fix), 10)
		b = append(b, '}')
	}
	return append(b, '}')
}

func appendRange(b []byte, r Range) []byte {
	b = append(b, `{"start":`...)
	b = appendPosition(b, r.Start)
	b = append(b, `,"end":`...)
	b = appendPosition(b, r.End)
	return append(b, '}')
}

func appendPosition(b []byte, p Position) []byte {
	b = append(b, `{"line":`...)
	b = strconv.AppendInt(b, int64(p.Line), 10)
	b = append(b, `,"character":`...)
	b = strconv.AppendInt(b, int64(p.Character), 10)
	return append(b, '}')
}

// plain holds the ASCII bytes a JSON string holds as they are: one
// lookup per byte instead of six comparisons.
var plain = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// appendString appends s quoted as encoding/json quotes strings with HTML
// escaping on: '"' and '\\' escaped, control characters as \n, \r, \t or
// \u00XX (\b and \f too, as encoding/json does since Go 1.22), '<', '>'
// and '&' as \u003c, \u003e and \u0026, U+2028 and U+2029 escaped, and
// each byte of invalid UTF-8 as \ufffd.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if plain[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
