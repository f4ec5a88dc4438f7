package diagnostics

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf8"
)

func init() {
	register(&Rule{
		Code: "Q013", Name: "degenerate-repetition", Severity: Warning,
		Summary: "an answer that loops on the same words",
		Doc: Doc{
			What: "Reports an answer (or a text row) in which the same stretch of text holding letters, from a few words to a paragraph of up to 1 KB, repeats back to back at least 5 times over at least 300 bytes. The numbers opening the lines of a numbered list may count up from one repeat to the next (\"20. The moon is a star.\", \"21. The moon is a star.\"); other text must repeat exactly, so counting (\"item1 item2 item3\") is not a loop.",
			Why:  "This is how a generator failure looks: the model fell into a loop and ran until its token limit. Trained on it, a model learns to loop too, and one such row can be longer than hundreds of good ones.",
			Bad:  `{"role": "assistant", "content": "Eat a banana!Eat a banana!Eat a banana!Eat a banana!Eat a banana!..."}`,
			Good: `{"role": "assistant", "content": "Eat a banana!"}`,
			Fix:  "Cut the answer after the first repetition, or regenerate it.",
		},
		Row: checkRepetition,
	})
}

func checkRepetition(c *RowContext) {
	for _, s := range c.spans() {
		if s.role != "assistant" && s.role != "" {
			continue
		}
		if unit, n := findLoop(s.text); n > 0 {
			c.ReportValue("Q013", s.value, nil, "%s repeats %q %d times in a row: a generation loop", c.where(&s), clip(bytes.TrimSpace(unit), 60), n)
		}
	}
}

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
// would fall back to a slower search after a few false starts. Outside
// Latin script that byte is the lead byte of a rune, found every few
// bytes (0xD0 and 0xD1 open most Cyrillic letters): the search is then
// for a continuation byte among the probe's first bytes (up to four, up
// to a digit), and those bytes are compared at each place it stops, as
// sameLoopText holds every byte but digits to be equal.
func indexProbe(text []byte, at, from, end int) int {
	probe := text[at : at+probeLen]
	k, a := 1, 0 // the bytes compared, and the one searched for
	if probe[0] >= utf8.RuneSelf {
		for k < 4 && !isDigit(probe[k]) {
			k++
		}
		for a < k && (probe[a] < 0x80 || probe[a] >= 0xC0) {
			a++
		}
		if a == k {
			a = 0
		}
	}
	for lo, hi := from+1, end-probeLen+1; lo < hi; {
		j := bytes.IndexByte(text[lo+a:hi+a], probe[a])
		if j < 0 {
			return -1
		}
		x := lo + j
		if string(text[x:x+k]) == string(probe[:k]) && sameLoopText(text, at, x-at) {
			return x
		}
		lo = x + 1
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
