package tokens

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// Fragments of chat-style fine-tuning data: English prose, code, CJK,
// other scripts and emoji.
var benchFragments = []string{
	"Sure! Here's a quick summary of the main points we discussed earlier.",
	"The function returns an error when the input file cannot be opened, so callers should check it before using the result.",
	"Could you explain the difference between a process and a thread? I'm preparing for an interview next week.",
	"In short: processes have separate address spaces, while threads share memory within one process. 🧵",
	"Thanks, that's really helpful! 😊 Can you give me an example in Go?",
	"```go\nfunc worker(id int, jobs <-chan int, results chan<- int) {\n\tfor j := range jobs {\n\t\tresults <- j * 2\n\t}\n}\n```",
	"```python\ndef fib(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a\n```",
	"{\"name\": \"get_weather\", \"arguments\": {\"location\": \"Paris, FR\", \"unit\": \"celsius\"}}",
	"Step 1: Preheat the oven to 180°C (350°F).\nStep 2: Mix 200 g of flour with 2 eggs and 100 ml of milk.",
	"人工知能は、データからパターンを学習し、予測や判断を行う技術です。",
	"请用简单的语言解释一下机器学习和深度学习的区别。",
	"머신러닝 모델을 미세 조정하려면 고품질의 학습 데이터가 필요합니다.",
	"Привет! Как дела? Я изучаю программирование на языке Go.",
	"Der schnelle braune Fuchs springt über den faulen Hund. Grüße aus München!",
	"¿Podrías traducir este párrafo al español, por favor? Gracias de antemano.",
	"🚀 Launch checklist: ✅ tests ✅ docs ❌ changelog 👀",
	"Error: ENOENT: no such file or directory, open '/var/log/app/2024-06-01.log'",
	"https://example.com/api/v2/users?id=12345&sort=desc#results",
}

// benchText returns about n bytes of chat-like text, the same every time.
// It starts with a letter and ends with a newline.
func benchText(n int) string {
	r := rand.New(rand.NewPCG(7, 7))
	var sb strings.Builder
	roles := []string{"User: ", "Assistant: "}
	for i := 0; sb.Len() < n; i++ {
		sb.WriteString(roles[i%2])
		for k := 1 + r.IntN(4); k > 0; k-- {
			sb.WriteString(benchFragments[r.IntN(len(benchFragments))])
			sb.WriteString(" ")
		}
		sb.WriteString("\n\n")
	}
	return sb.String()
}

// BenchmarkCount measures uncached counting of about 1 MB of mixed text
// (MB/s is per goroutine, so per core).
func BenchmarkCount(b *testing.B) {
	text := benchText(1 << 20)
	for _, enc := range []string{O200kBase, Cl100kBase} {
		b.Run(enc, func(b *testing.B) {
			c := counter(b, enc)
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				c.CountUncached(text)
			}
		})
	}
}

// BenchmarkCountCached measures Count of a text whose count is cached: the
// cost of hashing it and one map lookup.
func BenchmarkCountCached(b *testing.B) {
	text := benchText(4 << 10)
	c := counter(b, O200kBase)
	c.Count(text)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		c.Count(text)
	}
}

// BenchmarkCountChat counts 1,000 fine-tuning examples of four messages
// that share one system prompt, through the cache (as a linter would).
func BenchmarkCountChat(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	system := "You are a helpful assistant for an online bookstore. Answer politely, in the customer's language, and never invent order details."
	var examples [][]Message
	size := 0
	for range 1000 {
		ex := []Message{
			{Role: "system", Content: system},
			{Role: "user", Content: benchFragments[r.IntN(len(benchFragments))]},
			{Role: "assistant", Content: benchFragments[r.IntN(len(benchFragments))] + " " + benchFragments[r.IntN(len(benchFragments))]},
			{Role: "user", Name: "customer", Content: benchFragments[r.IntN(len(benchFragments))]},
		}
		for _, m := range ex {
			size += len(m.Content)
		}
		examples = append(examples, ex)
	}
	c := counter(b, O200kBase)
	b.SetBytes(int64(size))
	for b.Loop() {
		for _, ex := range examples {
			c.CountChat(ex)
		}
	}
}

// BenchmarkParseVocab measures building the o200k_base table from the
// embedded vocabulary: what the first count (or the server's first hover)
// waits for.
func BenchmarkParseVocab(b *testing.B) {
	for b.Loop() {
		if _, err := parseVocab(o200kBaseData); err != nil {
			b.Fatal(err)
		}
	}
}
