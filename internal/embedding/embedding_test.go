package embedding

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// synthetic returns n rows whose prompt and answer vectors (d dimensions)
// come in groups of size: the members of a group are a base vector plus
// noise, at cosines spread around 0.9, and unrelated to other groups.
func synthetic(n, d, size int, seed uint64) (*Cache, Query) {
	rng := rand.New(rand.NewPCG(seed, 1))
	c := New("test", d)
	q := Query{Prompt: make([]int32, n), Answer: make([]int32, n), Threshold: 0.9}
	gauss := func(scale float64) []float64 {
		v := make([]float64, d)
		for i := range v {
			v[i] = rng.NormFloat64() * scale
		}
		return v
	}
	var base [2][]float64
	for i := 0; i < n; i++ {
		if i%size == 0 {
			base = [2][]float64{gauss(1), gauss(1)}
		}
		for side := range 2 {
			// Noise of relative size s gives a cosine near 1/sqrt(1+s²):
			// 0 to 0.6 covers 1 down to 0.86.
			noise := gauss(rng.Float64() * 0.6)
			v := make([]float32, d)
			for k := range v {
				v[k] = float32(base[side][k] + noise[k])
			}
			key := uint64(2*i+side+1) << 1
			if err := c.Add(key, v); err != nil {
				panic(err)
			}
			idx, _ := c.Index(key)
			if side == 0 {
				q.Prompt[i] = idx
			} else {
				q.Answer[i] = idx
			}
		}
	}
	return c, q
}

func TestPairsMatchExact(t *testing.T) {
	for _, tc := range []struct {
		name       string
		d          int
		promptOnly bool
		threshold  float32
	}{
		{"d64 both", 64, false, 0.9},
		{"d384 both", 384, false, 0.9},
		{"d1536 prompt", 1536, true, 0.9},
		{"d384 low threshold", 384, false, 0.8},
		{"d384 high threshold", 384, true, 0.97},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, q := synthetic(1200, tc.d, 4, 7)
			q.PromptOnly, q.Threshold = tc.promptOnly, tc.threshold
			exact := c.Exact(q)
			got := c.Pairs(q)
			if len(exact) < 100 {
				t.Fatalf("the synthetic set has %d close pairs; too few to measure recall", len(exact))
			}
			if !slices.Equal(got, exact) {
				t.Errorf("Pairs found %d pairs, exact search %d: recall %.4f", len(got), len(exact), recall(got, exact))
			}
		})
	}
}

func recall(got, exact []Pair) float64 {
	in := map[[2]int32]bool{}
	for _, p := range got {
		in[[2]int32{p.A, p.B}] = true
	}
	hit := 0
	for _, p := range exact {
		if in[[2]int32{p.A, p.B}] {
			hit++
		}
	}
	return float64(hit) / float64(len(exact))
}

// TestRecall measures the signature filter against the exact search on
// 10,000 rows of 256 dimensions with many pairs close to the threshold.
func TestRecall(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 rows")
	}
	c, q := synthetic(10000, 128, 5, 3)
	exact := c.Exact(q)
	got := c.Pairs(q)
	r := recall(got, exact)
	t.Logf("10,000 rows: %d close pairs, the filtered search finds %d (recall %.5f)", len(exact), len(got), r)
	if r < 1 || len(got) != len(exact) {
		t.Errorf("recall %.5f (%d of %d pairs)", r, len(got), len(exact))
	}
}

func TestSkipAndMissing(t *testing.T) {
	c, q := synthetic(40, 64, 2, 1)
	q.Threshold = 0.5
	all := c.Pairs(q)
	if len(all) == 0 {
		t.Fatal("no pairs")
	}
	q.Skip = func(a, b int32) bool { return a == all[0].A && b == all[0].B }
	if got := c.Pairs(q); len(got) != len(all)-1 || got[0] == all[0] {
		t.Errorf("Skip did not leave out the first pair: %v", got)
	}
	q.Prompt[all[0].A] = -1
	for _, p := range c.Pairs(q) {
		if p.A == all[0].A || p.B == all[0].A {
			t.Errorf("a row without a prompt vector was paired: %v", p)
		}
	}
	if m := c.Missing([]uint64{2, 99 << 1, 0, 99 << 1, 4}); !slices.Equal(m, []uint64{99 << 1}) {
		t.Errorf("Missing = %v, want the one unknown key once", m)
	}
}

func TestAddRefusesBadVectors(t *testing.T) {
	c := New("m", 3)
	for _, v := range [][]float32{{1, 2}, {0, 0, 0}, {1, float32(math.NaN()), 0}, {float32(math.Inf(1)), 0, 0}} {
		if err := c.Add(5, v); err == nil {
			t.Errorf("Add(%v) accepted", v)
		}
	}
	if c.Len() != 0 {
		t.Errorf("refused vectors were kept: %d", c.Len())
	}
}

func TestSidecarRoundTrip(t *testing.T) {
	c, q := synthetic(30, 48, 3, 2)
	data := c.Encode()
	back, probs := Parse(data)
	if len(probs) > 0 {
		t.Fatalf("problems reading what Encode wrote: %v", probs)
	}
	if back.Model != "test" || back.Dims != 48 || back.Len() != c.Len() {
		t.Fatalf("read back model %q dims %d len %d", back.Model, back.Dims, back.Len())
	}
	if string(back.Encode()) != string(data) {
		t.Error("encoding what was read gives another file")
	}
	// Same cosines, entry by entry, through the keys.
	for i := range 10 {
		ka, kb := c.order[q.Prompt[i]], c.order[q.Answer[i+1]]
		a, _ := back.Index(ka)
		b, _ := back.Index(kb)
		if got, want := back.Cosine(a, b), c.Cosine(q.Prompt[i], q.Answer[i+1]); got != want {
			t.Errorf("cosine %v after reading, %v before", got, want)
		}
	}
}

func TestQuantisationError(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const d = 1536
	worst := 0.0
	for range 200 {
		a, b := make([]float32, d), make([]float32, d)
		var ab, aa, bb float64
		for i := range a {
			a[i] = float32(rng.NormFloat64())
			b[i] = a[i] + float32(rng.NormFloat64()*0.5)
			ab += float64(a[i]) * float64(b[i])
			aa += float64(a[i]) * float64(a[i])
			bb += float64(b[i]) * float64(b[i])
		}
		c := New("m", d)
		_ = c.Add(2, a)
		_ = c.Add(4, b)
		worst = max(worst, math.Abs(float64(c.Cosine(0, 1))-ab/math.Sqrt(aa*bb)))
	}
	if worst > 0.01 {
		t.Errorf("quantisation moves a cosine by up to %.4f", worst)
	}
}

func TestDamagedSidecar(t *testing.T) {
	good := strings.Repeat("A", 4) // 3 bytes: 0,0,0 is a zero vector
	_ = good
	vec := "AQID" // bytes 1,2,3
	for _, tc := range []struct {
		name  string
		text  string
		len   int
		lines []int
	}{
		{"empty", "", 0, []int{1}},
		{"other file", "{\"messages\": []}\n", 0, []int{1}},
		{"no model", header + "\ndimensions 3\n0000000000000002 " + vec + "\n", 0, []int{1}},
		{"good", header + "\nmodel m\ndimensions 3\n0000000000000002 " + vec + "\n", 1, nil},
		{"bad lines kept apart", header + "\nmodel m\ndimensions 3\n" +
			"0000000000000002 " + vec + "\n" +
			"zz 1\n" +
			"0000000000000004 AQI\n" +
			"0000000000000006 AAAA\n" +
			"00000000000008 " + vec + "\n" +
			"0000000000000000 " + vec + "\n" +
			"000000000000000a " + vec + "\n", 2, []int{5, 6, 7, 8, 9}},
		{"vector before dimensions", header + "\nmodel m\n0000000000000002 " + vec + "\ndimensions 3\n", 0, []int{3}},
		{"dimensions twice", header + "\nmodel m\ndimensions 3\ndimensions 4\n", 0, []int{4}},
		{"huge dimensions", header + "\nmodel m\ndimensions 99999999\n", 0, []int{3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, probs := Parse([]byte(tc.text))
			if c.Len() != tc.len {
				t.Errorf("kept %d vectors, want %d", c.Len(), tc.len)
			}
			var lines []int
			for _, p := range probs {
				lines = append(lines, p.Line)
			}
			if !slices.Equal(lines, tc.lines) {
				t.Errorf("problems on lines %v, want %v: %v", lines, tc.lines, probs)
			}
		})
	}
}

func FuzzParseSidecar(f *testing.F) {
	c, _ := synthetic(4, 8, 2, 1)
	f.Add(c.Encode())
	f.Add([]byte(header + "\nmodel m\ndimensions 3\n0000000000000002 AQID\n"))
	f.Add([]byte(header + "\nmodel m\ndimensions 0\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, probs := Parse(data)
		for _, p := range probs {
			if p.Line < 1 || p.Msg == "" {
				t.Fatalf("problem without a place or a message: %v", p)
			}
		}
		if c.Len() == 0 {
			return
		}
		// What was read encodes to a file that reads back the same.
		again, probs := Parse(c.Encode())
		if len(probs) > 0 || again.Len() != c.Len() || again.Dims != c.Dims {
			t.Fatalf("re-reading the encoded cache: %v (%d vs %d vectors)", probs, again.Len(), c.Len())
		}
		idx := make([]int32, c.Len())
		for i := range idx {
			idx[i] = int32(i)
		}
		_ = c.Pairs(Query{Prompt: idx, Answer: idx, Threshold: 0.5})
	})
}

func BenchmarkPairs(b *testing.B) {
	for _, tc := range []struct{ n, d int }{{10000, 1536}, {10000, 256}, {2000, 1536}} {
		c, q := synthetic(tc.n, tc.d, 5, 9)
		c.signatures()
		b.Run(fmt.Sprintf("signatures/%d/%d", tc.n, tc.d), func(b *testing.B) {
			for range b.N {
				q := q
				q.Skip = nil
				_ = c.Pairs(q)
			}
		})
		if tc.n*tc.n*tc.d <= 2000*2000*1536 {
			b.Run(fmt.Sprintf("exact/%d/%d", tc.n, tc.d), func(b *testing.B) {
				for range b.N {
					_ = c.Exact(q)
				}
			})
		}
		b.Run(fmt.Sprintf("sign/%d/%d", tc.n, tc.d), func(b *testing.B) {
			for range b.N {
				c.sigs = nil
				c.signatures()
			}
		})
	}
}
