package tokens

import (
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func counter(t testing.TB, enc string) *Counter {
	t.Helper()
	c, err := ForEncoding(enc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Counts from tiktoken (see testdata/golden.js for how they were obtained).
// "hello world" -> 2 and "tiktoken is great!" -> 6 are also the counts
// OpenAI's cookbook and tiktoken's README show.
var knownCounts = []struct {
	text          string
	o200k, cl100k int
}{
	{"hello world", 2, 2},
	{"", 0, 0},
	{" ", 1, 1},
	{"Hello, world!", 4, 4},
	{"tiktoken is great!", 6, 6},
	{"<|endoftext|>", 7, 7},
	{"<|im_start|>user\nhi<|im_end|>", 15, 15},
	{"\n\t\n", 1, 1},
	{"antidisestablishmentarianism", 6, 6},
	{"你好，世界！", 4, 7},
	{"こんにちは、世界。", 4, 6},
	{"안녕하세요 세계", 3, 9},
	{"👨‍👩‍👧‍👦", 11, 18},
	{"🇯🇵🇫🇷", 8, 12},
	{"I'm sure we can't; THEY'RE here'll", 10, 11},
	{"   leading and trailing   ", 5, 5},
	{"def add(a, b):\n    return a + b\n", 12, 12},
	{"1234567890", 4, 4},
	{"a\n\n  \n b", 3, 4},
	{"naïve café — “quotes” …", 9, 9},
	{"Ünïcödé ÀÉÎÕÜ", 10, 13},
	{"x = {\"key\": [1, 2.5, null]}  // comment", 18, 18},
	{"https://example.com/path?q=1&r=2#frag", 13, 13},
	{"\t\tindented\r\n\r\nwindows", 6, 6},
}

func TestKnownCounts(t *testing.T) {
	o, cl := counter(t, O200kBase), counter(t, Cl100kBase)
	for _, tc := range knownCounts {
		if got := o.Count(tc.text); got != tc.o200k {
			t.Errorf("o200k_base Count(%q) = %d, want %d", tc.text, got, tc.o200k)
		}
		if got := cl.Count(tc.text); got != tc.cl100k {
			t.Errorf("cl100k_base Count(%q) = %d, want %d", tc.text, got, tc.cl100k)
		}
	}
}

// TestGolden compares with tiktoken's counts for about 9,400 inputs: random
// mixes of tricky fragments (contractions, whitespace and newline runs,
// marks, scripts, emoji, digits), a sample of all code points in several
// contexts, and long pieces.
func TestGolden(t *testing.T) {
	f, err := os.Open("testdata/golden.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var golden map[string]json.RawMessage
	if err := json.NewDecoder(zr).Decode(&golden); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	if err := json.Unmarshal(golden["inputs"], &inputs); err != nil {
		t.Fatal(err)
	}
	for _, enc := range []string{O200kBase, Cl100kBase} {
		var want []int
		if err := json.Unmarshal(golden[enc], &want); err != nil || len(want) != len(inputs) {
			t.Fatalf("%s: bad golden counts (%v)", enc, err)
		}
		c := counter(t, enc)
		bad := 0
		for i, s := range inputs {
			if got := c.CountUncached(s); got != want[i] {
				if bad++; bad <= 10 {
					t.Errorf("%s Count(%q) = %d, want %d", enc, trunc(s), got, want[i])
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d golden counts differ", enc, bad, len(inputs))
		}
	}
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// TestVocabPublishedHash renders the embedded vocabularies in the .tiktoken
// format and checks the SHA-256 that tiktoken checks on OpenAI's files.
func TestVocabPublishedHash(t *testing.T) {
	for enc, want := range map[string]string{
		O200kBase:  "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
		Cl100kBase: "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
	} {
		v := counter(t, enc).enc.v
		h := sha256.New()
		for r := range uint32(v.numTokens()) {
			fmt.Fprintf(h, "%s %d\n", base64.StdEncoding.EncodeToString([]byte(v.token(r))), r)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			t.Errorf("%s: sha256 %s, want %s", enc, got, want)
		}
		// Every token must be found at its own rank.
		for r := range uint32(v.numTokens()) {
			if got, ok := v.rank(v.token(r)); !ok || got != r {
				t.Fatalf("%s: rank(%q) = %d, %v; want %d", enc, v.token(r), got, ok, r)
			}
		}
		if _, ok := v.rank("no such token, surely"); ok {
			t.Errorf("%s: found a token that does not exist", enc)
		}
	}
}

func TestEncodingForModel(t *testing.T) {
	for _, tc := range []struct{ model, enc string }{
		{"gpt-4o", O200kBase},
		{"gpt-4o-mini", O200kBase},
		{"gpt-4o-2024-08-06", O200kBase},
		{"gpt-4o-mini-2024-07-18", O200kBase},
		{"gpt-4.1", O200kBase},
		{"gpt-4.1-mini-2025-04-14", O200kBase},
		{"gpt-4.1-nano", O200kBase},
		{"o1", O200kBase},
		{"o3-mini", O200kBase},
		{"o4-mini-2025-04-16", O200kBase},
		{"gpt-5", O200kBase},
		{"ft:gpt-4o-mini-2024-07-18:my-org::9abc", O200kBase},
		{"ft:gpt-4.1-2025-04-14:org:custom:id", O200kBase},
		{"gpt-3.5-turbo", Cl100kBase},
		{"gpt-3.5-turbo-0125", Cl100kBase},
		{"gpt-3.5-turbo-1106", Cl100kBase},
		{"gpt-35-turbo", Cl100kBase},
		{"gpt-4", Cl100kBase},
		{"gpt-4-0613", Cl100kBase},
		{"gpt-4-turbo", Cl100kBase},
		{"gpt-4-turbo-2024-04-09", Cl100kBase},
		{"ft:gpt-3.5-turbo-0125:org::id", Cl100kBase},
		{"ft:gpt-4-0613:org::id", Cl100kBase},
		{"davinci-002", Cl100kBase},
		{"o200k_base", O200kBase},
		{"cl100k_base", Cl100kBase},
		{" GPT-4 ", Cl100kBase},
		{"", O200kBase},
		{"some-future-model", O200kBase},
	} {
		if got := EncodingForModel(tc.model); got != tc.enc {
			t.Errorf("EncodingForModel(%q) = %q, want %q", tc.model, got, tc.enc)
		}
		c, err := ForModel(tc.model)
		if err != nil {
			t.Fatal(err)
		}
		if c.Encoding() != tc.enc {
			t.Errorf("ForModel(%q).Encoding() = %q, want %q", tc.model, c.Encoding(), tc.enc)
		}
	}
}

func TestForEncoding(t *testing.T) {
	a, b := counter(t, O200kBase), counter(t, O200kBase)
	if a != b {
		t.Error("ForEncoding returned two counters for one encoding")
	}
	for _, name := range []string{"p50k_base", "O200K_BASE", "", "gpt-4o"} {
		if c, err := ForEncoding(name); err == nil {
			t.Errorf("ForEncoding(%q) = %v, want an error", name, c.Encoding())
		}
	}
}

func TestLimit(t *testing.T) {
	for _, tc := range []struct {
		model string
		limit int
		ok    bool
	}{
		{"gpt-4o", 65536, true},
		{"gpt-4o-2024-08-06", 65536, true},
		{"gpt-4o-mini", 65536, true},
		{"gpt-4o-mini-2024-07-18", 65536, true},
		{"gpt-4.1", 65536, true},
		{"gpt-4.1-mini-2025-04-14", 65536, true},
		{"gpt-4.1-nano", 65536, true},
		{"ft:gpt-4o-mini-2024-07-18:org::abc123", 65536, true},
		{"gpt-3.5-turbo", 16385, true},
		{"gpt-3.5-turbo-0125", 16385, true},
		{"gpt-3.5-turbo-1106", 16385, true},
		{"gpt-3.5-turbo-0613", 4096, true},
		{"ft:gpt-3.5-turbo-0125:org:suffix:id", 16385, true},
		{"GPT-4o-mini", 65536, true},
		{"gpt-4", 0, false},
		{"o3", 0, false},
		{"", 0, false},
		{"unknown", 0, false},
	} {
		limit, ok := Limit(tc.model)
		if limit != tc.limit || ok != tc.ok {
			t.Errorf("Limit(%q) = %d, %v; want %d, %v", tc.model, limit, ok, tc.limit, tc.ok)
		}
	}
}

func TestCountChat(t *testing.T) {
	c := counter(t, O200kBase)
	msgs := []Message{
		{Role: "system", Content: "You are a helpful assistant."},
		{Role: "user", Name: "alice", Content: "Hello, world!"},
		{Role: "assistant", Content: ""},
	}
	got := c.CountChat(msgs)
	var want ChatCount
	want.Total = 3 // reply priming
	for _, m := range msgs {
		n := 3 + c.Count(m.Role) + c.Count(m.Content)
		if m.Name != "" {
			n += c.Count(m.Name) + 1
		}
		want.PerMessage = append(want.PerMessage, n)
		want.Total += n
	}
	if got.Total != want.Total || fmt.Sprint(got.PerMessage) != fmt.Sprint(want.PerMessage) {
		t.Errorf("CountChat = %+v, want %+v", got, want)
	}
	// The arithmetic, spelled out: "system"=1, "user"=1, "assistant"=1,
	// "alice"=1, "Hello, world!"=4, "You are a helpful assistant."=6.
	if want := []int{3 + 1 + 6, 3 + 1 + 4 + 1 + 1, 3 + 1 + 0}; fmt.Sprint(got.PerMessage) != fmt.Sprint(want) {
		t.Errorf("PerMessage = %v, want %v", got.PerMessage, want)
	}
	if got.Total != 10+10+4+3 {
		t.Errorf("Total = %d, want %d", got.Total, 27)
	}
	if got := c.CountChat(nil); got.Total != 3 || len(got.PerMessage) != 0 {
		t.Errorf("CountChat(nil) = %+v, want Total 3", got)
	}
}

// The example conversation of the openai-cookbook's "How to count tokens
// with tiktoken", for which it reports 129 prompt tokens for gpt-3.5-turbo
// and gpt-4 and 124 for gpt-4o and gpt-4o-mini, as the API counted them.
func TestCountChatCookbook(t *testing.T) {
	msgs := []Message{
		{Role: "system", Content: "You are a helpful, pattern-following assistant that translates corporate jargon into plain English."},
		{Role: "system", Name: "example_user", Content: "New synergies will help drive top-line growth."},
		{Role: "system", Name: "example_assistant", Content: "Things working well together will increase revenue."},
		{Role: "system", Name: "example_user", Content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage."},
		{Role: "system", Name: "example_assistant", Content: "Let's talk later when we're less busy about how to do better."},
		{Role: "user", Content: "This late pivot means we don't have time to boil the ocean for the client deliverable."},
	}
	for model, want := range map[string]int{"gpt-3.5-turbo-0125": 129, "gpt-4-0613": 129, "gpt-4o": 124, "gpt-4o-mini": 124} {
		c, err := ForModel(model)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.CountChat(msgs).Total; got != want {
			t.Errorf("%s: CountChat = %d, want %d", model, got, want)
		}
		if ub := UpperBound(msgs); ub < want {
			t.Errorf("UpperBound = %d < %d", ub, want)
		}
	}
}

func TestUpperBound(t *testing.T) {
	texts := []string{"", "a", "hello world", "你好，世界！", "👨‍👩‍👧‍👦🇯🇵", "\x00\xff\xfe invalid",
		"e\u0301\u0301\u0301", strings.Repeat("!", 1000), strings.Repeat(" ", 999), "🤖" + strings.Repeat("😀", 50)}
	for _, enc := range []string{O200kBase, Cl100kBase} {
		c := counter(t, enc)
		for _, content := range texts {
			for _, name := range []string{"", "n", "名前"} {
				msgs := []Message{{Role: "user", Name: name, Content: content}, {Role: "assistant", Content: content + content}}
				exact, ub := c.CountChat(msgs).Total, UpperBound(msgs)
				if ub < exact {
					t.Errorf("%s: UpperBound = %d < exact %d for %q", enc, ub, exact, content)
				}
			}
		}
	}
	if got := UpperBound(nil); got != 3 {
		t.Errorf("UpperBound(nil) = %d, want 3", got)
	}
	if got := UpperBound([]Message{{Role: "user", Name: "ab", Content: "xyz"}}); got != 3+3+4+3+2+1 {
		t.Errorf("UpperBound = %d, want %d", got, 3+3+4+3+2+1)
	}
}

func TestCache(t *testing.T) {
	c := counter(t, Cl100kBase)
	text := "You are a helpful assistant that answers in French. " + strconv.Itoa(rand.Int())
	want := c.CountUncached(text)
	before := c.cache.len()
	if got := c.Count(text); got != want {
		t.Fatalf("Count = %d, want %d", got, want)
	}
	if c.cache.len() != before+1 {
		t.Errorf("cache has %d entries, want %d", c.cache.len(), before+1)
	}
	h := c.cache.hash(text)
	if n, ok := c.cache.get(h, len(text)); !ok || n != want {
		t.Errorf("cache.get = %d, %v; want %d, true", n, ok, want)
	}
	if got := c.Count(text); got != want {
		t.Errorf("cached Count = %d, want %d", got, want)
	}
	// A cached entry is only used for text of the same length.
	if _, ok := c.cache.get(h, len(text)+1); ok {
		t.Error("cache hit with another length")
	}
	// Short texts are not cached.
	before = c.cache.len()
	c.Count("short")
	if c.cache.len() != before {
		t.Error("short text was cached")
	}
	// The cache stays bounded.
	c.cache.reset()
	for i := range 3 * cacheCapacity {
		c.cache.put(uint64(i)*0x9e3779b97f4a7c15, 30, i)
	}
	if n := c.cache.len(); n > cacheCapacity || n == 0 {
		t.Errorf("cache holds %d entries, capacity %d", n, cacheCapacity)
	}
	c.cache.reset()
}

func TestConcurrent(t *testing.T) {
	texts := make([]string, 64)
	for i := range texts {
		// Long runs of kanji make pieces that take the heap merge path.
		texts[i] = fmt.Sprintf("Message %d: %s %s", i%16, strings.Repeat("naïve 日本語 text 😀 ", i%7+1), strings.Repeat("日本語", 20+i%5))
	}
	want := map[string][]int{}
	for _, enc := range []string{O200kBase, Cl100kBase} {
		c := counter(t, enc)
		for _, s := range texts {
			want[enc] = append(want[enc], c.CountUncached(s))
		}
	}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, enc := range []string{O200kBase, Cl100kBase} {
				c, err := ForEncoding(enc)
				if err != nil {
					errs <- err.Error()
					return
				}
				for k := range 50 {
					i := (g*31 + k) % len(texts)
					if got := c.Count(texts[i]); got != want[enc][i] {
						errs <- fmt.Sprintf("%s: Count = %d, want %d", enc, got, want[enc][i])
						return
					}
					if got := c.CountUncached(texts[i]); got != want[enc][i] {
						errs <- fmt.Sprintf("%s: CountUncached = %d, want %d", enc, got, want[enc][i])
						return
					}
					msgs := []Message{{Role: "user", Content: texts[i]}}
					if got := c.CountChat(msgs).Total; got != want[enc][i]+7 {
						errs <- fmt.Sprintf("%s: CountChat = %d, want %d", enc, got, want[enc][i]+7)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestLongPieceWindows checks that merging a long piece in windows gives the
// exact count, with windows far smaller than the real ones.
func TestLongPieceWindows(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := func(alpha []string, n int) string {
		var sb strings.Builder
		for sb.Len() < n {
			sb.WriteString(alpha[r.IntN(len(alpha))])
		}
		return sb.String()
	}
	pieces := []string{
		strings.Repeat("a", 20000),
		strings.Repeat(" ", 20000),
		strings.Repeat("ab", 10000),
		gen(strings.Split("abcdefghijklmnopqrstuvwxyz", ""), 30000),
		gen([]string{"a", "b"}, 30000),
		gen([]string{"中", "文", "字", "日", "本"}, 30000),
		gen([]string{"!", "@", "#", "=", "-", "*"}, 30000),
		gen([]string{"an", "ti", "dis", "est", "ab", "lish", "ment"}, 30000),
	}
	for _, enc := range []string{O200kBase, Cl100kBase} {
		e := counter(t, enc).enc
		for _, p := range pieces {
			exact, _ := e.mergeHeap(p, len(p))
			if got := e.mergeLong(p, 4096, 1024); got != exact {
				t.Errorf("%s: windowed count of %q... = %d, exact %d", enc, p[:20], got, exact)
			}
			// mergeScan agrees with mergeHeap on short pieces.
			for _, n := range []int{2, 3, 17, 40, 64} {
				q := p[:n]
				if a, b := e.mergeScan(q), must(e.mergeHeap(q, n)); a != b {
					t.Errorf("%s: mergeScan(%q) = %d, mergeHeap = %d", enc, q, a, b)
				}
			}
		}
	}
}

func must(n, _ int) int { return n }

// TestHugeInputs counts a 5 MB word with no spaces and 50 MB of text.
func TestHugeInputs(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("slow; a timing test")
	}
	c := counter(t, O200kBase)
	word := strings.Repeat("a", 5<<20)
	start := time.Now()
	n := c.CountUncached(word)
	t.Logf("5 MiB word: %d tokens in %v", n, time.Since(start))
	// "a" repeats merge into 8-byte tokens.
	if n != 5<<20/8 {
		t.Errorf("5 MiB of 'a' = %d tokens, want %d", n, 5<<20/8)
	}
	// About 2 s on one core; quadratic merging would take hours.
	if d := time.Since(start); d > 2*time.Minute {
		t.Errorf("5 MiB word took %v", d)
	}

	// benchText starts with a letter and ends with a newline, so copies
	// split into the same pieces as the text alone.
	one := benchText(1 << 20)
	text := strings.Repeat(one, 50)
	start = time.Now()
	n = c.CountUncached(text)
	if want := 50 * c.CountUncached(one); n != want {
		t.Errorf("50 MiB text = %d tokens, want %d", n, want)
	}
	t.Logf("50 MiB text: %d tokens in %v", n, time.Since(start))
}
