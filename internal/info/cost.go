package info

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ftls-dev/ftls/internal/tokens"
)

// Price is what a provider charges per million training tokens for
// fine-tuning a model.
type Price struct {
	Model   string
	PerMTok float64
}

// DefaultPrices are OpenAI's published prices per million training tokens
// for supervised fine-tuning of common chat models (USD). Prices change:
// they are defaults, and `ftls info --price-per-mtok` overrides them.
func DefaultPrices() []Price {
	return []Price{
		{"gpt-4o-mini", 3.00},
		{"gpt-4.1-mini", 5.00},
		{"gpt-3.5-turbo", 8.00},
		{"gpt-4.1", 25.00},
		{"gpt-4o", 25.00},
	}
}

// SetPrice applies one --price-per-mtok value to prices: "MODEL=PRICE"
// sets that model's price (adding the model when it is not listed), and a
// bare "PRICE" sets the price of model, the one the dataset is for.
func SetPrice(prices []Price, model, spec string) ([]Price, error) {
	name, value, ok := strings.Cut(spec, "=")
	if !ok {
		name, value = model, spec
	}
	name = strings.TrimSpace(name)
	v, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(value), "$")), 64)
	if err != nil || v < 0 || name == "" {
		return prices, fmt.Errorf("--price-per-mtok %q: want a price in USD per million tokens, e.g. 3 or gpt-4o=25", spec)
	}
	for i := range prices {
		if strings.EqualFold(prices[i].Model, name) {
			prices[i].PerMTok = v
			return prices, nil
		}
	}
	return append(prices, Price{name, v}), nil
}

// Epoch bounds of OpenAI's default: 3 epochs, adjusted so that examples ×
// epochs stays between 100 and 25,000.
const (
	DefaultEpochs = 3
	MinTrained    = 100 // examples × epochs, at least
	MaxTrained    = 25000
)

// Epochs returns the epochs OpenAI trains n examples for by default:
// 3, raised to ceil(100/n) when n × 3 is under 100, lowered to
// floor(25,000/n) when n × 3 is over 25,000, and never below 1. It is 0
// for no examples.
func Epochs(n int) int {
	if n <= 0 {
		return 0
	}
	e := DefaultEpochs
	if n*e < MinTrained {
		e = (MinTrained + n - 1) / n
	}
	if n*e > MaxTrained {
		e = MaxTrained / n
	}
	return max(e, 1)
}

// Cost is the training cost estimate.
type Cost struct {
	Examples int
	Epochs   int
	// Tokens is the sum of the training examples' tokens; Billed, for the
	// dataset's model, the sum of min(tokens, limit) times the epochs, and
	// Truncated the examples over that limit.
	Tokens    int64
	Billed    int64
	Limit     int
	Truncated int
	Rows      []CostRow
}

// CostRow is the estimate for one model.
type CostRow struct {
	Model   string
	PerMTok float64
	Limit   int
	Billed  int64
	USD     float64
	// Current marks the dataset's model; Approximate a model whose
	// tokenizer differs from the one that counted the tokens.
	Current, Approximate bool
}

// Billed returns the billed training tokens of examples of the given
// lengths for a model with the given limit: sum of min(length, limit),
// times epochs.
func Billed(lengths []int, limit, epochs int) int64 {
	var sum int64
	for _, n := range lengths {
		sum += int64(min(n, limit))
	}
	return sum * int64(epochs)
}

func estimateCost(lengths []int, opts Options) Cost {
	c := Cost{Examples: len(lengths), Epochs: Epochs(len(lengths)), Limit: limitFor(opts.Model, opts)}
	for _, n := range lengths {
		c.Tokens += int64(n)
		if n > c.Limit {
			c.Truncated++
		}
	}
	c.Billed = Billed(lengths, c.Limit, c.Epochs)
	enc := tokens.EncodingForModel(opts.Model)
	listed := false
	for _, p := range opts.Prices {
		limit := limitFor(p.Model, opts)
		row := CostRow{
			Model: p.Model, PerMTok: p.PerMTok, Limit: limit,
			Billed:      Billed(lengths, limit, c.Epochs),
			Current:     strings.EqualFold(p.Model, opts.Model),
			Approximate: tokens.EncodingForModel(p.Model) != enc,
		}
		row.USD = float64(row.Billed) / 1e6 * p.PerMTok
		listed = listed || row.Current
		c.Rows = append(c.Rows, row)
	}
	if !listed && opts.Model != "" {
		// The dataset's model has no known price: list it without one.
		c.Rows = append([]CostRow{{Model: opts.Model, PerMTok: -1, Limit: c.Limit, Billed: c.Billed, Current: true}}, c.Rows...)
	}
	return c
}
