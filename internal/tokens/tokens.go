// Package tokens counts tokens exactly as OpenAI's tiktoken does, offline,
// for the two encodings of the chat models that can be fine-tuned:
// o200k_base (gpt-4o, gpt-4o-mini, gpt-4.1*, the o1/o3/o4 family, gpt-5)
// and cl100k_base (gpt-3.5-turbo*, gpt-4, gpt-4-turbo).
//
// The vocabularies are embedded in the binary (about 2.3 MB). Text is split
// into pieces by a hand-written scanner equivalent to tiktoken's split
// regular expressions and each piece is byte-pair encoded with tiktoken's
// merge order, so Count(s) equals len(enc.encode_ordinary(s)) in tiktoken.
// Special tokens such as "<|endoftext|>" get no special treatment: they are
// counted as the ordinary text they are.
//
// Text of any size is counted in one pass without copying it; memory stays
// small except for single pieces (runs of letters or of symbols with no
// break), which take about 28 bytes per byte of piece. A piece longer than
// 1 MiB, which real text does not have, is merged in overlapping windows
// to bound that memory. The windowed count equals the exact one unless the
// input is built to make BPE merges interact across more than 32 KiB, so
// for practical purposes counts are exact; in any case every token still
// covers at least one byte, so UpperBound holds.
//
// A Counter caches counts by a 64-bit hash of the text, so identical system
// prompts and repeated messages are tokenized once. ForModel and
// ForEncoding return one shared Counter per encoding, safe for concurrent
// use.
//
// CountChat follows the counting OpenAI publishes for chat models
// (num_tokens_from_messages in the openai-cookbook). UpperBound bounds that
// count from byte lengths alone, so callers can skip exact counting when the
// bound is within a limit, and Limit gives the fine-tuning context limit of
// a model.
package tokens

import (
	"fmt"
	"strings"
	"sync"
)

// Encoding names.
const (
	O200kBase  = "o200k_base"
	Cl100kBase = "cl100k_base"
)

// encoding is a vocabulary with its pre-tokenizer.
type encoding struct {
	name string
	v    *vocab
	next func(s string, i int) int // end of the piece starting at i
}

// count returns the token count of s.
func (e *encoding) count(s string) int {
	n := 0
	for i := 0; i < len(s); {
		j := e.next(s, i)
		n += e.bpeCount(s[i:j])
		i = j
	}
	return n
}

// Counter counts tokens for one encoding. It is safe for concurrent use.
type Counter struct {
	enc   *encoding
	cache *cache
}

var (
	countersMu sync.Mutex
	counters   = map[string]*Counter{}
)

// ForEncoding returns the shared Counter for an encoding: "o200k_base" or
// "cl100k_base".
func ForEncoding(name string) (*Counter, error) {
	var data string
	var next func(string, int) int
	switch name {
	case O200kBase:
		data, next = o200kBaseData, nextO200k
	case Cl100kBase:
		data, next = cl100kBaseData, nextCl100k
	default:
		return nil, fmt.Errorf("tokens: unknown encoding %q (want %q or %q)", name, O200kBase, Cl100kBase)
	}
	countersMu.Lock()
	defer countersMu.Unlock()
	if c := counters[name]; c != nil {
		return c, nil
	}
	initClasses()
	v, err := parseVocab(data)
	if err != nil {
		return nil, fmt.Errorf("%w (%s)", err, name)
	}
	c := &Counter{enc: &encoding{name: name, v: v, next: next}, cache: newCache()}
	counters[name] = c
	return c, nil
}

// ForModel returns the shared Counter for the encoding a model uses. Model
// names follow tiktoken's table, fine-tuned models ("ft:gpt-4o-mini-...:org::id")
// included; an encoding name ("o200k_base", "cl100k_base") is accepted too.
// An unknown or empty model gets o200k_base, the encoding of all current
// models.
func ForModel(model string) (*Counter, error) {
	return ForEncoding(EncodingForModel(model))
}

// modelPrefixes maps model name prefixes to encodings, longest prefix first
// where one prefix extends another ("ft:gpt-4o" before "ft:gpt-4").
var modelPrefixes = []struct{ prefix, enc string }{
	{"ft:gpt-4o", O200kBase},
	{"ft:gpt-4.1", O200kBase},
	{"ft:o4-mini", O200kBase},
	{"ft:gpt-4", Cl100kBase},
	{"ft:gpt-3.5-turbo", Cl100kBase},
	{"ft:davinci-002", Cl100kBase},
	{"ft:babbage-002", Cl100kBase},
	{"gpt-3.5-turbo", Cl100kBase},
	{"gpt-35-turbo", Cl100kBase}, // Azure spelling
	{"gpt-4o", O200kBase},
	{"chatgpt-4o", O200kBase},
	{"gpt-4.1", O200kBase},
	{"gpt-4.5", O200kBase},
	{"gpt-4-", Cl100kBase}, // gpt-4-turbo, gpt-4-0613, gpt-4-32k, ...
	{"gpt-5", O200kBase},
	{"gpt-oss", O200kBase}, // o200k_harmony differs only in special tokens
	{"o1", O200kBase},
	{"o3", O200kBase},
	{"o4", O200kBase},
	{"text-embedding-3-", Cl100kBase},
}

// exactModels maps model names that are not covered by a prefix.
var exactModels = map[string]string{
	"gpt-4":                  Cl100kBase,
	"gpt-3.5":                Cl100kBase,
	"davinci-002":            Cl100kBase,
	"babbage-002":            Cl100kBase,
	"text-embedding-ada-002": Cl100kBase,
	O200kBase:                O200kBase,
	Cl100kBase:               Cl100kBase,
}

// EncodingForModel returns the name of the encoding a model uses, as
// ForModel chooses it.
func EncodingForModel(model string) string {
	m := strings.ToLower(strings.TrimSpace(model))
	if enc, ok := exactModels[m]; ok {
		return enc
	}
	for _, p := range modelPrefixes {
		if strings.HasPrefix(m, p.prefix) {
			return p.enc
		}
	}
	return O200kBase
}

// Encoding returns the name of the counter's encoding.
func (c *Counter) Encoding() string { return c.enc.name }

// minCached is the shortest text whose count is cached; shorter ones are
// cheaper to count than to look up.
const minCached = 24

// Count returns the number of tokens tiktoken produces for text with
// encode_ordinary: special-token strings are ordinary text.
func (c *Counter) Count(text string) int {
	if len(text) < minCached {
		return c.enc.count(text)
	}
	h := c.cache.hash(text)
	if n, ok := c.cache.get(h, len(text)); ok {
		return n
	}
	n := c.enc.count(text)
	c.cache.put(h, len(text), n)
	return n
}

// CountUncached counts like Count without consulting or filling the cache.
func (c *Counter) CountUncached(text string) int { return c.enc.count(text) }
