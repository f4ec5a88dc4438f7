// Command mix writes a deterministic benchmark dataset whose text is the
// words of real public datasets, shuffled: the vocabulary and word lengths
// of real data, without bench/gen's small fixed word list.
//
//	go run ./bench/mix -style alpaca -rows 100000 -seed 1 -o bench/out/alpaca-100k.jsonl
//	go run ./bench/mix -style chat -rows 100000 -seed 1 -o bench/out/prose-100k.jsonl
//	go run ./bench/mix -style scripts -rows 100000 -seed 1 -o bench/out/scripts-100k.jsonl
//	go run ./bench/mix -style long -rows 3000 -seed 1 -o bench/out/long-3k.jsonl
//
// Styles:
//
//   - alpaca: short Alpaca rows ({"instruction","input","output"}), about
//     450 bytes each, from the words of the Alpaca-style files in the
//     source folder (files whose name contains "alpaca" or "identity");
//   - chat: OpenAI chat rows (system, user, assistant; a fifth multi-turn)
//     of about 2.3 KB, from the words of every file in the source folder;
//   - scripts: chat rows as chat's, each in one of Russian, Greek,
//     Arabic, Hindi, Chinese, Japanese and Korean, from a list of everyday
//     words of the language (scriptLanguages): text whose runes are mostly
//     not ASCII;
//   - code: chat rows whose answer is 0.8-2.2 KB of Go in a fence, cut
//     from the standard library's sources (-code), the question words as
//     chat's;
//   - long: rows of a 30 KB prompt and a 30 KB answer of the same
//     sources, starting with a line's indentation and ending with a
//     newline, as pasted code does (about 65 KB a row: ask for fewer),
//     a near copy's new words drawn as chat's;
//   - latex: chat rows of mathematics, words as chat's with inline and
//     display formulas between (braces and backslashes every few bytes);
//   - escaped: the scripts style's rows written as Python's json.dumps
//     writes them by default (ensure_ascii), every character outside ASCII
//     as a \uXXXX escape.
//
// Words are drawn at random in proportion to their frequency in the
// sources, so common words stay common. 0.5 % of rows are exact copies of
// an earlier row and 0.5 % near copies (three words replaced), so that the
// duplicate rules have something to find; the counts go to stderr.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	style := flag.String("style", "chat", "alpaca, chat, scripts, escaped, code, long or latex")
	rows := flag.Int("rows", 100000, "number of rows")
	seed := flag.Uint64("seed", 1, "random seed")
	src := flag.String("src", "../shared/datasets", "folder of the public datasets whose words are used")
	code := flag.String("code", "", "folder of the Go sources the code and long styles cut (default: the toolchain's standard library)")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	var words []string
	var source []byte
	var err error
	switch *style {
	case "alpaca", "chat", "latex":
		words, err = loadWords(*src, *style)
	case "code", "long":
		if words, err = loadWords(*src, *style); err == nil {
			source, err = loadCode(*code)
		}
	case "scripts", "escaped":
		words = scriptWords
	default:
		err = fmt.Errorf("-style must be alpaca, chat, scripts, escaped, code, long or latex, not %q", *style)
	}
	if err != nil {
		fail(err)
	}
	var w io.Writer = os.Stdout
	var f *os.File
	if *out != "-" {
		if f, err = os.Create(*out); err != nil {
			fail(err)
		}
		w = f
	}
	c, err := Generate(w, Source{Words: words, Code: source}, *style, *rows, *seed)
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "mix: style=%s rows=%d bytes=%d avg_row_bytes=%.0f seed=%d vocabulary=%d words\n",
		*style, c.Rows, c.Bytes, float64(c.Bytes)/float64(max(c.Rows, 1)), *seed, distinct(words))
	if source != nil {
		fmt.Fprintf(os.Stderr, "mix: code=%d bytes\n", len(source))
	}
	fmt.Fprintf(os.Stderr, "mix: planted exact_duplicate=%d near_duplicate=%d\n", c.ExactDup, c.NearDup)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mix:", err)
	os.Exit(1)
}

// Counts reports what was written.
type Counts struct {
	Rows, ExactDup, NearDup int
	Bytes                   int64
}

// loadWords returns the words (runs of non-space) of every string in the
// JSON and JSON Lines files of dir that style draws from, in a fixed order.
func loadWords(dir, style string) ([]string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json*"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var words []string
	for _, name := range names {
		base := filepath.Base(name)
		if style == "alpaca" && !strings.Contains(base, "alpaca") && !strings.Contains(base, "identity") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		words = appendFileWords(words, data)
	}
	if len(words) < 1000 {
		return nil, fmt.Errorf("%s: only %d words found for style %s", dir, len(words), style)
	}
	return words, nil
}

// appendFileWords decodes data as one JSON value or as JSON Lines and
// appends the words of its strings; lines that are not JSON are skipped.
func appendFileWords(words []string, data []byte) []string {
	var v any
	if json.Unmarshal(data, &v) == nil {
		return appendValueWords(words, v)
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		if json.Unmarshal(line, &v) == nil {
			words = appendValueWords(words, v)
		}
	}
	return words
}

func appendValueWords(words []string, v any) []string {
	switch v := v.(type) {
	case string:
		return append(words, strings.Fields(v)...)
	case []any:
		for _, e := range v {
			words = appendValueWords(words, e)
		}
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			words = appendValueWords(words, v[k])
		}
	}
	return words
}

func distinct(words []string) int {
	seen := map[string]bool{}
	for _, w := range words {
		seen[w] = true
	}
	return len(seen)
}

// Source is what rows are made of: words, and for the code and long
// styles Go source.
type Source struct {
	Words []string
	Code  []byte
}

// Generate writes rows rows of style to w, deterministically for a seed.
func Generate(w io.Writer, src Source, style string, rows int, seed uint64) (Counts, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	r := rand.New(rand.NewPCG(seed, 0x2545F4914F6CDD1D))
	g := &mixer{r: r, words: src.Words, code: src.Code}
	var c Counts
	var pool [][]byte
	for range rows {
		var line []byte
		switch p := r.IntN(1000); {
		case p < 5 && len(pool) > 0:
			line = slices.Clone(pool[r.IntN(len(pool))])
			c.ExactDup++
		case p < 10 && len(pool) > 0:
			line = g.nearCopy(pool[r.IntN(len(pool))])
			c.NearDup++
		default:
			if style == "scripts" || style == "escaped" {
				// A row is in one language, as real ones mostly are.
				g.words = scriptLanguages[r.IntN(len(scriptLanguages))]
			}
			switch style {
			case "alpaca":
				line = g.alpaca()
			case "code":
				line = g.codeChat()
			case "long":
				line = g.long()
			case "latex":
				line = g.latex()
			default:
				line = g.chat()
			}
			if len(pool) < 512 {
				pool = append(pool, line)
			} else {
				pool[r.IntN(len(pool))] = line
			}
		}
		if style == "escaped" {
			line = asciiEscaped(line) // a near copy's new words too
		}
		n, err := bw.Write(line)
		c.Bytes += int64(n)
		if err != nil {
			return c, err
		}
		c.Rows++
	}
	return c, bw.Flush()
}

type mixer struct {
	r     *rand.Rand
	words []string
	code  []byte
}

// text returns n words drawn at random, as a JSON string value.
func (g *mixer) text(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(g.words[g.r.IntN(len(g.words))])
	}
	q, _ := json.Marshal(b.String())
	return string(q)
}

// between returns a number in [lo, hi].
func (g *mixer) between(lo, hi int) int { return lo + g.r.IntN(hi-lo+1) }

func (g *mixer) alpaca() []byte {
	input := `""`
	if g.r.IntN(3) == 0 {
		input = g.text(g.between(4, 12))
	}
	return fmt.Appendf(nil, `{"instruction":%s,"input":%s,"output":%s}`+"\n",
		g.text(g.between(6, 16)), input, g.text(g.between(30, 75)))
}

var systems = []string{
	"You are a helpful assistant.",
	"You are a concise assistant. Answer in plain language.",
	"You answer questions about the documents the user provides.",
}

func (g *mixer) chat() []byte {
	var b bytes.Buffer
	sys, _ := json.Marshal(systems[g.r.IntN(len(systems))])
	fmt.Fprintf(&b, `{"messages":[{"role":"system","content":%s}`, sys)
	turns := 1
	if g.r.IntN(5) == 0 {
		turns = g.between(2, 5)
	}
	for range turns {
		user, answer := g.between(20, 80), g.between(120, 320)
		if turns > 1 {
			user, answer = user/2, answer/turns
		}
		fmt.Fprintf(&b, `,{"role":"user","content":%s},{"role":"assistant","content":%s}`, g.text(user), g.text(answer))
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// nearCopy returns row with three words of its last string replaced.
func (g *mixer) nearCopy(row []byte) []byte {
	out := slices.Clone(row)
	end := bytes.LastIndex(out, []byte(`"}`))
	start := bytes.LastIndex(out[:max(end, 0)], []byte(`":"`))
	if start < 0 || end < 0 {
		return out
	}
	body := out[start+3 : end]
	for range 3 {
		// Replace one space-delimited word with a new one from the list.
		spaces := bytes.Count(body, []byte(" "))
		if spaces < 2 {
			break
		}
		k := g.r.IntN(spaces)
		i := nthIndex(body, ' ', k)
		j := bytes.IndexByte(body[i+1:], ' ')
		if j < 0 {
			break
		}
		q, _ := json.Marshal(g.words[g.r.IntN(len(g.words))])
		word := q[1 : len(q)-1]
		body = slices.Concat(body[:i+1], word, body[i+1+j:])
	}
	return slices.Concat(out[:start+3], body, out[end:])
}

func nthIndex(b []byte, c byte, k int) int {
	i := -1
	for range k + 1 {
		i += 1 + bytes.IndexByte(b[i+1:], c)
	}
	return i
}
