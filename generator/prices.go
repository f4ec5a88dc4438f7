package generator

import (
	"fmt"
	"strconv"
	"strings"
)

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	Input  float64 `json:"input"`
	Output float64 `json:"output"`
}

// PriceTable maps model names to prices. A model matches its own entry or,
// failing that, the longest entry it starts with followed by "-", so
// "gpt-4o-mini-2024-07-18" is priced as "gpt-4o-mini".
type PriceTable map[string]Price

// DefaultPrices are OpenAI's list prices for standard (not Batch API)
// requests when this table was written. They change; override them with
// --price or Job.Prices.
var DefaultPrices = PriceTable{
	"gpt-4o-mini":   {Input: 0.15, Output: 0.60},
	"gpt-4o":        {Input: 2.50, Output: 10.00},
	"gpt-4.1":       {Input: 2.00, Output: 8.00},
	"gpt-4.1-mini":  {Input: 0.40, Output: 1.60},
	"gpt-3.5-turbo": {Input: 0.50, Output: 1.50},
	// Embedding models: input only.
	"text-embedding-3-small": {Input: 0.02},
	"text-embedding-3-large": {Input: 0.13},
	"text-embedding-ada-002": {Input: 0.10},
}

// Lookup returns the price of model.
func (t PriceTable) Lookup(model string) (Price, bool) {
	if p, ok := t[model]; ok {
		return p, true
	}
	best, found := "", false
	for name := range t {
		if strings.HasPrefix(model, name+"-") && len(name) > len(best) {
			best, found = name, true
		}
	}
	if !found {
		return Price{}, false
	}
	return t[best], true
}

// Cost returns the cost in dollars of the given token counts, and false
// when the model has no price.
func (t PriceTable) Cost(model string, prompt, completion int64) (float64, bool) {
	p, ok := t.Lookup(model)
	if !ok {
		return 0, false
	}
	return (float64(prompt)*p.Input + float64(completion)*p.Output) / 1e6, true
}

// With returns a copy of t with the entries of over added or replaced.
func (t PriceTable) With(over PriceTable) PriceTable {
	out := PriceTable{}
	for k, v := range t {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

// ParsePrice reads "MODEL=INPUT/OUTPUT" (dollars per million tokens), the
// syntax of the --price flag.
func ParsePrice(s string) (string, Price, error) {
	model, rest, ok := strings.Cut(s, "=")
	in, out, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || strings.TrimSpace(model) == "" {
		return "", Price{}, fmt.Errorf("price %q: want MODEL=INPUT/OUTPUT in dollars per million tokens, e.g. gpt-4o-mini=0.15/0.60", s)
	}
	pi, err1 := strconv.ParseFloat(strings.TrimSpace(in), 64)
	po, err2 := strconv.ParseFloat(strings.TrimSpace(out), 64)
	if err1 != nil || err2 != nil || pi < 0 || po < 0 {
		return "", Price{}, fmt.Errorf("price %q: prices must be non-negative numbers", s)
	}
	return strings.TrimSpace(model), Price{Input: pi, Output: po}, nil
}
