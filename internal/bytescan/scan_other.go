//go:build !amd64

package bytescan

// Fast is false: there is no assembly for this architecture. (It is a
// variable for bytescantest's sake.)
var Fast = false

func jsonSpecialsAVX2(data []byte) (int, uint64) { return jsonSpecialsPlain(data) }

func irregularAVX2(text []byte) int { return irregularPlain(text) }
