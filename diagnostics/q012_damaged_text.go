package diagnostics

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "Q012", Name: "damaged-text", Severity: Warning, Fixable: true,
		Summary: "invisible, control or garbled characters in the text",
		Doc: Doc{
			What: "Reports text holding zero-width spaces, word joiners, soft hyphens or byte order marks; control characters; U+FFFD, the replacement character left where decoding failed; mojibake, UTF-8 read as Windows-1252 (`â€™`, `Ã©`, `Â `), written as itself or as JSON escapes (`\\u00e2\\u20ac\\u2122`); non-breaking spaces indenting a line; and, outside code and HTML, HTML entities (`&amp;`, `&#39;`) and literal escape sequences (a two-character `\\n` between sentences) where the real character was meant.",
			Why:  "The model learns the damage: it emits invisible characters that break string comparisons and search, writes `&amp;` in plain text, or prints `\\n` instead of a line break. Each is a sign of a broken export step upstream, which usually damaged other rows too.",
			Bad:  `{"role": "assistant", "content": "It\u200bs ready. Donâ€™t wait."}`,
			Good: `{"role": "assistant", "content": "It's ready. Don't wait."}`,
			Fix:  "Removes zero-width spaces, word joiners, soft hyphens and byte order marks, which carry no text. The other damage needs a person: repair mojibake by re-decoding the source as UTF-8, unescape entities and escape sequences where they are not meant literally.",
		},
		Row: checkDamagedText,
	})
}

func checkDamagedText(c *RowContext) {
	for _, s := range c.spans() {
		if s.value.Kind() != jsonpos.String {
			continue
		}
		// The parser noted which UTF-8 sequences and which escapes the
		// string holds, which spares most of the scans for both.
		d, ok := findDamage(s.value.Raw(), s.text, s.value.UTF8Seqs(), s.value.Escapes())
		if !ok {
			continue
		}
		var fix *Fix
		if d.removable && s.value.Kind() == jsonpos.String {
			fix = c.SpliceLater("Remove invisible characters", s.value.Start(), s.value.End(), withoutInvisible)
		}
		c.ReportValue("Q012", s.value, fix, "%s contains %s", c.where(&s), d.what)
	}
}

// damage is one kind of damaged text found in a string's source.
type damage struct {
	what      string // how the message names it
	removable bool   // the fix can delete it: it carries no text
}

// invisible are the characters the fix removes: they have no width and no
// meaning inside text. Joiners (U+200C, U+200D) are left alone, as emoji
// sequences and several scripts need them.
var invisible = map[rune]string{
	0x200B: "a zero-width space (U+200B)",
	0x2060: "a word joiner (U+2060)",
	0xFEFF: "a byte order mark (U+FEFF) inside the text",
	0x00AD: "a soft hyphen (U+00AD)",
}

// withoutInvisible returns the JSON string token raw without its
// invisible characters: Q012's fix, made when it is applied.
func withoutInvisible(raw []byte) ([]byte, error) {
	text, err := decodeString(raw)
	if err != nil {
		return nil, err
	}
	return quoted(stripInvisible(text)), nil
}

func stripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		if _, ok := invisible[r]; ok {
			return -1
		}
		return r
	}, s)
}

// findDamage looks for damaged text in a JSON string's source raw, which
// holds the characters either as themselves or as escapes; text is the
// decoded string, read only to confirm what depends on the context. What
// the parser learned of raw spares searches: seqs holds the lengths of its
// UTF-8 sequences (see jsonpos.Value.UTF8Seqs), escs its escapes
// (supersets of both will do). It scans for the bytes that start each
// kind of damage, so that a clean string costs a few vectorised searches.
func findDamage(raw, text []byte, seqs uint8, escs jsonpos.Escapes) (damage, bool) {
	// Escapes: control characters and invisible ones written as \uXXXX, and
	// escaped backslashes that may be literal escape sequences. Only these
	// four escapes matter: a string with none of them (most have only \n
	// and \") needs no walk over its backslashes.
	walk := escs.Has('b') || escs.Has('f') || escs.Has('\\') || escs.Has('u')
	literal, escapedLead := false, false
	for i := 0; walk; i += 2 {
		// Escapes come in runs ("\u4e2d\u6587"): the next one needs no
		// search.
		if i >= len(raw) || raw[i] != '\\' {
			j := bytes.IndexByte(raw[i:], '\\')
			if j < 0 {
				break
			}
			i += j
		}
		if i+1 >= len(raw) {
			break
		}
		switch raw[i+1] {
		case 'b', 'f':
			return damage{what: fmt.Sprintf("a control character (%s)", controlName(rune(map[byte]int{'b': 8, 'f': 12}[raw[i+1]])))}, true
		case '\\':
			if i+2 < len(raw) && (raw[i+2] == 'n' || raw[i+2] == 't') {
				literal = true
			}
		case 'u':
			if i+6 > len(raw) {
				break
			}
			r := jsonpos.Hex4(raw[i+2:])
			if d, ok := runeDamage(r); ok {
				return d, true
			}
			if r == 0xA0 && (i == 1 || i >= 2 && raw[i-2] == '\\' && raw[i-1] == 'n') {
				return damage{what: "a non-breaking space (U+00A0) indenting a line"}, true
			}
			// Python's json.dumps writes mojibake as escapes: "\u00e2\u20ac\u2122".
			escapedLead = escapedLead || r == 'Ã' || r == 'Â' || r == 'â'
			i += 4
		}
	}
	// Characters written as themselves: every kind starts with one of four
	// lead bytes, and the byte after it tells which before any decoding:
	// C2 80-A0 and AD (controls, no-break space, soft hyphen), C3 82, 83
	// and A2 (mojibake), E2 80 and 81 (zero-width space, word joiner), EF
	// BB and BF (byte order mark, U+FFFD). A vectorised search for each
	// lead byte passes over the rest, CJK and emoji included. A string
	// without 2-byte sequences (or invalid bytes) needs no search for C2
	// and C3, one without 3-byte sequences none for E2 and EF.
	for _, lead := range [...]byte{0xC2, 0xC3, 0xE2, 0xEF} {
		size := 2
		if lead >= 0xE0 {
			size = 3
		}
		for i := 0; seqs&(1<<1|1<<size) != 0 && i < len(raw); i++ {
			j := bytes.IndexByte(raw[i:], lead)
			if j < 0 || i+j+1 >= len(raw) {
				break
			}
			i += j
			switch next := raw[i+1]; lead {
			case 0xC2:
				if next > 0xA0 && next != 0xAD {
					continue
				}
			case 0xC3:
				if next != 0x82 && next != 0x83 && next != 0xA2 {
					continue
				}
			case 0xE2:
				if next != 0x80 && next != 0x81 {
					continue
				}
			case 0xEF:
				if next != 0xBB && next != 0xBF {
					continue
				}
			}
			r, _ := utf8.DecodeRune(raw[i:])
			if d, ok := runeDamage(r); ok {
				return d, true
			}
			if r == 0xA0 && (i == 1 || i >= 2 && raw[i-2] == '\\' && raw[i-1] == 'n' || i >= 3 && raw[i-2] == 0xC2 && raw[i-1] == 0xA0) {
				return damage{what: "a non-breaking space (U+00A0) indenting a line"}, true
			}
			if m := mojibake(raw[i:]); m != "" {
				return damage{what: fmt.Sprintf("%q, mojibake (UTF-8 read as Windows-1252)", m)}, true
			}
		}
	}
	for i := 0; escapedLead && i < len(text); i++ {
		j := bytes.IndexByte(text[i:], 0xC3)
		if j < 0 {
			break
		}
		i += j
		if m := mojibake(text[i:]); m != "" {
			return damage{what: fmt.Sprintf("%q, mojibake (UTF-8 read as Windows-1252)", m)}, true
		}
	}
	if bytes.IndexByte(raw, '&') >= 0 {
		if e := htmlEntity(text); e != "" {
			return damage{what: fmt.Sprintf("the HTML entity %q in plain text", e)}, true
		}
	}
	if literal {
		if e := literalEscape(text); e != "" {
			return damage{what: fmt.Sprintf("a literal \"%s\" (a backslash and a letter) where a %s was meant", e, map[string]string{`\n`: "line break", `\t`: "tab"}[e])}, true
		}
	}
	return damage{}, false
}

func isHexDigit(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f' }

// runeDamage reports the characters that are damage wherever they stand.
func runeDamage(r rune) (damage, bool) {
	// Most runes are none of those damageOf looks for: a text Python
	// wrote with an escape for every character outside ASCII asks for
	// each.
	if r >= 0xA0 && r != 0xAD && r != 0x200B && r != 0x2060 && r < 0xFEFF {
		return damage{}, false
	}
	return damageOf(r)
}

// damageOf is runeDamage without its shortcut.
func damageOf(r rune) (damage, bool) {
	if what, ok := invisible[r]; ok {
		return damage{what: what, removable: true}, true
	}
	switch {
	case r == utf8.RuneError:
		return damage{what: "U+FFFD, the replacement character left where text failed to decode"}, true
	case r >= 0 && r < 0x20 && r != '\n' && r != '\t' && r != '\r', r == 0x7F, r >= 0x80 && r < 0xA0:
		return damage{what: fmt.Sprintf("a control character (%s)", controlName(r))}, true
	}
	return damage{}, false
}

func controlName(r rune) string { return fmt.Sprintf("U+%04X", r) }

// mojibake returns the start of b when it is UTF-8 that was decoded as
// Windows-1252 and encoded again: "Ã" or "Â" followed by a character of
// U+0080-U+00BF or by one of Windows-1252's punctuation marks, or "â€".
// Real text has neither pair.
func mojibake(b []byte) string {
	r1, n1 := utf8.DecodeRune(b)
	if r1 != 'Ã' && r1 != 'Â' && r1 != 'â' {
		return ""
	}
	r2, n2 := utf8.DecodeRune(b[n1:])
	switch {
	case r1 == 'â' && r2 == '€',
		r1 != 'â' && r2 >= 0x80 && r2 < 0xC0,
		r1 == 'Ã' && strings.ContainsRune("€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ", r2):
		end := n1 + n2
		if r3, n3 := utf8.DecodeRune(b[end:]); r1 == 'â' && r3 >= 0x80 && r3 != utf8.RuneError {
			end += n3
		}
		return string(b[:end])
	}
	return ""
}

// htmlEntity returns the first named or numeric character reference in
// text that is not code or HTML, where it would be literal. Whether the
// text is HTML, four searches of all of it, is asked once a reference is
// found: code and long answers hold '&' often, references seldom.
func htmlEntity(text []byte) string {
	e := firstEntity(text)
	if e == "" || bytes.Contains(text, []byte("</")) || bytes.Contains(text, []byte("/>")) || containsFold(text, "html") || containsFold(text, "entit") {
		return ""
	}
	return e
}

// firstEntity returns the first named or numeric character reference in
// text outside code, or "".
func firstEntity(text []byte) string {
	for i := 0; ; i++ {
		j := bytes.IndexByte(text[i:], '&')
		if j < 0 {
			return ""
		}
		i += j
		k := i + 1
		if k < len(text) && text[k] == '#' {
			k++
			if k < len(text) && text[k]|0x20 == 'x' {
				k++
			}
			for k < len(text) && k-i < 8 && isHexDigit(text[k]) {
				k++
			}
		} else {
			for k < len(text) && k-i < 8 && isLetter(text[k]) {
				k++
			}
		}
		if k < len(text) && text[k] == ';' && k > i+2 && entityName(text[i+1:k]) && !inCode(text, i) {
			return string(text[i : k+1])
		}
	}
}

func entityName(name []byte) bool {
	if name[0] == '#' {
		return true
	}
	switch string(name) {
	case "amp", "lt", "gt", "quot", "apos", "nbsp", "mdash", "ndash", "rsquo", "lsquo", "rdquo", "ldquo", "hellip", "copy":
		return true
	}
	return false
}

// literalEscape returns `\n` or `\t` when text has one as two characters
// between words of running text: after a letter or punctuation and before
// a capital, a digit, a list mark or another escape. In code, regular
// expressions and paths the pair is meant literally.
//
// Whether the text looks like code, a pass over all its lines, is asked
// once such a pair is found: code holds backslashes often.
func literalEscape(text []byte) string {
	if e := firstLiteralEscape(text); e != "" && !looksLikeCode(text) {
		return e
	}
	return ""
}

// firstLiteralEscape returns literalEscape's first pair in text, whether
// or not the text looks like code.
func firstLiteralEscape(text []byte) string {
	for i := 0; ; i++ {
		j := bytes.IndexByte(text[i:], '\\')
		if j < 0 || i+j+1 >= len(text) {
			return ""
		}
		i += j
		e := text[i+1]
		if e != 'n' && e != 't' || i == 0 {
			i++
			continue
		}
		before := text[i-1]
		after := byte(0)
		if i+2 < len(text) {
			after = text[i+2]
		}
		okBefore := isLetter(before) || strings.IndexByte(".,;:!?)\"'", before) >= 0
		okAfter := after == 0 || 'A' <= after && after <= 'Z' || '0' <= after && after <= '9' || after == '\\' || after == '-' || after == '*'
		if okBefore && okAfter && !inCode(text, i) {
			return `\` + string(e)
		}
		i++
	}
}
