package diagnostics

// Content heuristics: the defects that people who cleaned public
// fine-tuning sets by hand (the Alpaca, Dolly and Code Alpaca clean-ups)
// fixed again and again. Each rule was run over the public datasets of the
// test corpus and its findings read; docs/rules-precision.md has the
// figures, and a rule that was right less than nine times in ten is info.
//
// These rules run on every row, so each looks for a rare byte first
// (bytes.IndexByte is vectorised) and reads the text closely only around
// what it finds. Each rule is a file of its own (q009_placeholder_field.go
// to q015_no_user_turn.go, b007_system_prompt_not_planned.go); this file
// holds their scanners, which share the walk over a row's turns.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"strings"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/internal/jsonpos"
)

// Placeholder fields (Q009).

// emptyStandIns are texts that stand for no content in any field; their
// lower-case forms.
var emptyStandIns = []string{
	"<noinput>", "<no input>", "noinput", "no input", "no input.", "<nooutput>", "<no output>",
	"nooutput", "no output", "no output.", "<blank>", "<empty>", "<none>", "<null>", "<n/a>",
	"-", "--", ".", "...",
}

// promptStandIns are placeholders only in prompts and inputs: as answers,
// "None" or "N/A" can be right.
var promptStandIns = []string{"n/a", "n/a.", "na", "none", "none.", "null", "nil", "empty", "blank", "nothing", "not applicable", "(none)", "[none]"}

// openingTags are stand-ins that some sets put before a real answer.
var openingTags = []string{"<noinput>", "<no input>", "<nooutput>", "<no output>"}

func roleText(role string) string {
	if role == "assistant" {
		return "output"
	}
	return "input"
}

func matchAny(s string, list []string) bool {
	for _, p := range list {
		if s == p {
			return true
		}
	}
	return false
}

// lowerASCII returns b lower-cased in ASCII, as a string.
func lowerASCII(b []byte) string {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return string(out)
}

// Template leakage (Q010).

// inlineMarkers are leaked markers wherever they stand; their lower-case
// forms (the search ignores case).
var inlineMarkers = []string{"[inst]", "[/inst]", "<<sys>>", "<</sys>>", "<start_of_turn>", "<end_of_turn>"}

// alpacaHeaders follow "### " in Alpaca's template; a colon or a line end
// must come next, so that Markdown headings ("### Input validation") pass.
var alpacaHeaders = []string{"instruction", "input", "response", "output", "human", "assistant"}

// speakerMarkers open a line in the transcript formats; case matters, as
// "User:" and "Assistant:" written in prose are normal.
var speakerMarkers = []string{"Human:", "Assistant:", "USER:", "ASSISTANT:", "### Human", "### Assistant"}

// findTemplateMarker returns the first template marker in text outside
// code, or "". Only '#', '[', '<' and line starts can begin one, so it
// looks at those alone.
func findTemplateMarker(text []byte, answer bool) (marker string, userLine bool) {
	found, at := "", len(text)
	note := func(i int, m []byte) {
		if i < at && !inCode(text, i) {
			found, at = string(m), i
		}
	}
	for i := 0; i < len(text); i++ {
		j := bytes.IndexByte(text[i:], '#')
		if j < 0 {
			break
		}
		i += j
		n := i
		for n < len(text) && text[n] == '#' {
			n++
		}
		lineStart := i == 0 || text[i-1] == '\n'
		switch {
		case n-i >= 2 && lineStart && (n == len(text) || text[n] == '\n' || text[n] == '\r'):
			note(i, text[i:n])
		case n-i == 3 && n < len(text) && text[n] == ' ':
			for _, h := range alpacaHeaders {
				if e := n + 1 + len(h); hasFoldAt(text, n+1, h) && (e == len(text) || text[e] == ':' || text[e] == '\n') {
					note(i, text[i:min(e+1, len(text))])
				}
			}
		}
		i = n
	}
	square, angle := nextByte{c: '[', at: -1}, nextByte{c: '<', at: -1}
	for i := 0; ; i++ {
		if i = min(square.from(text, i), angle.from(text, i)); i == len(text) {
			break
		}
		for _, m := range inlineMarkers {
			if hasFoldAt(text, i, m) {
				note(i, text[i:i+len(m)])
			}
		}
		if bytes.HasPrefix(text[i:], []byte("<s>")) && (i == 0 || bytes.HasPrefix(bytes.TrimLeft(text[i+3:], " "), []byte("[INST]"))) {
			note(i, text[i:i+3])
		}
		if bytes.HasPrefix(text[i:], []byte("</s>")) && len(bytes.TrimSpace(text[i+4:])) == 0 {
			note(i, text[i:i+4])
		}
	}
	// i walks from one line start to the next; a blank line is a line too,
	// so that "\n\nHuman:" is seen.
	for i, next := 0, 0; next >= 0 && i < len(text); i += next + 1 {
		next = bytes.IndexByte(text[i:], '\n')
		// The first byte tells which markers the line may open with.
		line := text[i:]
		switch c := line[0]; {
		case c == 'H' || c == 'A' || c == 'U' || c == '#':
			for _, m := range speakerMarkers {
				if bytes.HasPrefix(line, []byte(m)) {
					note(i, line[:len(m)])
				}
			}
			// "User:" is a marker only in context (see Q010), so it is
			// reported apart.
			userLine = userLine || answer && i > 0 && bytes.HasPrefix(line, []byte("User:")) && !inCode(text, i)
		case '0' <= c && c <= '9':
			// Self-instruct numbers the examples it generates: "18. Instruction:".
			k := 0
			for k < len(line) && k < 3 && '0' <= line[k] && line[k] <= '9' {
				k++
			}
			if k > 0 && k+2 < len(line) && line[k] == '.' && line[k+1] == ' ' {
				// Only the instruction header: "1. Input: the data is read"
				// opens an ordinary numbered list.
				if hasFoldAt(line, k+2, "instruction:") {
					note(i, line[:k+2+len("instruction:")])
				}
			}
		case c|0x20 == 'i':
			if answer && i > 0 && hasFoldAt(line, 0, "instruction:") {
				note(i, line[:len("instruction:")])
			}
		}
	}
	return found, userLine
}

// Content the model cannot see (Q011).

// attachmentTags open a tag standing for an attachment, lower-case.
var attachmentTags = []string{"<picture", "<image", "<photo", "<audio", "<video", "<attachment", "<attached",
	"[picture", "[image", "[photo", "[audio", "[video", "[attachment", "[attached", "[screenshot"}

// mediaNouns are things a text-only model cannot see; referenceWords, the
// words before one that make it a reference to a particular item.
var (
	mediaNouns = map[string]bool{
		"image": true, "images": true, "picture": true, "pictures": true, "photo": true, "photos": true,
		"photograph": true, "photographs": true, "painting": true, "drawing": true, "illustration": true,
		"screenshot": true, "screenshots": true, "video": true, "recording": true, "audio": true,
		"diagram": true, "chart": true, "artwork": true, "sketch": true,
	}
	// mediaStart holds the first three letters of mediaNouns: bit c&31 of
	// t[a&31][b&31] for a noun starting abc, the same in either case. Most
	// words fail it before any lookup.
	mediaStart = func() (t [32][32]uint32) {
		for n := range mediaNouns {
			t[n[0]&31][n[1]&31] |= 1 << (n[2] & 31)
		}
		return t
	}()
	referenceInitial = func() (t [256]bool) {
		for w := range referenceWords {
			t[w[0]] = true
		}
		return t
	}()
	// madeNouns are as often things the answer is asked to make ("the
	// chart should show..."): only a word that points at a given one
	// makes them a reference.
	madeNouns      = map[string]bool{"diagram": true, "chart": true, "sketch": true, "drawing": true}
	pointingWords  = map[string]bool{"attached": true, "above": true, "below": true, "given": true, "provided": true, "following": true, "uploaded": true}
	referenceWords = map[string]bool{
		"the": true, "this": true, "that": true, "these": true, "those": true, "attached": true,
		"following": true, "given": true, "provided": true, "above": true, "below": true, "uploaded": true,
	}
	// nounModifiers follow a media noun that is not the thing itself:
	// "the video game", "this image format".
	nounModifiers = map[string]bool{
		"game": true, "games": true, "card": true, "conference": true, "call": true, "editing": true,
		"processing": true, "recognition": true, "classification": true, "quality": true, "format": true,
		"formats": true, "file": true, "size": true, "resolution": true, "generation": true, "book": true,
		"frame": true, "album": true, "industry": true, "of": true, "type": true, "tag": true,
	}
	// linkWords make a link stand for content to read or watch.
	linkWords = []string{"article", "webpage", "web page", "blog", "video", "podcast", "paper", "news", "summar", "content of", "according to", "read ", "watch", "listen"}
)

// unseenHead and unseenTail are how much of a prompt's start and end Q011
// reads.
const unseenHead, unseenTail = 400, 200

// hasMedia reports whether the row carries images or audio for a
// multimodal trainer, which makes references to them legitimate.
func (c *RowContext) hasMedia() bool {
	// One walk over the row's keys instead of a Get for each name.
	for k := range c.Root.Members() {
		if name, ok := k.RawName(); ok {
			switch string(name) {
			case "images", "image", "videos", "audios":
				return true
			}
		} else if k.Equal("images") || k.Equal("image") || k.Equal("videos") || k.Equal("audios") {
			return true
		}
	}
	for _, m := range c.Messages {
		if m.Content.Kind() != jsonpos.Array {
			continue
		}
		for _, p := range m.Content.Elems() {
			if t := p.Get("type").Str(); t != "text" && t != "" {
				return true
			}
		}
	}
	return false
}

// findUnseen returns a description of the first reference in a prompt to
// content it does not hold, or "". Only when link is set may text hold a
// link ("://"): the caller has searched for one.
func findUnseen(text, prompt []byte, link bool) string {
	for i := 0; ; i++ {
		j := indexOpen(text[i:])
		if j < 0 {
			break
		}
		i += j
		for _, tag := range attachmentTags {
			if hasFoldAt(text, i, tag) && (len(text) == i+len(tag) || !isLetter(text[i+len(tag)]) || text[i+len(tag)]|0x20 == 's') {
				end := i + bytes.IndexAny(text[i:], "]>\n") + 1
				if end <= i || end-i > 60 {
					end = i + len(tag)
				}
				return fmt.Sprintf("%q", text[i:end])
			}
		}
	}
	// A reference is a media noun after a reference word and one space
	// ("the photo"; after any other byte the words belong to different
	// phrases). The spaces are found eight bytes at a time and only the
	// words after them whose first three letters start a media noun are
	// read.
	for i := 0; ; {
		start := nextMediaWord(text, i)
		if start < 0 {
			break
		}
		i = start
		if !isLetter(text[start]) {
			continue
		}
		end := start
		for end < len(text) && isLetter(text[end]) {
			end++
		}
		word := text[start:end]
		if len(word) < 4 || len(word) > 12 {
			continue
		}
		// The word before: the letters before the space, after any other
		// bytes.
		pe := start - 1
		for pe > 0 && !isLetter(text[pe-1]) {
			pe--
		}
		ps := pe
		for ps > 0 && isLetter(text[ps-1]) {
			ps--
		}
		prev := text[ps:pe]
		if len(prev) == 0 || len(prev) > 9 || !isReference(prev, word) {
			continue
		}
		var buf [16]byte
		if !nounModifiers[string(lowerInto(&buf, nextWord(text[end:])))] && !(end < len(text) && (text[end] == '-' || text[end] == '_')) && !describedAfter(text[end:]) {
			return fmt.Sprintf("%q", string(prev)+" "+string(word))
		}
	}
	// A link stands for content when the prompt asks to read or summarise
	// it and holds little else; the words are looked for outside links,
	// whose paths are full of them.
	if !link {
		return ""
	}
	if k := indexLink(text); k > 0 && len(prompt) < 400 {
		start := bytes.LastIndex(text[:k], []byte("http"))
		if start < 0 {
			return ""
		}
		end := k + bytes.IndexAny(text[k:], " \n\t)\"'")
		if end < k {
			end = len(text)
		}
		words := withoutLinks(prompt)
		for _, w := range linkWords {
			if containsFold(words, w) {
				return fmt.Sprintf("content at the link %s", text[start:end])
			}
		}
	}
	return ""
}

// indexLink returns the index of the first "://" in text, or -1. It
// stops at each slash, rarer in text than the colon bytes.Index would
// stop at.
func indexLink(text []byte) int {
	for i := 0; ; i++ {
		j := bytes.IndexByte(text[i:], '/')
		if j < 0 {
			return -1
		}
		if i += j; i > 0 && text[i-1] == ':' && i+1 < len(text) && text[i+1] == '/' {
			return i - 1
		}
	}
}

// nextMediaWord returns the index, at or after i+1, of the first byte
// after a space whose three bytes could start a media noun (see mediaStart),
// or -1. A word of eight bytes at a time is searched for spaces.
func nextMediaWord(text []byte, i int) int {
	const ones, low7 = 0x0101010101010101, 0x7F7F7F7F7F7F7F7F
	for ; i+8 <= len(text); i += 8 {
		x := binary.LittleEndian.Uint64(text[i:]) ^ (ones * ' ')
		// The high bit of each byte of x that is zero, that is of each
		// space, and of no other.
		m := ^((x&low7 + low7) | x | low7)
		for m != 0 {
			k := i + bits.TrailingZeros64(m)/8
			m &= m - 1
			if k+3 < len(text) && mediaStart[text[k+1]&31][text[k+2]&31]>>(text[k+3]&31)&1 != 0 {
				return k + 1
			}
		}
	}
	for ; i+3 < len(text); i++ {
		if text[i] == ' ' && mediaStart[text[i+1]&31][text[i+2]&31]>>(text[i+3]&31)&1 != 0 {
			return i + 1
		}
	}
	return -1
}

// describedAfter reports whether the text after a reference gives the
// thing in words: "the following painting: The Starry Night by Van Gogh".
func describedAfter(rest []byte) bool {
	rest = rest[:min(len(rest), 16)]
	return bytes.IndexAny(rest, ":\n") >= 0
}

// withoutLinks returns text with its http(s) links cut out.
func withoutLinks(text []byte) []byte {
	var out []byte
	for {
		k := bytes.Index(text, []byte("http"))
		if k < 0 {
			return append(out, text...)
		}
		out = append(out, text[:k]...)
		end := bytes.IndexAny(text[k:], " \n\t)\"'")
		if end < 0 {
			return out
		}
		text = text[k+end:]
	}
}

// isReference reports whether prev and noun point at a particular media
// item: "the photo", "attached image". Map lookups of a []byte converted
// in the index expression do not allocate.
func isReference(prev, noun []byte) bool {
	// Most words follow no reference word: that cheap test goes first.
	if !referenceInitial[prev[0]|0x20] || len(prev) < 3 || len(prev) > 9 {
		return false
	}
	var a, b [16]byte
	p := lowerInto(&b, prev)
	if !referenceWords[string(p)] {
		return false
	}
	n := lowerInto(&a, noun)
	return mediaNouns[string(n)] && (!madeNouns[string(n)] || pointingWords[string(p)])
}

// lowerInto lower-cases w, up to 16 bytes, into buf.
func lowerInto(buf *[16]byte, w []byte) []byte {
	n := copy(buf[:], w)
	for i, c := range buf[:n] {
		if 'A' <= c && c <= 'Z' {
			buf[i] = c + 'a' - 'A'
		}
	}
	return buf[:n]
}

func nextWord(text []byte) []byte {
	i := 0
	for i < len(text) && text[i] == ' ' {
		i++
	}
	j := i
	for j < len(text) && isLetter(text[j]) {
		j++
	}
	return text[i:j]
}

// Damaged text (Q012).

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
		j := bytes.IndexByte(raw[i:], '\\')
		if j < 0 || i+j+1 >= len(raw) {
			break
		}
		i += j
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
			r := rune(hexValue(raw[i+2 : i+6]))
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

func hexValue(h []byte) int {
	v := 0
	for _, c := range h {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | int(c-'0')
		case 'a' <= c|0x20 && c|0x20 <= 'f':
			v = v<<4 | int(c|0x20-'a'+10)
		default:
			return -1
		}
	}
	return v
}

// runeDamage reports the characters that are damage wherever they stand.
func runeDamage(r rune) (damage, bool) {
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
// text that is not code or HTML, where it would be literal.
func htmlEntity(text []byte) string {
	if bytes.Contains(text, []byte("</")) || bytes.Contains(text, []byte("/>")) || containsFold(text, "html") || containsFold(text, "entit") {
		return ""
	}
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
			for k < len(text) && k-i < 8 && hexValue(text[k:k+1]) >= 0 {
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
func literalEscape(text []byte) string {
	if looksLikeCode(text) {
		return ""
	}
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

// Degenerate repetition (Q013).

const (
	// minLoop is the shortest stretch of repeats reported, in bytes, and
	// minRepeats the fewest repeats: below them, repetition is style
	// ("ha ha ha", a refrain).
	minLoop    = 300
	minRepeats = 5
	// maxPeriod is the longest repeating unit looked for, a paragraph:
	// guanaco-7b's answers in AlpacaEval loop on eight sentences (270
	// bytes) and on 17 list items (410 bytes). Most probes look only for
	// units up to shortPeriod, about two sentences; every longEvery-th
	// looks for any up to maxPeriod. A loop of a longer unit p has at
	// least 5p bytes, which holds such a probe and a unit after it, as
	// longEvery*probeStep + 16 + probeLen <= 4*shortPeriod.
	maxPeriod   = 1024
	shortPeriod = 256
	longEvery   = 4
	// maxTries is how many recurrences of a probe are tried as the period:
	// in a loop of similar sentences the probe recurs at each sentence,
	// before the period.
	maxTries = 8
	// probeStep is the distance between the places where a loop is looked
	// for: a loop of minLoop bytes and minRepeats repeats always holds one
	// (moved by up to 16 bytes, see findLoop) with its probe and a whole
	// period after it, as 0.8*minLoop - 16 - probeLen >= probeStep.
	probeStep = 208
	probeLen  = 12
)

// findLoop returns the unit of the longest back-to-back repetition in text
// and how many times it repeats, or 0 when no repetition reaches minLoop
// bytes and minRepeats repeats. A loop of period p is periodic: a short
// probe taken inside it occurs again p bytes further. Probes every
// probeStep bytes find the period with one vectorised search each; the
// period is then confirmed by comparing the text with itself shifted by p.
func findLoop(text []byte) ([]byte, int) {
	var best []byte
	bestN, covered, probe := 0, 0, 0
	for at := 0; at+probeLen < len(text) && len(text) >= minLoop; at += probeStep {
		probe++
		if at < covered {
			continue
		}
		// A probe starting with a rare byte (a symbol, a digit, a capital
		// rather than a lower-case letter or a space) is found again with
		// few false starts.
		at = rarest(text[:min(len(text)-probeLen, at+16)], at)
		p := loopPeriod(text, at, probe%longEvery == 0)
		if p <= 0 {
			continue
		}
		// Extend the run where text[i] == text[i+p] both ways from the probe.
		lo, hi := at, at
		for lo > 0 && loopByte(text, lo-1, p) {
			lo--
		}
		for hi+p < len(text) && loopByte(text, hi, p) {
			hi++
		}
		run := hi - lo + p // bytes covered by the repeats
		n := run / p
		// Show the unit from a word's start, as a reader would quote it.
		// (Within the text: a run of fewer than two units, which is not
		// reported, may leave less than a unit after the word's start.)
		unit := text[lo : lo+p]
		for k := lo; k < lo+p && k+p <= len(text); k++ {
			if (k == 0 || text[k-1] == ' ' || text[k-1] == '\n' || text[k-1] == '.' || text[k-1] == '!' || text[k-1] == '?') && isLetter(text[k]) {
				unit = text[k : k+p]
				break
			}
		}
		if run >= minLoop && n >= minRepeats && letters(unit) >= 2 && n > bestN {
			best, bestN = unit, n
		}
		covered = hi
	}
	return best, bestN
}

// rarest returns the offset of the first byte of lowest byteRank in
// text[at:], which holds at most 16 bytes. Each byte's rank and offset
// make one number, whose minimum is taken without a branch: which byte is
// rarer is a coin toss to the branch predictor.
func rarest(text []byte, at int) int {
	best := uint(byteRank[text[at]]) << 4
	for k, c := range text[at+1:] {
		best = min(best, uint(byteRank[c])<<4|uint(k+1))
	}
	return at + int(best&15)
}

// loopPeriod returns the distance, up to shortPeriod or, when long, up to
// maxPeriod, to the first recurrence of the probe at at after which the
// text goes on repeating for a while, or -1.
func loopPeriod(text []byte, at int, long bool) int {
	end, from, tries := min(len(text), at+shortPeriod+probeLen), at, maxTries
	if long {
		// The short probes cover the periods up to shortPeriod; a long unit
		// is often a list whose items recur every few bytes.
		end, from, tries = min(len(text), at+maxPeriod+probeLen), at+shortPeriod-1, 2*maxTries
	}
	for try := 0; try < tries; try++ {
		x := indexProbe(text, at, from, end)
		if x < 0 {
			return -1
		}
		p, k := x-at, probeLen
		for k < 64 && x+k < len(text) && loopByte(text, at+k, p) {
			k++
		}
		if k == 64 || x+k == len(text) {
			return p
		}
		from = x
	}
	return -1
}

// loopByte reports whether text[i] and text[i+p] match in a loop. The
// numbers of a numbered list count up from one repeat to the next
// ("20. The moon is a star.", "21. The moon is a star."); other digits
// must repeat exactly, as "item1 item2 item3" counts rather than loops.
func loopByte(text []byte, i, p int) bool {
	a, b := text[i], text[i+p]
	return a == b || isDigit(a) && isDigit(b) && lineNumber(text, i) && lineNumber(text, i+p)
}

// lineNumber reports whether the digit at i belongs to a number opening a
// line.
func lineNumber(text []byte, i int) bool {
	for i > 0 && isDigit(text[i-1]) {
		i--
	}
	return i == 0 || text[i-1] == '\n'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// indexProbe returns the first offset x in (from, end-probeLen] where
// text[x:] starts with the probe text[at:at+probeLen], or -1. The probe
// starts with a rare byte (see findLoop), searched for alone: bytes.Index
// would fall back to a slower search after a few false starts.
func indexProbe(text []byte, at, from, end int) int {
	probe := text[at : at+probeLen]
	for lo, hi := from+1, end-probeLen+1; lo < hi; {
		j := bytes.IndexByte(text[lo:hi], probe[0])
		if j < 0 {
			return -1
		}
		if x := lo + j; sameLoopText(text, at, x-at) {
			return x
		}
		lo += j + 1
	}
	return -1
}

// sameLoopText reports whether the probe at at recurs p bytes further.
// Most candidates differ within the first bytes: eight bytes are compared
// at once, and the bytes before the first that differs are the same; the
// byte loop is left for the digits of numbered lists.
func sameLoopText(text []byte, at, p int) bool {
	i := at
	if d := binary.LittleEndian.Uint64(text[at:]) ^ binary.LittleEndian.Uint64(text[at+p:]); d != 0 {
		i += bits.TrailingZeros64(d) / 8
		if !isDigit(text[i]) {
			return false
		}
	} else {
		i += 8
	}
	for ; i < at+probeLen; i++ {
		if !loopByte(text, i, p) {
			return false
		}
	}
	return true
}

// byteRank orders bytes from rare to frequent in English text: symbols,
// capitals, then lower-case letters by frequency; spaces and digits last,
// as a probe starting on a list number would miss the next number.
var byteRank = func() (t [256]uint8) {
	for c := range t {
		t[c] = 1
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 41
	}
	for i, c := range "ZQXJKVYUWGOBNFLHPRMEDCIAST" {
		t[c] = uint8(3 + i/9)
	}
	t[','], t['.'], t['\n'] = 6, 6, 6
	for i, c := range "zqxjkvbpygfwmucldrhsnioate" {
		t[c] = uint8(10 + i)
	}
	t[' '] = 40
	return t
}()

func letters(b []byte) int {
	n := 0
	for _, c := range b {
		if isLetter(c) || c >= utf8.RuneSelf {
			n++
		}
	}
	return n
}

// clip shortens b to at most n bytes, on a character boundary.
func clip(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "…"
}

// No user turn (Q015).

// nonUserRoles are the roles, in chat terms, of turns that are not the
// user's.
var nonUserRoles = map[string]bool{
	"system": true, "developer": true, "assistant": true, "tool": true, "function": true,
	"function_call": true, "observation": true, "ipython": true,
}

func blankValue(v jsonpos.Value) bool {
	return v.Kind() == jsonpos.String && (len(v.Raw()) == 2 || isBlank(v.Raw()))
}

// The plan's system prompt (B007).

// Same answer to different prompts (Q014).

// minSameAnswer is the shortest answer, in bytes without surrounding
// whitespace, that Q014 compares: short answers ("Yes.", "Paris") are
// rightly shared by many prompts.
const minSameAnswer = 40

// paraphrase reports whether row i is a near duplicate (D002's measure
// and threshold) of one of the earlier rows: with the same answer, its
// prompt then says nearly the same thing, which is augmentation by
// paraphrase, not an answer given to the wrong question.
func paraphrase(f *FileContext, i int, earlier []int32) bool {
	sig := f.Rows[i].Sig
	if sig == nil {
		return false
	}
	for _, j := range earlier {
		if o := f.Rows[j].Sig; o != nil && sig.Similarity(o) >= f.Settings.NearDuplicate {
			return true
		}
	}
	return false
}

// indexOpen returns the index of the first '[' or '<' in text, or -1: two
// vectorised searches cost less than bytes.IndexAny's byte loop.
func indexOpen(text []byte) int {
	a := bytes.IndexByte(text, '[')
	limit := len(text)
	if a >= 0 {
		limit = a
	}
	if b := bytes.IndexByte(text[:limit], '<'); b >= 0 {
		return b
	}
	return a
}
