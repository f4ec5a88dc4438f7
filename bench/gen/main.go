// Command gen writes a deterministic synthetic OpenAI-chat fine-tuning
// dataset (JSON Lines) for benchmarking `ftls check`.
//
//	go run ./bench/gen -rows 100000 -seed 1 -o bench/out/data-100k.jsonl
//
// Every output line is one "row". Most rows are valid chat examples of the
// form
//
//	{"messages":[{"role":"system","content":"..."},{"role":"user","content":"..."},
//	  {"role":"assistant","content":"..."}],"metadata":{"category":"coding"}}
//
// averaging about 2.3 KB, ~20% of them multi-turn (2–6 user/assistant
// turns). Content is English prose from a fixed word list with some
// non-ASCII text (accents, CJK, emoji) and JSON escapes (\n, \", \u00e9).
//
// A small, controlled share of rows carries a planted problem; which rows
// do is decided by the seeded generator, so the same -rows/-seed always
// yields the same bytes. Rates (per row): 0.5% exact duplicate of an earlier
// row, 0.5% near-duplicate (earlier row with a few words changed), 0.2%
// malformed JSON (truncated line or trailing comma), 0.2% misspelled role
// ("asistant" or "human"), 0.1% blank line, 0.1% row with no assistant
// message. The counts actually planted are printed to stderr.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
)

// Planted-problem rates, in units of 1/10000 rows.
const (
	rateExactDup    = 50
	rateNearDup     = 50
	rateMalformed   = 20
	rateMisspelled  = 20
	rateBlank       = 10
	rateNoAssistant = 10
)

// Counts reports what was written.
type Counts struct {
	Rows           int   // lines written (including blank and malformed ones)
	Bytes          int64 // bytes written
	MultiTurn      int   // well-formed rows with 2–6 turns (incl. their copies)
	ExactDup       int
	NearDup        int
	Malformed      int
	Truncated      int // subset of Malformed
	TrailingComma  int // subset of Malformed
	MisspelledRole int
	Asistant       int // subset of MisspelledRole: "asistant" instead of "assistant"
	Human          int // subset of MisspelledRole: "human" instead of "user"
	Blank          int
	NoAssistant    int
}

func main() {
	rows := flag.Int("rows", 100000, "number of lines to write")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "-", "output file (- for stdout)")
	flag.Parse()
	if *rows < 0 {
		fmt.Fprintln(os.Stderr, "gen: -rows must be >= 0")
		os.Exit(2)
	}

	var w io.Writer = os.Stdout
	var f *os.File
	if *out != "-" {
		var err error
		f, err = os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		w = f
	}
	c, err := Generate(w, *rows, *seed)
	if err == nil && f != nil {
		err = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "gen: rows=%d bytes=%d avg_row_bytes=%.0f seed=%d\n",
		c.Rows, c.Bytes, float64(c.Bytes)/float64(max(c.Rows, 1)), *seed)
	fmt.Fprintf(os.Stderr, "gen: multi_turn=%d\n", c.MultiTurn)
	fmt.Fprintf(os.Stderr, "gen: planted exact_duplicate=%d near_duplicate=%d malformed_json=%d (truncated=%d trailing_comma=%d) misspelled_role=%d (asistant=%d human=%d) blank_line=%d no_assistant=%d\n",
		c.ExactDup, c.NearDup, c.Malformed, c.Truncated, c.TrailingComma,
		c.MisspelledRole, c.Asistant, c.Human, c.Blank, c.NoAssistant)
}

// Generate writes rows lines to w, deterministically for a given seed.
func Generate(w io.Writer, rows int, seed uint64) (Counts, error) {
	bw := bufio.NewWriterSize(w, 4<<20)
	g := newGen(seed)
	var c Counts
	for i := 0; i < rows; i++ {
		line := g.next(&c)
		if _, err := bw.Write(line); err != nil {
			return c, err
		}
		c.Bytes += int64(len(line))
		c.Rows++
	}
	return c, bw.Flush()
}

const poolSize = 512

type gen struct {
	r    *rand.Rand
	buf  []byte   // the line being built
	tmp  []byte   // scratch for near-duplicate edits
	pool [][]byte // earlier well-formed rows, sources of (near-)duplicates
	// multi[i] records whether pool[i] is a multi-turn row.
	multi []bool
}

func newGen(seed uint64) *gen {
	return &gen{
		r:   rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)),
		buf: make([]byte, 0, 64<<10),
		tmp: make([]byte, 0, 64<<10),
	}
}

type rowKind int

const (
	kindNormal rowKind = iota
	kindAsistant
	kindHuman
	kindNoAssistant
)

// next returns the next line (including its trailing newline). The
// returned slice is valid until the following call.
func (g *gen) next(c *Counts) []byte {
	p := g.r.IntN(10000)
	havePool := len(g.pool) > 0
	switch {
	case p < rateExactDup && havePool:
		j := g.r.IntN(len(g.pool))
		g.buf = append(g.buf[:0], g.pool[j]...)
		c.ExactDup++
		if g.multi[j] {
			c.MultiTurn++
		}
		return g.buf
	case p >= rateExactDup && p < rateExactDup+rateNearDup && havePool:
		j := g.r.IntN(len(g.pool))
		g.buf = append(g.buf[:0], g.pool[j]...)
		g.mutate(3)
		c.NearDup++
		if g.multi[j] {
			c.MultiTurn++
		}
		return g.buf
	}
	p -= rateExactDup + rateNearDup
	switch {
	case p >= 0 && p < rateMalformed:
		g.row(kindNormal)
		c.Malformed++
		if g.r.IntN(2) == 0 {
			g.truncate()
			c.Truncated++
		} else {
			g.trailingComma()
			c.TrailingComma++
		}
		return g.buf
	case p >= rateMalformed && p < rateMalformed+rateMisspelled:
		c.MisspelledRole++
		if g.r.IntN(2) == 0 {
			g.row(kindAsistant)
			c.Asistant++
		} else {
			g.row(kindHuman)
			c.Human++
		}
		return g.buf
	case p >= rateMalformed+rateMisspelled && p < rateMalformed+rateMisspelled+rateBlank:
		c.Blank++
		g.buf = append(g.buf[:0], '\n')
		return g.buf
	case p >= rateMalformed+rateMisspelled+rateBlank && p < rateMalformed+rateMisspelled+rateBlank+rateNoAssistant:
		c.NoAssistant++
		g.row(kindNoAssistant)
		return g.buf
	}
	multi := g.row(kindNormal)
	if multi {
		c.MultiTurn++
	}
	g.remember(multi)
	return g.buf
}

// remember keeps a copy of some well-formed rows for later duplication.
func (g *gen) remember(multi bool) {
	if g.r.IntN(8) != 0 {
		return
	}
	if len(g.pool) < poolSize {
		g.pool = append(g.pool, append([]byte(nil), g.buf...))
		g.multi = append(g.multi, multi)
		return
	}
	j := g.r.IntN(poolSize)
	g.pool[j] = append(g.pool[j][:0], g.buf...)
	g.multi[j] = multi
}

// row builds one chat example into g.buf and reports whether it is
// multi-turn.
func (g *gen) row(kind rowKind) bool {
	b := append(g.buf[:0], `{"messages":[`...)
	cat := g.r.IntN(len(categories))
	if g.r.IntN(10) != 0 { // 90% of rows have a system prompt
		b = append(b, `{"role":"system","content":"`...)
		b = append(b, systemPrompts[g.r.IntN(len(systemPrompts))]...)
		b = append(b, `"},`...)
	}
	turns := 1
	if kind != kindNoAssistant && g.r.IntN(5) == 0 { // ~20% multi-turn
		turns = 2 + g.r.IntN(5)
	}
	for t := 0; t < turns; t++ {
		if t > 0 {
			b = append(b, ',')
		}
		userRole, asstRole := "user", "assistant"
		if t == 0 {
			switch kind {
			case kindAsistant:
				asstRole = "asistant"
			case kindHuman:
				userRole = "human"
			}
		}
		b = append(b, `{"role":"`...)
		b = append(b, userRole...)
		b = append(b, `","content":"`...)
		if turns == 1 {
			b = g.prose(b, 25, 90, false)
		} else {
			b = g.prose(b, 10, 40, false)
		}
		b = append(b, `"}`...)
		if kind == kindNoAssistant {
			break
		}
		b = append(b, `,{"role":"`...)
		b = append(b, asstRole...)
		b = append(b, `","content":"`...)
		if turns == 1 {
			b = g.prose(b, 115, 330, true)
		} else {
			b = g.prose(b, 32, 108, true)
		}
		b = append(b, `"}`...)
	}
	b = append(b, `],"metadata":{"category":"`...)
	b = append(b, categories[cat]...)
	b = append(b, "\"}}\n"...)
	g.buf = b
	return turns > 1
}

// prose appends between lo and hi words of sentence-shaped text, already
// escaped for a JSON string.
func (g *gen) prose(b []byte, lo, hi int, assistant bool) []byte {
	r := g.r
	n := lo + r.IntN(hi-lo+1)
	left := 0 // words left in the current sentence
	for i := 0; i < n; i++ {
		if left == 0 {
			if i > 0 {
				b = append(b, puncts[r.IntN(len(puncts))]...)
				switch x := r.IntN(40); {
				case x < 5:
					b = append(b, `\n\n`...)
				case x == 5 && assistant:
					b = g.list(b)
					b = append(b, `\n\n`...)
				case x == 6 && assistant:
					b = append(b, `\n\n`...)
					b = append(b, snippets[r.IntN(len(snippets))]...)
					b = append(b, `\n\n`...)
				default:
					b = append(b, ' ')
				}
			}
			left = 4 + r.IntN(15)
			b = append(b, capWords[r.IntN(len(capWords))]...)
		} else {
			b = append(b, ' ')
			if r.IntN(50) == 0 {
				b = append(b, specials[r.IntN(len(specials))]...)
			} else {
				b = append(b, words[r.IntN(len(words))]...)
			}
		}
		left--
	}
	return append(b, '.')
}

// list appends a short bulleted list.
func (g *gen) list(b []byte) []byte {
	r := g.r
	items := 2 + r.IntN(4)
	for k := 0; k < items; k++ {
		b = append(b, `\n- `...)
		b = append(b, capWords[r.IntN(len(capWords))]...)
		m := 2 + r.IntN(6)
		for j := 0; j < m; j++ {
			b = append(b, ' ')
			b = append(b, words[r.IntN(len(words))]...)
		}
	}
	return b
}

// mutate replaces k words inside string content of g.buf with other words,
// producing a near-duplicate. Only lowercase ASCII words surrounded by
// spaces are touched, so keys and structure are never affected.
func (g *gen) mutate(k int) {
	done := 0
	for tries := 0; done < k && tries < 100; tries++ {
		b := g.buf
		pos := len(b)/4 + g.r.IntN(len(b)/2)
		start, end := -1, -1
		for i := pos; i < len(b)-1 && i < pos+400; i++ {
			if b[i] != ' ' {
				continue
			}
			j := i + 1
			for j < len(b) && b[j] >= 'a' && b[j] <= 'z' {
				j++
			}
			if j > i+1 && j < len(b) && b[j] == ' ' {
				start, end = i+1, j
				break
			}
		}
		if start < 0 {
			continue
		}
		w := words[g.r.IntN(len(words))]
		if w == string(b[start:end]) {
			continue
		}
		g.tmp = append(g.tmp[:0], b[end:]...)
		b = append(b[:start], w...)
		g.buf = append(b, g.tmp...)
		done++
	}
}

// truncate cuts g.buf somewhere in its second half (at an ASCII byte, so
// the line stays valid UTF-8) and drops the closing part; the newline is
// kept.
func (g *gen) truncate() {
	b := g.buf[:len(g.buf)-1] // without '\n'
	cut := len(b)/2 + g.r.IntN(len(b)/2-2)
	for cut > 1 && b[cut] >= 0x80 {
		cut--
	}
	g.buf = append(b[:cut], '\n')
}

// trailingComma inserts a comma before the closing bracket of the
// messages array or before the closing brace of the metadata object.
func (g *gen) trailingComma() {
	b := g.buf
	n := len(b)
	var at int
	if g.r.IntN(2) == 0 {
		at = n - 3 // ...,"category":"x"<,>}}\n
	} else {
		// ...}<,>],"metadata":{"category":"x"}}\n
		at = n - len(`],"metadata":{"category":""}}`+"\n") - len(categoryOf(b))
	}
	g.tmp = append(g.tmp[:0], b[at:]...)
	b = append(b[:at], ',')
	g.buf = append(b, g.tmp...)
}

// categoryOf returns the category value of a well-formed row.
func categoryOf(b []byte) []byte {
	// The row ends with "category":"<cat>"}}\n
	end := len(b) - 4
	start := end
	for start > 0 && b[start-1] != '"' {
		start--
	}
	return b[start:end]
}

var categories = []string{
	"coding", "math", "writing", "summarization",
	"question_answering", "translation", "reasoning", "chitchat",
}

var systemPrompts = []string{
	`You are a helpful assistant.`,
	`You are a helpful, concise assistant. Answer the user's question accurately and say so when you are unsure.`,
	`You are an expert software engineer. Explain your reasoning step by step and include code when it helps.`,
	`You are a friendly tutor. Use simple words, give one example, and end with a short question to check understanding.`,
	`You are a careful editor. Keep the author's voice, fix grammar, and list the changes you made.\nNever invent facts.`,
	`Tu es un assistant serviable. R\u00e9ponds en anglais sauf si l'utilisateur \u00e9crit en fran\u00e7ais.`,
}

var puncts = []string{".", ".", ".", ".", ".", "?", "!", ";", ":"}

// specials are pre-escaped JSON string fragments: non-ASCII text, escaped
// quotes and \u escapes.
var specials = []string{
	"café", "naïve", "résumé", "Zürich", "façade", "São Paulo", "Ångström", "jalapeño",
	"日本語", "東京", "数据集", "机器学习", "한국어", "Привет", "Ελληνικά", "مرحبا",
	"😀", "🚀", "✅", "🤖", "👍🏽", "—", "€42", "±0.5",
	`\"quoted\"`, `\"best practice\"`, `caf\u00e9`, `na\u00efve`, `\u00e9l\u00e8ve`,
	`\u2014`, `\ud83d\ude00`, `C:\\Users\\data`, "\\ttabbed",
}

var snippets = []string{
	"```python\\nimport json\\n\\nwith open(\\\"data.jsonl\\\") as f:\\n    rows = [json.loads(line) for line in f]\\nprint(len(rows))\\n```",
	"```go\\nfunc add(a, b int) int {\\n\\treturn a + b\\n}\\n```",
	"```bash\\njq -c '.messages[] | select(.role == \\\"assistant\\\")' data.jsonl | wc -l\\n```",
	"```sql\\nSELECT category, COUNT(*) FROM examples GROUP BY category;\\n```",
	"```js\\nconst total = items.reduce((sum, x) => sum + x.price, 0);\\nconsole.log(`total: ${total}`);\\n```",
}

var words = []string{
	"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by",
	"on", "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had",
	"they", "you", "were", "their", "one", "all", "we", "can", "her", "has", "there", "been", "if",
	"more", "when", "will", "would", "who", "so", "no", "she", "other", "its", "may", "these", "what",
	"them", "than", "some", "him", "time", "into", "only", "do", "could", "new", "about", "two", "first",
	"then", "because", "any", "people", "like", "also", "such", "most", "each", "way", "made", "many",
	"should", "over", "use", "data", "model", "example", "answer", "question", "system", "value",
	"function", "result", "process", "number", "different", "following", "important", "information",
	"however", "between", "through", "before", "after", "without", "within", "during", "several",
	"approach", "method", "problem", "solution", "simple", "complex", "general", "specific", "common",
	"possible", "likely", "clear", "better", "small", "large", "quickly", "carefully", "usually",
	"often", "always", "never", "sometimes", "together", "instead", "therefore", "although", "while",
	"where", "why", "how", "here", "step", "steps", "list", "file", "line", "lines", "string", "array",
	"object", "field", "key", "error", "errors", "check", "checks", "test", "tests", "code", "program",
	"language", "training", "dataset", "examples", "format", "output", "input", "user", "users",
	"assistant", "message", "messages", "content", "role", "token", "tokens", "length", "limit",
	"memory", "speed", "performance", "quality", "review", "change", "changes", "version", "update",
	"write", "read", "explain", "describe", "compare", "consider", "include", "remove", "keep", "make",
	"find", "show", "give", "take", "need", "want", "know", "think", "see", "look", "work", "works",
	"help", "start", "end", "point", "case", "cases", "part", "parts", "set", "group", "order", "level",
	"history", "science", "market", "city", "country", "water", "energy", "health", "school", "book",
	"story", "music", "weather", "travel", "recipe", "garden", "coffee", "morning", "evening", "river",
	"mountain", "ocean", "forest", "bridge", "window", "letter", "friend", "family", "teacher",
	"student", "customer", "company", "project", "meeting", "schedule", "budget", "report", "summary",
	"translation", "sentence", "paragraph", "word", "words", "meaning", "context", "detail", "details",
	"reason", "reasons", "idea", "ideas", "plan", "goal", "goals", "risk", "risks", "cost", "costs",
	"benefit", "benefits", "feature", "features", "option", "options", "choice", "default", "config",
	"server", "client", "request", "response", "network", "database", "query", "index", "table",
	"column", "row", "rows", "page", "pages", "chapter", "section", "notes", "source", "sources",
	"accurate", "concise", "helpful", "useful", "careful", "correct", "wrong", "true", "false",
	"early", "late", "recent", "modern", "ancient", "local", "global", "public", "private", "natural",
	"quick", "slow", "easy", "hard", "warm", "cold", "bright", "quiet", "strong", "gentle", "steady",
}

var capWords = func() []string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = string(w[0]-'a'+'A') + w[1:]
	}
	return out
}()
