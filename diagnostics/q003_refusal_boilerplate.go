package diagnostics

import (
	"encoding/binary"
	"math/bits"
	"strings"

	"github.com/ftls-dev/ftls/internal/bytescan"
)

func init() {
	register(&Rule{
		Code: "Q003", Name: "refusal-boilerplate", Severity: Warning,
		Summary: "refusal or AI boilerplate in an answer",
		Doc: Doc{
			What: "Reports assistant turns that open (within their first 400 bytes) with phrases generated text leaves behind: \"as an AI language model\", \"I'm sorry, but I can't\", \"I cannot assist with\", \"as of my last knowledge update\", \"I don't have personal opinions\", \"I'm just an AI\", \"I cannot browse the internet\" and similar, and the same disclaimers in German, French and Spanish (\"als KI-Sprachmodell\", \"en tant que modèle de langage\", \"como modelo de lenguaje\"). Phrases match whole words; \"I am an AI\" alone opens identity answers and is left alone.",
			Why:  "Fine-tuning on them teaches the model to refuse or hedge where it should answer, the most common defect of LLM-generated datasets.",
			Bad:  `{"role": "assistant", "content": "As an AI language model, I cannot check orders."}`,
			Good: `{"role": "assistant", "content": "I can't see orders from here, but the tracking link in your email shows its status."}`,
			Fix:  "Rewrite the answer. When refusals are intended (negative examples), set Q003 to info.",
		},
		Row: checkBoilerplate,
	})
}

func checkBoilerplate(c *RowContext) {
	for i, t := range c.Turns() {
		if t.Role != "assistant" {
			continue
		}
		if p := findBoilerplate(t.Text[:min(len(t.Text), boilerplateSpan)]); p != "" {
			c.reportTurn("Q003", i, "answer contains %q, boilerplate that teaches the model to refuse or hedge", p)
		}
	}
}

var boilerplate = []string{
	"as an ai language model", "as a large language model", "as an ai assistant", "as an ai,",
	"i'm sorry, but i can't", "i am sorry, but i cannot", "i'm sorry, but i cannot", "i cannot assist with",
	"i can't assist with", "i'm unable to provide", "i am unable to provide", "i don't have personal opinions",
	"i do not have personal opinions", "as of my last knowledge update", "as of my knowledge cutoff",
	"my training data only goes", "i don't have access to real-time", "i do not have access to real-time",
	// "I am an AI" and "I'm a language model" alone open identity answers
	// ("I'm a language model trained by..."), which datasets mean to teach;
	// only the hedging forms are boilerplate.
	"i am an ai and", "i'm an ai and", "i am an ai,", "i'm an ai,", "i am an ai language model", "i'm an ai language model",
	"i'm just an ai", "i am just an ai", "i'm only an ai", "i am only an ai",
	"i cannot browse the internet", "i can't browse the internet", "i am unable to browse the internet",
	"i'm unable to browse the internet", "i don't have the ability to browse", "i do not have the ability to browse",
	"as of my last update", "as of my training cutoff",
	// German, French and Spanish: the same disclaimers as generated
	// datasets in those languages carry them.
	"als ki-sprachmodell", "als ki-assistent", "als künstliche intelligenz", "als sprachmodell",
	"en tant que modèle de langage", "en tant qu'ia", "en tant qu'intelligence artificielle", "en tant qu'assistant ia",
	"como modelo de lenguaje", "como un modelo de lenguaje", "como una ia", "como inteligencia artificial", "como asistente de ia",
}

// boilerplateByInitial lists, for each first letter, the indexes of the
// phrases that start with it, in order.
var boilerplateByInitial = func() (t [256][]int) {
	for k, p := range boilerplate {
		t[p[0]] = append(t[p[0]], k)
	}
	return t
}()

// boilerplateOpenings are the pairs of bytes a boilerplate phrase opens
// with, ignoring case: "as", "my", "i" before a space or an apostrophe
// ("'" or the first byte of "’"), "al", "en" and "co".
// (TestFindBoilerplate fails if a phrase is added that opens otherwise.)
var boilerplateOpenings = [][]string{{"aA", "sS"}, {"mM", "yY"}, {"iI", " '\xe2"}, {"aA", "lL"}, {"eE", "nN"}, {"cC", "oO"}}

// boilerplateBytes classes each byte for findBoilerplate: bits 0-7, the
// openings it may open (bit k for boilerplateOpenings[k]); bits 8-15,
// those it may close; bits 16-23 all set if it is not an ASCII letter, so
// that a word may start after it.
var boilerplateBytes = func() (t [256]uint32) {
	for k, p := range boilerplateOpenings {
		for _, c := range []byte(p[0]) {
			t[c] |= 1 << k
		}
		for _, c := range []byte(p[1]) {
			t[c] |= 1 << k << 8
		}
	}
	for c := range t {
		if !isLetter(byte(c)) {
			t[c] |= 0xff << 16
		}
	}
	return t
}()

// boilerplatePairs marks where an opening may be, the sets of its two
// bytes widened (see bytescan.Pattern).
var boilerplatePairs = bytescan.NewPattern(boilerplateOpenings...)

// boilerplateSpan is how much of the start of an answer Q003 reads: the
// phrases it looks for open an answer ("As an AI language model, ...",
// "I'm sorry, but ..."), and reading only the opening keeps the rule cheap
// on long answers.
const boilerplateSpan = 400

// findBoilerplate returns the first phrase of the boilerplate list that
// text contains as whole words, ignoring ASCII case and reading a
// typographic apostrophe as "'"; "" when it has none. Every phrase starts
// with "as", "al", "my", "en", "co", "i " or "i'", so only the positions
// that start a word so are tried: one pass over the text instead of
// lower-casing a copy and searching it once per phrase.
//
// The pass is boilerplatePairs' (bytescan.Pattern), 64 positions at a
// time where AVX2 runs it; the positions it marks are then held to the
// byte classes, which it widens, and to the start of a word, which it
// does not test. (A loop of three table lookups a byte, with no branch but
// at one position in a hundred, took 1.1 ns a byte.)
func findBoilerplate(text []byte) string {
	best := len(boilerplate)
	var masks [(boilerplateSpan + 63) / 64]uint64
	for from := 0; from+1 < len(text); from += 64 * len(masks) {
		windows := masks[:min(len(masks), (len(text)-from+63)/64)]
		boilerplatePairs.Find(text, from, windows)
		for w, m := range windows {
			for ; m != 0; m &= m - 1 {
				k := from + 64*w + bits.TrailingZeros64(m)
				if boilerplateBytes[text[k]]&(boilerplateBytes[text[k+1]]>>8)&0xff == 0 ||
					k > 0 && boilerplateBytes[text[k-1]]>>16 == 0 {
					continue
				}
				if best = boilerplateAt(text, k, best); best == 0 {
					return boilerplate[0]
				}
			}
		}
	}
	if best == len(boilerplate) {
		return ""
	}
	return boilerplate[best]
}

// boilerplateAt returns the index of the first phrase before best that
// text has at k, or best.
func boilerplateAt(text []byte, k int, best int) int {
	// The text's next eight bytes, compared with each phrase's first eight
	// before the byte-by-byte match: most candidates start no phrase, and
	// "as " or "I am" alone open several.
	var head [8]byte
	copy(head[:], text[k:])
	x := binary.LittleEndian.Uint64(head[:]) | caseBits
	for _, n := range boilerplateByInitial[text[k]|0x20] {
		if n >= best {
			break
		}
		if h := boilerplateHeads[n]; (x == h[0] || x == h[1]) && hasPrefixFold(text[k:], boilerplate[n]) && !letterAfter(text[k:], boilerplate[n]) {
			return n
		}
	}
	return best
}

// caseBits, ORed into eight bytes, lower-cases the ASCII letters among
// them. It changes other bytes too, but alike in text and phrase, so that
// bytes equal but for the case of letters stay equal.
const caseBits = 0x2020202020202020

// boilerplateHeads holds the first eight bytes of each phrase (all have
// more), as caseBits leaves them: with "'", and with "’" for it.
var boilerplateHeads = func() (h [][2]uint64) {
	for _, p := range boilerplate {
		h = append(h, [2]uint64{
			binary.LittleEndian.Uint64([]byte(p[:8])) | caseBits,
			binary.LittleEndian.Uint64([]byte(strings.ReplaceAll(p, "'", "’")[:8])) | caseBits,
		})
	}
	return h
}()

// letterAfter reports whether the phrase p that text starts with ends in
// the middle of a word ("i am an ai" in "I am an aide"); a phrase ending in
// punctuation ends where it ends.
func letterAfter(text []byte, p string) bool {
	n := prefixLen(text, p)
	return isLetter(p[len(p)-1]) && n < len(text) && isLetter(text[n])
}

// prefixLen returns how many bytes of text the phrase p covers, for a text
// that hasPrefixFold matches.
func prefixLen(text []byte, p string) int {
	j := 0
	for k := 0; k < len(p); k++ {
		if p[k] == '\'' && text[j] == 0xE2 {
			j += 3
			continue
		}
		j++
	}
	return j
}

// hasPrefixFold reports whether text starts with phrase (lower-case ASCII),
// ignoring ASCII case and matching "'" in phrase with "’" in text too.
func hasPrefixFold(text []byte, phrase string) bool {
	j := 0
	for k := 0; k < len(phrase); k++ {
		if j >= len(text) {
			return false
		}
		c := text[j]
		if phrase[k] == '\'' && c == 0xE2 && j+2 < len(text) && text[j+1] == 0x80 && text[j+2] == 0x99 {
			j += 3
			continue
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != phrase[k] {
			return false
		}
		j++
	}
	return true
}
