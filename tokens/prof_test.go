package tokens

import (
	"os"
	"testing"
)

func BenchmarkProf(b *testing.B) {
	for _, f := range []string{"chat", "english", "code", "cjk", "other"} {
		data, err := os.ReadFile("/tmp/corpus/" + f + ".txt")
		if err != nil {
			b.Skip()
		}
		for _, e := range []string{O200kBase, Cl100kBase} {
			b.Run(f+"/"+e, func(b *testing.B) {
				c, _ := ForEncoding(e)
				s := string(data)
				b.SetBytes(int64(len(s)))
				for b.Loop() {
					c.CountUncached(s)
				}
			})
		}
	}
}
