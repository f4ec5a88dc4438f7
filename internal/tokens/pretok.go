package tokens

import (
	"sync"
	"unicode/utf8"
)

// Pre-tokenization: before BPE, tiktoken splits text into pieces with a
// regular expression per encoding, and BPE never merges across pieces. The
// functions here reproduce those expressions by hand, as a scanner over the
// UTF-8 string that neither converts it to runes nor allocates. They follow
// the leftmost-first (backtracking) semantics of the regex engine tiktoken
// uses, alternative by alternative; the comments quote the alternatives.
// TestGolden checks them against tiktoken on thousands of tricky inputs.
//
// cl100k_base, as in tiktoken's tiktoken_ext/openai_public.py:
//
//	'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+|
//	 ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s
//
// o200k_base:
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|
//	\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// Character classes come from Unicode 16.0 (unicode_tables.go, made by
// gen_unicode.go), the version in the regex engine of tiktoken's current
// builds, rather than from Go's unicode package (15.0), so counts don't
// change with the Go version. \s is the White_Space property, as in Rust's
// regex crate. An invalid UTF-8 byte is classified as U+FFFD (a symbol) and
// BPE then sees the raw byte.

// Character class bits.
const (
	cL  uint8 = 1 << iota // \p{L}
	cN                    // \p{N}
	cS                    // \s
	cNL                   // \r or \n
	cU                    // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]
	cW                    // [\p{Ll}\p{Lm}\p{Lo}\p{M}]
)

var (
	bmpClassOnce sync.Once
	bmpClass     []uint8 // classes of U+0000..U+FFFF
)

// computeClass looks r up in classRuns.
func computeClass(r rune) uint8 {
	// Find the last run starting at or before r.
	lo, hi := 0, len(classRuns)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if rune(classRuns[m]>>8) <= r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return uint8(classRuns[lo-1])
}

func initClasses() {
	bmpClassOnce.Do(func() {
		t := make([]uint8, 0x10000)
		for i, run := range classRuns {
			first := int(run >> 8)
			if first >= len(t) {
				break
			}
			end := len(t)
			if i+1 < len(classRuns) {
				end = min(end, int(classRuns[i+1]>>8))
			}
			for c := first; c < end; c++ {
				t[c] = uint8(run)
			}
		}
		bmpClass = t
	})
}

// at decodes the rune at s[i] (i < len(s)) and returns its class and size.
func at(s string, i int) (uint8, int) {
	b := s[i]
	if b < utf8.RuneSelf {
		return bmpClass[b], 1
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if r < 0x10000 {
		return bmpClass[r], n
	}
	return computeClass(r), n
}

// isO reports [^\r\n\p{L}\p{N}]; isP reports [^\s\p{L}\p{N}].
func isO(c uint8) bool { return c&(cL|cN|cNL) == 0 }
func isP(c uint8) bool { return c&(cS|cL|cN) == 0 }

// runEnd returns the end of the run of runes from i having any class bit
// in want.
func runEnd(s string, i int, want uint8) int {
	for i < len(s) {
		c, n := at(s, i)
		if c&want == 0 {
			break
		}
		i += n
	}
	return i
}

// lowerASCII folds an ASCII letter to lower case and leaves other bytes.
func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + ('a' - 'A')
	}
	return b
}

// contraction matches (?i:'s|'t|'re|'ve|'m|'ll|'d) at i and returns its end,
// or i. Under Unicode simple case folding, s also matches U+017F (ſ).
func contraction(s string, i int) int {
	if i+1 >= len(s) || s[i] != '\'' {
		return i
	}
	switch lowerASCII(s[i+1]) {
	case 's', 't', 'm', 'd':
		return i + 2
	case 'r', 'v':
		if i+2 < len(s) && lowerASCII(s[i+2]) == 'e' {
			return i + 3
		}
	case 'l':
		if i+2 < len(s) && lowerASCII(s[i+2]) == 'l' {
			return i + 3
		}
	case 0xC5: // U+017F is C5 BF
		if i+2 < len(s) && s[i+2] == 0xBF {
			return i + 3
		}
	}
	return i
}

// spaceEnd handles the whitespace alternatives shared by both encodings for
// a whitespace run starting at i: \s*[\r\n]+ (or \s*[\r\n]), then
// \s+(?!\S), then \s+ (or \s). dollar enables cl100k's leading \s++$.
func spaceEnd(s string, i int, dollar bool) int {
	j := i
	lastNL := -1
	lastStart := i
	for j < len(s) {
		c, n := at(s, j)
		if c&cS == 0 {
			break
		}
		if c&cNL != 0 {
			lastNL = j
		}
		lastStart = j
		j += n
	}
	if j == len(s) && dollar {
		return j // \s++$
	}
	if lastNL >= 0 {
		return lastNL + 1 // \s*[\r\n]+: up to the last newline of the run
	}
	if j == len(s) {
		return j // \s+(?!\S) at the end of the text
	}
	if lastStart > i {
		return lastStart // \s+(?!\S): all but the last whitespace rune
	}
	return j // \s+ (a single rune here)
}

// punctEnd matches " ?[^\s\p{L}\p{N}]+" followed by "[\r\n]*" (cl100k) or,
// with slash, "[\r\n/]*" (o200k) at i, whose class is c0. It returns i if
// that does not match.
func punctEnd(s string, i int, c0 uint8, slash bool) int {
	j := i
	if s[i] == ' ' {
		if i+1 >= len(s) {
			return i
		}
		if c1, _ := at(s, i+1); !isP(c1) {
			return i
		}
		j = i + 1
	} else if !isP(c0) {
		return i
	}
	for j < len(s) {
		c, n := at(s, j)
		if !isP(c) {
			break
		}
		j += n
	}
	for j < len(s) && (s[j] == '\r' || s[j] == '\n' || (slash && s[j] == '/')) {
		j++
	}
	return j
}

// numEnd matches \p{N}{1,3} at i, where a number of n0 bytes starts.
func numEnd(s string, i int, n0 int) int {
	j := i + n0
	for k := 1; k < 3 && j < len(s); k++ {
		c, n := at(s, j)
		if c&cN == 0 {
			break
		}
		j += n
	}
	return j
}

// nextCl100k returns the end of the cl100k_base piece starting at i < len(s).
func nextCl100k(s string, i int) int {
	c0, n0 := at(s, i)
	// '(?i:[sdmt]|ll|ve|re)
	if s[i] == '\'' {
		if j := contraction(s, i); j > i {
			return j
		}
	}
	// [^\r\n\p{L}\p{N}]?+\p{L}++
	if c0&cL != 0 {
		return runEnd(s, i+n0, cL)
	}
	if isO(c0) && i+n0 < len(s) {
		if c1, n1 := at(s, i+n0); c1&cL != 0 {
			return runEnd(s, i+n0+n1, cL)
		}
	}
	// \p{N}{1,3}+
	if c0&cN != 0 {
		return numEnd(s, i, n0)
	}
	//  ?[^\s\p{L}\p{N}]++[\r\n]*+
	if j := punctEnd(s, i, c0, false); j > i {
		return j
	}
	// Only whitespace is left: \s++$|\s*[\r\n]|\s+(?!\S)|\s
	return spaceEnd(s, i, true)
}

// o200kLetters tries the first o200k alternative with the letter part
// starting at a:
//
//	[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(contraction)?
//
// The greedy upper-case loop backs off rune by rune until a lower-case rune
// follows it; the lower-case loop then runs to its end.
func o200kLetters(s string, a int) (int, bool) {
	e1 := runEnd(s, a, cU)
	if e1 < len(s) {
		if c, n := at(s, e1); c&cW != 0 {
			return contraction(s, runEnd(s, e1+n, cW)), true
		}
	}
	// Back off: find the last rune in [a, e1) that is also lower-case. The
	// rune after it (if inside the run) is not, so the lower-case loop
	// stops right after it.
	for u := e1; u > a; {
		// Runes in the run are valid: U+FFFD (an invalid byte) is not in cU.
		r, n := utf8.DecodeLastRuneInString(s[a:u])
		u -= n
		var c uint8
		if r < 0x10000 {
			c = bmpClass[r]
		} else {
			c = computeClass(r)
		}
		if c&cW != 0 {
			return contraction(s, u+n), true
		}
	}
	return 0, false
}

// nextO200k returns the end of the o200k_base piece starting at i < len(s).
func nextO200k(s string, i int) int {
	c0, n0 := at(s, i)
	pre := isO(c0) && i+n0 < len(s)
	// First alternative, with then without the optional prefix.
	if pre {
		if j, ok := o200kLetters(s, i+n0); ok {
			return j
		}
	}
	if c0&(cU|cW) != 0 {
		if j, ok := o200kLetters(s, i); ok {
			return j
		}
	}
	// Second alternative: prefix? [upper]+ [lower]* (contraction)?
	if pre {
		if c1, n1 := at(s, i+n0); c1&cU != 0 {
			e := runEnd(s, i+n0+n1, cU)
			return contraction(s, runEnd(s, e, cW))
		}
	}
	if c0&cU != 0 {
		e := runEnd(s, i+n0, cU)
		return contraction(s, runEnd(s, e, cW))
	}
	// \p{N}{1,3}
	if c0&cN != 0 {
		return numEnd(s, i, n0)
	}
	//  ?[^\s\p{L}\p{N}]+[\r\n/]*
	if j := punctEnd(s, i, c0, true); j > i {
		return j
	}
	// Only whitespace is left: \s*[\r\n]+|\s+(?!\S)|\s+
	return spaceEnd(s, i, false)
}
