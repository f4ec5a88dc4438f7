package frame

import (
	"strconv"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// openHead is what the start of a didOpen message tells about the
// document before its text: enough to check the text's lines while the
// rest of the message arrives (stream.go).
type OpenHead struct {
	// uri, languageID and version are those the message gives before the
	// text: VS Code and the LSP libraries give them all, Neovim some or
	// none (the order of its fields changes from run to run).
	URI, LanguageID string
	Version         int32
	Versioned       bool // the version came before the text
	// textAt is the index in the body of the text's first byte, just after
	// its opening quote.
	TextAt int
}

// parseOpenHead reads the start of a message body up to the text of a
// didOpen notification. It reports false for any other message: one
// whose method, if it comes before the text, is another, one with an id,
// and one without params.textDocument.text (which only didOpen has).
func ParseOpenHead(b []byte) (OpenHead, bool) {
	var h OpenHead
	sc := headScanner{b: b}
	var method string
	ok := sc.object(func(key string) bool {
		switch key {
		case "method":
			var ok bool
			method, ok = sc.str()
			return ok
		case "id":
			return false // a request, not a notification
		case "params":
			return sc.object(func(key string) bool {
				if key != "textDocument" {
					return sc.skip()
				}
				return sc.object(func(key string) bool {
					var ok bool
					switch key {
					case "uri":
						h.URI, ok = sc.str()
					case "languageId":
						h.LanguageID, ok = sc.str()
					case "version":
						h.Version, ok = sc.int32()
						h.Versioned = ok
					case "text":
						if ok = sc.i < len(sc.b) && sc.b[sc.i] == '"'; ok {
							h.TextAt = sc.i + 1
							sc.found = true
						}
					default:
						ok = sc.skip()
					}
					return ok
				})
			})
		}
		return sc.skip()
	})
	return h, ok && sc.found && (method == "" || method == "textDocument/didOpen")
}

// headScanner walks the start of a JSON text, which may end anywhere.
type headScanner struct {
	b     []byte
	i     int
	found bool // the text was reached: everything stops there
}

func (sc *headScanner) ws() {
	for sc.i < len(sc.b) {
		switch sc.b[sc.i] {
		case ' ', '\t', '\r', '\n':
			sc.i++
		default:
			return
		}
	}
}

func (sc *headScanner) take(c byte) bool {
	sc.ws()
	if sc.i < len(sc.b) && sc.b[sc.i] == c {
		sc.i++
		return true
	}
	return false
}

// object reads an object, calling member with the cursor on each value;
// member reads the value and reports whether it could. Reading stops as
// soon as the text is found.
func (sc *headScanner) object(member func(key string) bool) bool {
	if !sc.take('{') {
		return false
	}
	if sc.take('}') {
		return true
	}
	for {
		key, ok := sc.str()
		if !ok || !sc.take(':') {
			return false
		}
		sc.ws()
		if !member(key) {
			return false
		}
		if sc.found {
			return true
		}
		if !sc.take(',') {
			return sc.take('}')
		}
	}
}

// str reads a string and decodes it.
func (sc *headScanner) str() (string, bool) {
	sc.ws()
	start := sc.i
	if !sc.skipString() {
		return "", false
	}
	v, err := jsonpos.Parse(sc.b[start:sc.i])
	if err != nil {
		return "", false
	}
	return v.Str(), true
}

// skipString moves past a string token, without validating it.
func (sc *headScanner) skipString() bool {
	if sc.i >= len(sc.b) || sc.b[sc.i] != '"' {
		return false
	}
	for i := sc.i + 1; i < len(sc.b); i++ {
		switch sc.b[i] {
		case '\\':
			i++
		case '"':
			sc.i = i + 1
			return true
		}
	}
	return false
}

func (sc *headScanner) int32() (int32, bool) {
	sc.ws()
	start := sc.i
	for sc.i < len(sc.b) && (sc.b[sc.i] == '-' || sc.b[sc.i] >= '0' && sc.b[sc.i] <= '9') {
		sc.i++
	}
	v, err := strconv.ParseInt(string(sc.b[start:sc.i]), 10, 32)
	return int32(v), err == nil
}

// skip moves past a value of any kind; the message is validated whole
// once it has arrived, so only its extent matters here.
func (sc *headScanner) skip() bool {
	depth := 0
	for sc.i < len(sc.b) {
		switch c := sc.b[sc.i]; c {
		case '"':
			if !sc.skipString() {
				return false
			}
			if depth == 0 {
				return true
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return true // the end of the enclosing value
			}
			depth--
			if depth == 0 {
				sc.i++
				return true
			}
		case ',':
			if depth == 0 {
				return true
			}
		}
		sc.i++
	}
	return false
}
