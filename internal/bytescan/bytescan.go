// Package bytescan finds the bytes of a class in a text many bytes an
// instruction: the special bytes of a JSON string, the whitespace that
// normalising a text would change. On amd64 with AVX2 it runs assembly;
// elsewhere plain loops, which callers with a word-at-a-time loop of
// their own should not prefer to it: Fast says which it is.
package bytescan

// JSONSpecials looks at data's whole 64-byte blocks, in order, for one
// that holds a byte that is '"', '\\', below 0x20 or above 0x7f, and
// returns the block's offset and a mask of those bytes, bit i for the
// block's byte i. When no block holds one, it returns the blocks' length,
// len(data)&^63, and 0.
func JSONSpecials(data []byte) (at int, mask uint64) { return jsonSpecials(data) }

// Irregular looks at data's bytes but the last, in whole 32-byte blocks,
// for the first that is a control character or a space followed by a
// space, and returns its index. When no block holds one, it returns the
// blocks' length, (len(data)-1)&^31, or 0 for an empty text.
func Irregular(text []byte) int { return irregular(text) }

func jsonSpecialsPlain(data []byte) (int, uint64) {
	blocks := len(data) &^ 63
	for at := 0; at < blocks; at += 64 {
		var mask uint64
		for i, c := range data[at : at+64] {
			if c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				mask |= 1 << i
			}
		}
		if mask != 0 {
			return at, mask
		}
	}
	return blocks, 0
}

func irregularPlain(text []byte) int {
	if len(text) == 0 {
		return 0
	}
	blocks := (len(text) - 1) &^ 31
	for i, c := range text[:blocks] {
		if c < 0x20 || c == ' ' && text[i+1] == ' ' {
			return i
		}
	}
	return blocks
}
