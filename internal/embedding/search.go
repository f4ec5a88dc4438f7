package embedding

import (
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"
)

// The pair search. Comparing every vector with every other is n²/2 dot
// products of d dimensions: for 10,000 rows and 1,536 dimensions, 77
// billion multiply-adds, over two minutes on two cores. Instead each vector gets a
// 256-bit signature, the signs of its projections on 256 random
// hyperplanes (SimHash): two vectors at angle θ disagree on each bit with
// probability θ/π. The search compares signatures (four XORs and
// population counts per pair), and only the pairs whose signatures
// disagree on few enough bits for the threshold are compared exactly.

// sigBits is the length of a signature.
const sigBits = 256

type signature [sigBits / 64]uint64

func hamming(a, b *signature) int {
	return bits.OnesCount64(a[0]^b[0]) + bits.OnesCount64(a[1]^b[1]) +
		bits.OnesCount64(a[2]^b[2]) + bits.OnesCount64(a[3]^b[3])
}

// maxHamming is the most bits two signatures may disagree on for their
// vectors to reach cosine t: the expected number at the threshold's angle
// plus five standard deviations, after lowering t by the quantisation's
// error. A pair at the threshold is then missed with odds below one in a
// million in theory; TestRecall and TestPairsMatchExact find every pair
// the exact search finds.
func maxHamming(t float32) int {
	c := math.Max(-1, math.Min(1, float64(t)-0.02))
	p := math.Acos(c) / math.Pi
	n := float64(sigBits)
	return int(n*p+5*math.Sqrt(n*p*(1-p))) + 1
}

// signatures returns the signatures of every entry, computing those of the
// entries added since the last call, on every core.
func (c *Cache) signatures() []signature {
	c.sigMu.Lock()
	defer c.sigMu.Unlock()
	from, n := len(c.sigs), c.Len()
	if from == n {
		return c.sigs
	}
	c.sigs = append(c.sigs, make([]signature, n-from)...)
	workers := min(runtime.GOMAXPROCS(0), max(1, (n-from)/512))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf [sigBits]float32
			for i := from + w; i < n; i += workers {
				c.sigs[i] = sign(c.vector(int32(i)), &buf)
			}
		}()
	}
	wg.Wait()
	return c.sigs
}

// sign computes a signature with a structured random projection: the
// vector's components get fixed random signs, and a Walsh-Hadamard
// transform projects the result on orthogonal ±1 directions. Only the
// first 256 rows of the transform are needed; for a Hadamard matrix of
// Sylvester's construction those rows repeat the 256-point transform
// over each block of 256 components, so the blocks are summed first and
// one 256-point transform done: d + 256·8 additions instead of d·log d.
func sign(v []int8, buf *[sigBits]float32) signature {
	clear(buf[:])
	for i, x := range v {
		f := float32(x)
		if flip(i) {
			f = -f
		}
		buf[i%sigBits] += f
	}
	for h := 1; h < sigBits; h <<= 1 {
		for i := 0; i < sigBits; i += h << 1 {
			for j := i; j < i+h; j++ {
				a, b := buf[j], buf[j+h]
				buf[j], buf[j+h] = a+b, a-b
			}
		}
	}
	var s signature
	for i := range sigBits {
		if buf[i] > 0 {
			s[i/64] |= 1 << (i % 64)
		}
	}
	return s
}

// flip is a fixed pseudo-random sign per dimension (SplitMix64 of i), the
// same in every run so that signatures are reproducible.
func flip(i int) bool {
	z := uint64(i) + 0x9e3779b97f4a7c15
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return (z^z>>31)&1 == 1
}

// Pair is two rows whose meaning is close: A < B, with the cosine of
// their prompt sides and of their answer sides (0 when not compared).
type Pair struct {
	A, B           int32
	Prompt, Answer float32
}

// Query is what Pairs searches: for each row, the cache entry of its
// prompt side and of its answer side, -1 where it has none.
type Query struct {
	Prompt, Answer []int32
	// Threshold is the cosine at or above which two sides are close.
	Threshold float32
	// PromptOnly pairs rows on their prompts alone; otherwise both sides
	// must be close.
	PromptOnly bool
	// Skip, if set, leaves out a pair already reported otherwise.
	Skip func(a, b int32) bool
}

// Pairs returns the pairs of rows whose sides reach the threshold, in
// order of A then B. Rows without the vectors the comparison needs are
// left out. It uses every core.
func (c *Cache) Pairs(q Query) []Pair {
	if c == nil || c.Len() == 0 {
		return nil
	}
	sigs := c.signatures()
	rows := make([]int32, 0, len(q.Prompt))
	for i, p := range q.Prompt {
		if p >= 0 && (q.PromptOnly || q.Answer[i] >= 0) {
			rows = append(rows, int32(i))
		}
	}
	// The rows' signatures side by side, in row order: the scan reads
	// them one after another instead of jumping around the cache.
	ps := make([]signature, len(rows))
	var as []signature
	if !q.PromptOnly {
		as = make([]signature, len(rows))
	}
	for x, r := range rows {
		ps[x] = sigs[q.Prompt[r]]
		if as != nil {
			as[x] = sigs[q.Answer[r]]
		}
	}
	limit := maxHamming(q.Threshold)
	workers := min(runtime.GOMAXPROCS(0), max(1, len(rows)/256))
	found := make([][]Pair, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Rows are dealt out in turn: row x compares with the rows after
			// it, so blocks of consecutive rows would load the first worker
			// most.
			for x := w; x < len(rows); x += workers {
				for y := x + 1; y < len(rows); y++ {
					if hamming(&ps[x], &ps[y]) > limit || as != nil && hamming(&as[x], &as[y]) > limit {
						continue
					}
					if p, ok := c.verify(rows[x], rows[y], q); ok {
						found[w] = append(found[w], p)
					}
				}
			}
		}()
	}
	wg.Wait()
	var out []Pair
	for _, f := range found {
		out = append(out, f...)
	}
	slices.SortFunc(out, comparePairs)
	return out
}

// verify compares rows a and b exactly.
func (c *Cache) verify(a, b int32, q Query) (Pair, bool) {
	pa, pb, aa, ab := q.Prompt[a], q.Prompt[b], q.Answer[a], q.Answer[b]
	p := Pair{A: a, B: b, Prompt: c.Cosine(pa, pb)}
	if p.Prompt < q.Threshold {
		return p, false
	}
	if aa >= 0 && ab >= 0 {
		p.Answer = c.Cosine(aa, ab)
	}
	if !q.PromptOnly && p.Answer < q.Threshold || q.Skip != nil && q.Skip(a, b) {
		return p, false
	}
	return p, true
}

// Exact is Pairs without the signatures: every pair compared exactly. It
// is the reference the tests and benchmarks measure Pairs against.
func (c *Cache) Exact(q Query) []Pair {
	var out []Pair
	for a := range q.Prompt {
		for b := a + 1; b < len(q.Prompt); b++ {
			if q.Prompt[a] < 0 || q.Prompt[b] < 0 || !q.PromptOnly && (q.Answer[a] < 0 || q.Answer[b] < 0) {
				continue
			}
			if p, ok := c.verify(int32(a), int32(b), q); ok {
				out = append(out, p)
			}
		}
	}
	return out
}

// Missing returns the content keys among keys that the cache has no vector
// for, each once, in the order first seen: what an embedding run must
// send. Zero keys (no text) are left out.
func (c *Cache) Missing(keys []uint64) []uint64 {
	seen := map[uint64]bool{}
	var out []uint64
	for _, k := range keys {
		if k != 0 && !seen[k] && !c.Has(k) {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
