// Command nearacc measures how well near-duplicate detection (MinHash and
// LSH, package dedup) finds the pairs of rows whose exact Jaccard
// similarity reaches the threshold, on the first rows of a JSON Lines file.
//
//	go run ./bench/nearacc -rows 20000 bench/out/data-100k.jsonl
//
// The exact side is a plain reference: each row's user and assistant
// turns are split into words (runs of letters and digits, lower-cased)
// with the standard library, their word 3-grams collected as strings, and
// every pair of rows that can reach the threshold (an all-pairs
// similarity join with prefix filtering, which misses none) compared set
// against set. The MinHash side is what D002 uses: dedup.Sketcher on the
// same turns and dedup.Near, without leaving out exact duplicates.
//
// It prints the pairs each side finds, recall (exact pairs MinHash finds)
// and precision (MinHash pairs that are exact pairs).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"unicode"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/dedup"
	"github.com/ftls-dev/ftls/internal/jsonpos"
)

func main() {
	rows := flag.Int("rows", 20000, "rows read from the start of the file")
	threshold := flag.Float64("threshold", diagnostics.DefaultNearDuplicate, "similarity threshold")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: nearacc [-rows N] [-threshold T] FILE")
		os.Exit(2)
	}
	sets, sigs, err := read(flag.Arg(0), *rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nearacc:", err)
		os.Exit(1)
	}
	exact := exactPairs(sets, *threshold)
	found := map[[2]int32]bool{}
	for _, p := range dedup.Near(sigs, *threshold, nil) {
		found[[2]int32{p.A, p.B}] = true
	}
	hit := 0
	for p := range exact {
		if found[p] {
			hit++
		}
	}
	fmt.Printf("rows %d threshold %.2f exact_pairs %d minhash_pairs %d both %d recall %.4f precision %.4f\n",
		len(sets), *threshold, len(exact), len(found), hit,
		ratio(hit, len(exact)), ratio(hit, len(found)))
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// read returns, for the first n rows of path, the exact shingle set and
// the MinHash signature of the user and assistant text (nil for rows
// without words).
func read(path string, n int) ([][]string, []*dedup.Signature, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	var p jsonpos.Parser
	var k dedup.Sketcher
	s := diagnostics.DefaultSettings()
	var sets [][]string
	var sigs []*dedup.Signature
	for line := 0; len(sets) < n && sc.Scan(); line++ {
		row := &dataset.Row{Line: line, Text: sc.Bytes()}
		c := diagnostics.NewRowContext(row, &p, s)
		var texts [][]byte
		for _, t := range c.Turns() {
			if t.Role == "user" || t.Role == "assistant" {
				texts = append(texts, t.Text)
			}
		}
		k.Reset()
		for _, t := range texts {
			k.Add(t)
		}
		var sig *dedup.Signature
		if v, ok := k.Sum(); ok {
			sig = &v
		}
		sets = append(sets, shingles(texts))
		sigs = append(sigs, sig)
	}
	return sets, sigs, sc.Err()
}

// shingles returns the distinct word 3-grams of the texts (3-grams do not
// run across texts), or their words when no text has three, sorted.
func shingles(texts [][]byte) []string {
	set := map[string]bool{}
	var all []string
	for _, t := range texts {
		w := strings.FieldsFunc(strings.ToLower(string(t)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
		all = append(all, w...)
		for i := 0; i+2 < len(w); i++ {
			set[w[i]+" "+w[i+1]+" "+w[i+2]] = true
		}
	}
	if len(set) == 0 {
		for _, w := range all {
			set[w] = true
		}
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// exactPairs returns the pairs (a < b) whose Jaccard similarity is at
// least t. Two sets can reach t only if they share one of the rarest
// len - ceil(t*len) + 1 elements of each (prefix filtering), so only rows
// sharing such an element are compared.
func exactPairs(sets [][]string, t float64) map[[2]int32]bool {
	freq := map[string]int{}
	for _, s := range sets {
		for _, x := range s {
			freq[x]++
		}
	}
	index := map[string][]int32{}
	pairs := map[[2]int32]bool{}
	for b, s := range sets {
		if len(s) == 0 {
			continue
		}
		order := slices.Clone(s)
		slices.SortFunc(order, func(x, y string) int {
			if freq[x] != freq[y] {
				return freq[x] - freq[y]
			}
			return strings.Compare(x, y)
		})
		prefix := len(s) - int(ceil(t*float64(len(s)))) + 1
		cands := map[int32]bool{}
		for _, x := range order[:prefix] {
			for _, a := range index[x] {
				cands[a] = true
			}
			index[x] = append(index[x], int32(b))
		}
		for a := range cands {
			if jaccard(sets[a], s) >= t {
				pairs[[2]int32{a, int32(b)}] = true
			}
		}
	}
	return pairs
}

func ceil(x float64) float64 {
	n := float64(int(x))
	if n < x {
		n++
	}
	return n
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted sets.
func jaccard(a, b []string) float64 {
	i, j, common := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch c := strings.Compare(a[i], b[j]); {
		case c == 0:
			common++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return float64(common) / float64(len(a)+len(b)-common)
}
