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
// and precision (MinHash pairs that are exact pairs); with -v, every pair
// that only one side finds, with its exact and estimated similarity.
//
// With -samples K, the file is cut into K equal parts and the first -rows
// rows of each are a sample: one line of figures each, and a last line
// with recall's and precision's mean over the samples and its standard
// error. The samples are consecutive rows, not rows drawn one by one: the
// bench files' near duplicates lie mostly within a few thousand rows of
// their original, and a fifth of the rows drawn one by one would keep a
// twenty-fifth of the pairs (two on the alpaca file). They are disjoint,
// so that their figures are independent and the standard error means
// something (samples from random places overlapped, shared their pairs,
// and moved together). Two builds measure the same rows, so
// bench/nearacc.sh can compare them sample by sample.
//
//	go run ./bench/nearacc -rows 10000 -samples 10 bench/out/alpaca-100k.jsonl
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"math"
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
	rows := flag.Int("rows", 20000, "rows read from the start of the file, or from the start of each part")
	threshold := flag.Float64("threshold", diagnostics.DefaultNearDuplicate, "similarity threshold")
	samples := flag.Int("samples", 0, "cut the file into this many parts, a sample from each")
	flag.BoolVar(&verbose, "v", false, "print the pairs only one side finds")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: nearacc [-rows N] [-threshold T] [-samples K] FILE")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *rows, *threshold, *samples); err != nil {
		fmt.Fprintln(os.Stderr, "nearacc:", err)
		os.Exit(1)
	}
}

// verbose prints the pairs only one side finds.
var verbose bool

func run(path string, rows int, threshold float64, samples int) error {
	if samples == 0 {
		lines, err := firstLines(path, rows)
		if err != nil {
			return err
		}
		measure(lines, 0, threshold).print("", threshold)
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	all := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if part := len(all) / samples; rows > part {
		return fmt.Errorf("%d samples of %d rows overlap in %d rows", samples, rows, len(all))
	}
	var recall, precision []float64
	for k := range samples {
		start := k * (len(all) / samples)
		r := measure(all[start:start+rows], start, threshold)
		r.print(fmt.Sprintf("sample %d from_row %d ", k+1, start+1), threshold)
		recall = append(recall, r.recall())
		precision = append(precision, r.precision())
	}
	rm, rse := meanSE(recall)
	pm, pse := meanSE(precision)
	fmt.Printf("samples %d rows %d recall_mean %.4f recall_se %.4f precision_mean %.4f precision_se %.4f\n",
		samples, rows, rm, rse, pm, pse)
	return nil
}

// result is one sample's count of pairs.
type result struct {
	rows, exact, minhash, both int
}

func (r result) recall() float64    { return ratio(r.both, r.exact) }
func (r result) precision() float64 { return ratio(r.both, r.minhash) }

func (r result) print(prefix string, threshold float64) {
	fmt.Printf("%srows %d threshold %.2f exact_pairs %d minhash_pairs %d both %d recall %.4f precision %.4f\n",
		prefix, r.rows, threshold, r.exact, r.minhash, r.both, r.recall(), r.precision())
}

// measure compares the exact pairs of lines (the file's from row first+1)
// with those MinHash finds.
func measure(lines [][]byte, first int, threshold float64) result {
	sets, sigs := read(lines)
	exact := exactPairs(sets, threshold)
	found := map[[2]int32]bool{}
	for _, p := range dedup.Near(sigs, threshold, nil) {
		found[[2]int32{p.A, p.B}] = true
	}
	hit := 0
	for p := range exact {
		if found[p] {
			hit++
		}
	}
	if verbose {
		show := func(what string, p [2]int32) {
			est := 0.0
			if a, b := sigs[p[0]], sigs[p[1]]; a != nil && b != nil {
				est = a.Similarity(b)
			}
			fmt.Printf("  %s rows %d %d jaccard %.4f estimate %.4f\n", what,
				first+int(p[0])+1, first+int(p[1])+1, jaccard(sets[p[0]], sets[p[1]]), est)
		}
		for p := range exact {
			if !found[p] {
				show("missed", p)
			}
		}
		for p := range found {
			if !exact[p] {
				show("extra", p)
			}
		}
	}
	return result{rows: len(lines), exact: len(exact), minhash: len(found), both: hit}
}

// meanSE returns the mean of xs and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	if len(xs) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}

// firstLines returns the first n lines of path.
func firstLines(path string, n int) ([][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 64<<20)
	var lines [][]byte
	for len(lines) < n && sc.Scan() {
		lines = append(lines, slices.Clone(sc.Bytes()))
	}
	return lines, sc.Err()
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// read returns, for each line, the exact shingle set and the MinHash
// signature of the user and assistant text (nil for rows without words).
func read(lines [][]byte) ([][]string, []*dedup.Signature) {
	var p jsonpos.Parser
	var k dedup.Sketcher
	s := diagnostics.DefaultSettings()
	var sets [][]string
	var sigs []*dedup.Signature
	for line, text := range lines {
		row := &dataset.Row{Line: line, Text: text}
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
	return sets, sigs
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
