package fakeopenai

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// EmbedDims is the length of the vectors the server returns when the
// request does not ask for dimensions.
const EmbedDims = 256

// Inputs returns the texts of an embeddings request, nil for another
// request.
func (r *Request) Inputs() []string {
	var one string
	if json.Unmarshal(r.Fields["input"], &one) == nil && r.Fields["input"] != nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(r.Fields["input"], &many)
	return many
}

// serveEmbeddings answers /v1/embeddings: the handler's reply when it
// gives one (errors, delays, a Body of its own), otherwise a vector per
// input from Embed, with a usage of one token per word.
func (s *Server) serveEmbeddings(w http.ResponseWriter, r *http.Request, req *Request) {
	var rep *Reply
	if s.handler != nil {
		rep = s.handler(req)
	}
	if rep != nil && rep.Delay > 0 {
		select {
		case <-time.After(rep.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if rep != nil {
		for k, v := range rep.Header {
			w.Header().Set(k, v)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	if rep != nil && (rep.Body != "" || rep.Status >= 400) {
		status := rep.Status
		if status == 0 {
			status = http.StatusOK
		}
		w.WriteHeader(status)
		io.WriteString(w, rep.Body)
		return
	}
	dims := EmbedDims
	json.Unmarshal(req.Fields["dimensions"], &dims)
	if dims < 1 || dims > 4096 {
		http.Error(w, `{"error":{"message":"dimensions out of range","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	var data []any
	tokens := 0
	for i, text := range req.Inputs() {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": Embed(text, dims)})
		tokens += len(strings.Fields(text))
	}
	b, _ := json.Marshal(map[string]any{
		"object": "list", "data": data, "model": req.Body.Model,
		"usage": map[string]any{"prompt_tokens": tokens, "total_tokens": tokens},
	})
	w.Write(b)
}

// stopWords carry no meaning of their own and are left out of Embed's bag
// of words.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the and or but if of to in on at by for with from as is are was were be been
		it its this that these those i me my you your we our he she they them their do does did can could would should
		will shall may might must how what which who when where why please there here so than then just`) {
		stopWords[w] = true
	}
}

// Embed is the server's embedding model: a deterministic bag of words.
// Each word, lower-cased and crudely stemmed (a trailing "ing", "ed", "es"
// or "s" dropped), except stop words, adds ±1 to one of dims dimensions
// picked by its hash; the vector is normalised. Texts sharing most of
// their content words, whatever the order, come out close; texts sharing
// none come out nearly orthogonal.
func Embed(text string, dims int) []float32 {
	v := make([]float64, dims)
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if stopWords[w] {
			continue
		}
		w = stem(w)
		h := fnv.New64a()
		h.Write([]byte(w))
		x := h.Sum64()
		sign := 1.0
		if x>>63 == 1 {
			sign = -1
		}
		v[x%uint64(dims)] += sign
	}
	var n float64
	for _, x := range v {
		n += x * x
	}
	out := make([]float32, dims)
	if n == 0 {
		// A text of stop words only still gets a vector, the same for all.
		out[0] = 1
		return out
	}
	n = math.Sqrt(n)
	for i, x := range v {
		out[i] = float32(x / n)
	}
	return out
}

func stem(w string) string {
	for _, suffix := range []string{"ing", "ed", "es", "s"} {
		if len(w) > len(suffix)+3 && strings.HasSuffix(w, suffix) {
			return strings.TrimSuffix(w, suffix)
		}
	}
	return w
}

// Embedding returns the body of an embeddings answer with the given
// vectors, for scripts that send wrong ones.
func Embedding(vectors ...[]float32) string {
	var data []any
	for i, v := range vectors {
		data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
	}
	b, err := json.Marshal(map[string]any{"object": "list", "data": data, "usage": map[string]any{"prompt_tokens": 1, "total_tokens": 1}})
	if err != nil {
		panic(fmt.Sprintf("fakeopenai: %v", err))
	}
	return string(b)
}
