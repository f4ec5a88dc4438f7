// Package embedding keeps the embedding vectors of a dataset's rows and
// finds the pairs of rows whose meaning is close (rule D005).
//
// The vectors live in a sidecar file next to the dataset (SidecarPath),
// keyed by the content key of the text they embed (dedup.ContentKey) and
// written for one model: an unchanged row is never embedded twice, and a
// changed row simply has no vector until `ftls embed` runs again. The
// file is line oriented text so that a diff shows which entries changed:
//
//	# ftls embeddings 1
//	model text-embedding-3-small
//	dimensions 1536
//	9f3c2a1b0d4e5f67 <base64 of 1536 signed bytes>
//
// Vectors are stored normalised and quantised to one signed byte per
// dimension (the largest component is ±127), which changes a cosine by
// well under 0.01 and makes the file a quarter of the float32 size.
package embedding

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// header is the first line of a sidecar; its number is the format version.
const header = "# ftls embeddings 1"

// MaxDims bounds the dimensions a sidecar or an endpoint may give: the
// largest common models have 3,072 or 4,096.
const MaxDims = 16384

// MaxSidecar bounds the size of a sidecar ftls reads.
const MaxSidecar = 4 << 30

// SidecarPath returns the file that holds the embeddings of the dataset
// at path: the dataset's name with ".ftls-embeddings" added.
func SidecarPath(dataset string) string { return dataset + ".ftls-embeddings" }

// Cache holds the vectors of one model, by content key.
type Cache struct {
	// Model is the embedding model the vectors come from.
	Model string
	// Dims is the length of every vector; 0 until the first is added.
	Dims int

	keys  map[uint64]int32
	order []uint64  // key of each entry
	data  []int8    // entry i is data[i*Dims:(i+1)*Dims]
	norms []float32 // Euclidean norm of each quantised entry

	sigMu sync.Mutex
	sigs  []signature // signatures of the first len(sigs) entries
}

// New returns an empty cache for model; dims may be 0 to take the length
// of the first vector added.
func New(model string, dims int) *Cache {
	return &Cache{Model: model, Dims: dims, keys: map[uint64]int32{}}
}

// Len returns the number of vectors.
func (c *Cache) Len() int { return len(c.order) }

// Index returns the entry of key, if the cache has it.
func (c *Cache) Index(key uint64) (int32, bool) {
	if c == nil {
		return -1, false
	}
	i, ok := c.keys[key]
	return i, ok
}

// Has reports whether the cache holds a vector for key.
func (c *Cache) Has(key uint64) bool {
	_, ok := c.Index(key)
	return ok
}

// Add stores the vector v for key, replacing any previous one. A vector of
// the wrong length, with a component that is not a finite number, or of
// length zero is refused: it would only produce wrong findings.
func (c *Cache) Add(key uint64, v []float32) error {
	if c.Dims == 0 {
		if len(v) == 0 || len(v) > MaxDims {
			return fmt.Errorf("a vector of %d dimensions (ftls accepts 1 to %d)", len(v), MaxDims)
		}
		c.Dims = len(v)
	}
	if len(v) != c.Dims {
		return fmt.Errorf("a vector of %d dimensions where the others have %d", len(v), c.Dims)
	}
	var peak float64
	for _, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return errors.New("a vector with a component that is not a number")
		}
		peak = max(peak, math.Abs(f))
	}
	if peak == 0 {
		return errors.New("a vector of zeros")
	}
	q := make([]int8, len(v))
	for i, x := range v {
		q[i] = int8(math.Round(float64(x) / peak * 127))
	}
	c.put(key, q)
	return nil
}

// put stores a quantised vector.
func (c *Cache) put(key uint64, q []int8) {
	if i, ok := c.keys[key]; ok {
		copy(c.data[int(i)*c.Dims:], q)
		c.norms[i] = norm(q)
		c.sigMu.Lock()
		c.sigs = c.sigs[:min(len(c.sigs), int(i))]
		c.sigMu.Unlock()
		return
	}
	c.keys[key] = int32(len(c.order))
	c.order = append(c.order, key)
	c.data = append(c.data, q...)
	c.norms = append(c.norms, norm(q))
}

func norm(q []int8) float32 {
	var s int64
	for _, x := range q {
		s += int64(x) * int64(x)
	}
	return float32(math.Sqrt(float64(s)))
}

func (c *Cache) vector(i int32) []int8 {
	return c.data[int(i)*c.Dims : int(i+1)*c.Dims]
}

// Cosine returns the cosine similarity of entries i and j.
func (c *Cache) Cosine(i, j int32) float32 {
	return float32(dot(c.vector(i), c.vector(j))) / (c.norms[i] * c.norms[j])
}

func dot(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += int32(a[i]) * int32(b[i])
		s1 += int32(a[i+1]) * int32(b[i+1])
		s2 += int32(a[i+2]) * int32(b[i+2])
		s3 += int32(a[i+3]) * int32(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}

// Problem is one line of a sidecar that could not be read; the line is
// left out and the rest of the file kept.
type Problem struct {
	Line int // 1-based
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("line %d: %s", p.Line, p.Msg) }

// Parse reads a sidecar. It never fails as a whole: a damaged line is a
// Problem and is skipped, and a file without a readable header yields an
// empty cache (whose Model is "") with a Problem on line 1.
func Parse(data []byte) (*Cache, []Problem) {
	c := New("", 0)
	var probs []Problem
	bad := func(line int, format string, args ...any) {
		if len(probs) < 20 {
			probs = append(probs, Problem{line, fmt.Sprintf(format, args...)})
		}
	}
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(bytes.TrimSpace(first)) != header {
		bad(1, "not an ftls embeddings file (the first line should be %q)", header)
		return c, probs
	}
	lines := bytes.Count(rest, []byte("\n")) + 1
	for ln := 2; len(rest) > 0; ln++ {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte("\n"))
		line = bytes.TrimSpace(line)
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		name, value, _ := bytes.Cut(line, []byte(" "))
		value = bytes.TrimSpace(value)
		switch string(name) {
		case "model":
			if c.Model != "" {
				bad(ln, "a second model line")
				continue
			}
			c.Model = string(value)
		case "dimensions":
			d, err := strconv.Atoi(string(value))
			if err != nil || d < 1 || d > MaxDims || c.Dims != 0 {
				bad(ln, "dimensions must be given once, as a whole number from 1 to %d", MaxDims)
				continue
			}
			c.Dims = d
			c.data = make([]int8, 0, min(lines*d, len(data)))
		default:
			c.parseEntry(ln, name, value, bad)
		}
	}
	if c.Model == "" {
		bad(1, "no model line: the vectors cannot be trusted and are ignored")
		return New("", 0), probs
	}
	return c, probs
}

// parseEntry reads one "KEY VECTOR" line.
func (c *Cache) parseEntry(ln int, name, value []byte, bad func(int, string, ...any)) {
	key, err := strconv.ParseUint(string(name), 16, 64)
	if err != nil || len(name) != 16 || key == 0 {
		bad(ln, "expected a 16-digit hexadecimal key and a vector")
		return
	}
	if c.Dims == 0 {
		bad(ln, "a vector before the dimensions line")
		return
	}
	var stack [4096]byte
	raw := stack[:0]
	if n := base64.StdEncoding.DecodedLen(len(value)); n > len(stack) {
		raw = make([]byte, 0, n)
	}
	raw = raw[:base64.StdEncoding.DecodedLen(len(value))]
	n, err := base64.StdEncoding.Decode(raw, value)
	if err != nil || n != c.Dims {
		bad(ln, "the vector is not %d base64-encoded bytes", c.Dims)
		return
	}
	var qstack [4096]int8
	q := qstack[:0]
	if n > len(qstack) {
		q = make([]int8, 0, n)
	}
	for _, b := range raw[:n] {
		q = append(q, int8(b))
	}
	if norm(q) == 0 {
		bad(ln, "a vector of zeros")
		return
	}
	c.put(key, q)
}

// Encode writes the cache in the sidecar format, entries sorted by key so
// that the same vectors always make the same file.
func (c *Cache) Encode() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n# vectors keyed by the SHA-256 of each text; written by `ftls embed`, read by `ftls check`\nmodel %s\ndimensions %d\n", header, oneLine(c.Model), c.Dims)
	keys := slices.Clone(c.order)
	slices.Sort(keys)
	raw := make([]byte, c.Dims)
	for _, k := range keys {
		for i, x := range c.vector(c.keys[k]) {
			raw[i] = byte(x)
		}
		fmt.Fprintf(&b, "%016x %s\n", k, base64.StdEncoding.EncodeToString(raw))
	}
	return b.Bytes()
}

// oneLine keeps a model name from breaking the line format.
func oneLine(s string) string { return strings.Join(strings.Fields(s), "_") }

// Load reads the sidecar at path. A missing file is an empty cache and no
// error; an unreadable one is an error; a damaged one is a cache of what
// could be read, with the problems.
func Load(path string) (*Cache, []Problem, error) {
	data, err := safefile.ReadFile(path, MaxSidecar)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	c, probs := Parse(data)
	return c, probs, nil
}

// Save writes the cache to path atomically: a reader sees the old file or
// the new one, never a part.
func (c *Cache) Save(path string) error {
	return atomicfile.WriteFile(path, c.Encode())
}

// Prune drops the vectors whose key keep refuses (texts no longer in the
// dataset), so that the sidecar holds only what is used, and returns how
// many were dropped.
func (c *Cache) Prune(keep func(key uint64) bool) int {
	fresh := New(c.Model, c.Dims)
	for _, k := range c.order {
		if keep(k) {
			fresh.put(k, c.vector(c.keys[k]))
		}
	}
	dropped := c.Len() - fresh.Len()
	c.keys, c.order, c.data, c.norms = fresh.keys, fresh.order, fresh.data, fresh.norms
	c.sigMu.Lock()
	c.sigs = nil
	c.sigMu.Unlock()
	return dropped
}
