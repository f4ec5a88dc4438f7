//go:build ignore

// gen_vocab regenerates the embedded vocabulary files vocab_*.bin from the
// vocabularies that github.com/tiktoken-go/tokenizer compiles into its codec
// package (the same data OpenAI publishes as *.tiktoken rank files).
//
//	go run gen_vocab.go
//
// File format: the ASCII magic "FTLSBPE1", the token count N as a uvarint,
// N uvarint token lengths (the token of rank i is the i-th entry; a length of
// 0 marks an unused rank), then the token bytes concatenated in rank order.
package main

import (
	"encoding/binary"
	"fmt"
	"os"

	"github.com/tiktoken-go/tokenizer"
)

func main() {
	for _, name := range []tokenizer.Encoding{tokenizer.O200kBase, tokenizer.Cl100kBase} {
		codec, err := tokenizer.Get(name)
		if err != nil {
			panic(err)
		}
		var toks []string
		missing := 0
		// Ranks are dense up to the first special token; probe well past it
		// and stop after a long run of unknown IDs.
		for id, misses := 0, 0; misses < 4096; id++ {
			s, err := codec.Decode([]uint{uint(id)})
			if err != nil || s == "" {
				misses++
				toks = append(toks, "")
				continue
			}
			missing += misses
			misses = 0
			toks = append(toks, s)
		}
		for len(toks) > 0 && toks[len(toks)-1] == "" {
			toks = toks[:len(toks)-1]
		}
		out := []byte("FTLSBPE1")
		out = binary.AppendUvarint(out, uint64(len(toks)))
		total := 0
		for _, t := range toks {
			out = binary.AppendUvarint(out, uint64(len(t)))
			total += len(t)
		}
		for _, t := range toks {
			out = append(out, t...)
		}
		file := fmt.Sprintf("vocab_%s.bin", name)
		if err := os.WriteFile(file, out, 0o644); err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d ranks (%d unused), %d token bytes, %d bytes written\n", file, len(toks), missing, total, len(out))
	}
}
