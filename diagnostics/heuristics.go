package diagnostics

// Content heuristics: the defects that people who cleaned public
// fine-tuning sets by hand (the Alpaca, Dolly and Code Alpaca clean-ups)
// fixed again and again. Each rule was run over the public datasets of the
// test corpus and its findings read; docs/rules-precision.md has the
// figures, and a rule that was right less than nine times in ten is info.
//
// These rules run on every row, so each looks for a rare byte first
// (bytes.IndexByte is vectorised) and reads the text closely only around
// what it finds. Each rule is a file of its own, with the scanners only
// it uses (q009_placeholder_field.go to q015_no_user_turn.go,
// b007_system_prompt_not_planned.go); this file holds what several share.

import "unicode/utf8"

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

// letters counts the letters of b, every non-ASCII byte among them.
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
