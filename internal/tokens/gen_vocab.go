//go:build ignore

// gen_vocab regenerates the embedded vocabularies vocab_<name>.bin from
// OpenAI's published rank files, o200k_base.tiktoken and cl100k_base.tiktoken
// (lines of "<base64 token> <rank>"; tiktoken downloads them from
// openaipublic.blob.core.windows.net/encodings/, and several Go modules
// embed copies). A file is accepted only if its SHA-256 is the one tiktoken
// itself checks (expected_hash in tiktoken_ext/openai_public.py).
//
//	go run gen_vocab.go DIR   # DIR holds the two .tiktoken files
//
// Output format: the ASCII magic "FTLSBPE1", the token count N as a
// uvarint, N uvarint token lengths (the token of rank i is the i-th entry;
// length 0 marks an unused rank), then the token bytes concatenated in rank
// order. TestVocabPublishedHash renders the files back to the .tiktoken
// format and checks the same hashes.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

var expectedHash = map[string]string{
	"o200k_base":  "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
	"cl100k_base": "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run gen_vocab.go DIR")
		os.Exit(2)
	}
	for _, name := range []string{"o200k_base", "cl100k_base"} {
		data, err := os.ReadFile(filepath.Join(os.Args[1], name+".tiktoken"))
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != expectedHash[name] {
			panic(fmt.Sprintf("%s.tiktoken: sha256 %s, want %s", name, got, expectedHash[name]))
		}
		var toks [][]byte
		for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
			b64, rankStr, ok := bytes.Cut(line, []byte(" "))
			if !ok {
				panic("malformed line: " + string(line))
			}
			tok, err := base64.StdEncoding.DecodeString(string(b64))
			if err != nil {
				panic(err)
			}
			rank, err := strconv.Atoi(string(rankStr))
			if err != nil || rank < 0 || rank > 1<<24 {
				panic("bad rank: " + string(line))
			}
			for len(toks) <= rank {
				toks = append(toks, nil)
			}
			if toks[rank] != nil {
				panic("duplicate rank: " + string(line))
			}
			toks[rank] = tok
		}
		out := []byte("FTLSBPE1")
		out = binary.AppendUvarint(out, uint64(len(toks)))
		for _, t := range toks {
			out = binary.AppendUvarint(out, uint64(len(t)))
		}
		for _, t := range toks {
			out = append(out, t...)
		}
		file := "vocab_" + name + ".bin"
		if err := os.WriteFile(file, out, 0o644); err != nil {
			panic(err)
		}
		fmt.Printf("%s: %d ranks, %d bytes\n", file, len(toks), len(out))
	}
}
