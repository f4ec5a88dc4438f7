//go:build !amd64

package bytescan

// Fast is false: there is no assembly for this architecture. (It is a
// variable for bytescantest's sake.)
var Fast = false

func jsonSpecials(data []byte) (int, uint64) { return jsonSpecialsPlain(data) }

func irregular(text []byte) int { return irregularPlain(text) }

func patternAVX2(tables *[maxPatternLen][2][16]byte, text []byte, masks []uint64) {
	p := Pattern{tables: *tables, len: maxPatternLen}
	for w := range masks {
		masks[w] = p.plainWindow(text, 64*w)
	}
}
