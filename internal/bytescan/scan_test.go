package bytescan

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// scans pairs each scan's assembly with its plain loop, both returning
// two numbers (Irregular's second is 0).
var scans = []struct {
	name          string
	vector, plain func([]byte) (int, uint64)
	specials      []byte
}{
	{"JSONSpecials", jsonSpecials, jsonSpecialsPlain, []byte{'"', '\\', 0, 0x1f, 0x80, 0xff, 0xc3}},
	{"Irregular", one(irregular), one(irregularPlain), []byte{0, '\t', '\n', '\r', 0x1f, ' '}},
}

// canFast reports whether the tests may set Fast: where there is AVX2,
// and on the architectures without assembly, whose "fast" functions are
// the plain loops (so that those run too). On amd64 without AVX2 the
// assembly would fault.
func canFast() bool { return Fast || runtime.GOARCH != "amd64" }

func one(f func([]byte) int) func([]byte) (int, uint64) {
	return func(b []byte) (int, uint64) { return f(b), 0 }
}

// TestScansMatchPlain holds each scan's assembly to its plain loop: on
// random bytes with few of the class, at every length up to 260 and with
// each byte of the class at every position; then at each of the first
// 4,000 offsets of every file of ../shared/datasets.
func TestScansMatchPlain(t *testing.T) {
	if !canFast() {
		t.Skip("no AVX2: the plain loops are the scans")
	}
	r := rand.New(rand.NewPCG(1, 2))
	plain := []byte{'a', 'Z', '0', ' ', '!', '#', '[', ']', 0x7f, 0x21, 0x23, 0x5b, 0x5d}
	for _, s := range scans {
		check := func(what string, data []byte) {
			t.Helper()
			wantAt, wantMask := s.plain(data)
			// With Fast off, the assembly jumps to the plain loop.
			for _, fast := range []bool{true, false} {
				Fast = fast
				at, mask := s.vector(data)
				Fast = true
				if at != wantAt || mask != wantMask {
					t.Fatalf("%s(%s), Fast %v: %d, %#x; want %d, %#x", s.name, what, fast, at, mask, wantAt, wantMask)
				}
			}
		}
		for n := 0; n <= 260; n++ {
			buf := make([]byte, n)
			for i := range buf {
				buf[i] = plain[r.IntN(len(plain))]
			}
			check("random", buf)
			for at := range buf {
				for _, c := range s.specials {
					old := buf[at]
					buf[at] = c
					check("random", buf)
					if at+1 < n {
						// Two in a row: a double space for Irregular.
						old2 := buf[at+1]
						buf[at+1] = c
						check("random", buf)
						buf[at+1] = old2
					}
					buf[at] = old
				}
			}
		}
		files, _ := filepath.Glob("../../../shared/datasets/*.json*")
		if len(files) == 0 {
			t.Log("no ../shared/datasets: real files not scanned")
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < min(len(data), 4000); i++ {
				check(f, data[i:])
			}
		}
	}
}

// TestPlain holds the plain loops to what their documentation says.
func TestPlain(t *testing.T) {
	for _, c := range []struct {
		in       string
		specials int
		mask     uint64
		irreg    int
	}{
		{"", 0, 0, 0},
		{"a", 0, 0, 0},
		{string(make([]byte, 64)), 0, 1<<64 - 1, 0},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", 0, 1 << 63, 32},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  ", 0 + 0, 0, 31},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa  ", 0, 0, 32},
		{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0, 0, 32},
	} {
		at, mask := jsonSpecialsPlain([]byte(c.in))
		if at != c.specials || mask != c.mask {
			t.Errorf("jsonSpecialsPlain(%q) = %d, %#x; want %d, %#x", c.in, at, mask, c.specials, c.mask)
		}
		if got := irregularPlain([]byte(c.in)); got != c.irreg {
			t.Errorf("irregularPlain(%q) = %d, want %d", c.in, got, c.irreg)
		}
	}
}
