package diagnostics

import (
	"bytes"
	"fmt"
	"math/bits"
	"slices"

	"github.com/ftls-dev/ftls/internal/bytescan"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func init() {
	register(&Rule{
		Code: "Q011", Name: "unseen-content", Severity: Info,
		Summary: "a prompt refers to content the row does not hold",
		Doc: Doc{
			What: "Notes user turns (and Alpaca instructions and inputs) that refer to something the model is not given: an attachment tag (`<Picture Attached>`, `[Image of ...]`, `<audio>`), \"the attached file\", \"this photo\", \"the painting below\", or an article, page or video given only as a link (\"Summarize the article at https://...\"). Rows with image or audio parts, or an `images`, `videos` or `audios` key, are left out.",
			Why:  "The model cannot see the picture or open the link, yet the answer describes it: it learns to invent what it cannot see, the hallucination you least want.",
			Bad:  `{"instruction": "Describe the painting.", "input": "", "output": "The painting shows a calm lake at dusk..."}`,
			Good: `{"instruction": "Describe Monet's Impression, Sunrise.", "input": "", "output": "It shows the harbour of Le Havre at dawn..."}`,
			Fix:  "Put the content in the prompt (the article's text, a description of the image), give the row to a multimodal trainer with the media attached, or delete it.",
		},
		Row: checkUnseenContent,
	})
}

func checkUnseenContent(c *RowContext) {
	if c.hasMedia() {
		return
	}
	// An Alpaca instruction's "the following painting" is given by the
	// input, unless the input is only a link.
	given := false
	if in := c.Root.Get("input"); c.Format == dataset.Alpaca && in.Kind() == jsonpos.String && !blankValue(in) {
		given = indexLink(in.Raw()) < 0
	}
	// The prompts with a link ("://"), searched once: bit k for span k
	// (and for every span past the 64th, which findUnseen then searches).
	spans := c.spans()
	var links uint64
	for k, s := range spans {
		if s.isPrompt() && (k >= 64 || indexLink(s.text) >= 0) {
			links |= 1 << min(k, 63)
		}
	}
	// The row's prompt text, for a link's context; only rows with a link
	// need it.
	var prompt []byte
	if links != 0 {
		for _, s := range spans {
			if s.isPrompt() {
				prompt = append(append(prompt, s.text...), '\n')
			}
		}
	}
	for k := range spans {
		s := &spans[k]
		if !s.isPrompt() || c.Format == dataset.PlainText || given && s.field == "instruction" {
			continue
		}
		// The reference stands near the question, at the start or the end
		// of a prompt; the middle of a long one is content, and reading it
		// would cost the most.
		m, link := "", links>>min(k, 63)&1 != 0
		square, angle := s.open.start(s.text)
		if text, n := s.text, len(s.text); n > unseenHead+unseenTail {
			if m = findUnseen(text[:unseenHead], prompt, link, square.slice(0, unseenHead), angle.slice(0, unseenHead)); m == "" {
				m = findUnseen(text[n-unseenTail:], prompt, link, square.slice(n-unseenTail, n), angle.slice(n-unseenTail, n))
			}
		} else {
			m = findUnseen(text, prompt, link, square, angle)
		}
		if m != "" {
			c.ReportValue("Q011", s.value, nil, "%s refers to %s, which the row does not hold: the model learns to invent it", c.where(s), m)
		}
	}
}

// attachmentTags open a tag standing for an attachment, lower-case.
var attachmentTags = []string{"<picture", "<image", "<photo", "<audio", "<video", "<attachment", "<attached",
	"[picture", "[image", "[photo", "[audio", "[video", "[attachment", "[attached", "[screenshot"}

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
// link ("://"): the caller has searched for one. square and angle walk
// text's brackets (see brackets).
func findUnseen(text, prompt []byte, link bool, square, angle nextByte) string {
	for i := 0; ; i++ {
		if i = min(square.from(text, i), angle.from(text, i)); i == len(text) {
			break
		}
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
// or -1. mediaWords marks the candidates, 64 positions at a time where
// AVX2 runs it, and mediaStart decides.
func nextMediaWord(text []byte, i int) int {
	var masks [8]uint64
	for from := i; from+3 < len(text); from += 64 * len(masks) {
		windows := masks[:min(len(masks), (len(text)-from+63)/64)]
		mediaWords.Find(text, from, windows)
		for w, m := range windows {
			for ; m != 0; m &= m - 1 {
				k := from + 64*w + bits.TrailingZeros64(m)
				if text[k] == ' ' && mediaStart[text[k+1]&31][text[k+2]&31]>>(text[k+3]&31)&1 != 0 {
					return k + 1
				}
			}
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

// sameLowBits returns every byte whose low five bits are those of one of
// cs: the bytes mediaStart cannot tell from them.
func sameLowBits(cs ...byte) string {
	var b []byte
	for c := range 256 {
		for _, x := range cs {
			if byte(c)&31 == x&31 {
				b = append(b, byte(c))
				break
			}
		}
	}
	return string(b)
}

func blankValue(v jsonpos.Value) bool {
	return v.Kind() == jsonpos.String && (len(v.Raw()) == 2 || isBlank(v.Raw()))
}

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
	// mediaWords marks a space before three bytes that may start a media
	// noun, as mediaStart reads them (each byte by its low five bits): one
	// alternative for each first letter, each later position the letters
	// that follow it in some noun. (A Pattern has eight alternatives at
	// most: a ninth initial would panic at start, and fail every test.)
	mediaWords = func() *bytescan.Pattern {
		var initials []byte
		next := map[byte]*[2][]byte{}
		for n := range mediaNouns {
			if next[n[0]] == nil {
				initials = append(initials, n[0])
				next[n[0]] = new([2][]byte)
			}
			next[n[0]][0] = append(next[n[0]][0], n[1])
			next[n[0]][1] = append(next[n[0]][1], n[2])
		}
		slices.Sort(initials)
		var alternatives [][]string
		for _, c := range initials {
			alternatives = append(alternatives, []string{" ", sameLowBits(c), sameLowBits(next[c][0]...), sameLowBits(next[c][1]...)})
		}
		return bytescan.NewPattern(alternatives...)
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
