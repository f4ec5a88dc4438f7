package main

import (
	"strings"
)

// The latex style's rows are mathematics: a question and an answer of
// prose words with inline ($...$) and display ($$...$$) formulas between,
// built from the pieces below: braces, backslashes, subscripts and
// superscripts every few bytes, as in the math sets people fine-tune on.
var (
	latexSymbols   = strings.Fields(`x y z n k i j a b c f(x) g(t) \alpha \beta \theta \lambda \sigma \mu \pi \epsilon \infty 0 1 2 3 10 100`)
	latexRelations = strings.Fields(`= \leq \geq < > \neq \approx \equiv \to \in \subseteq`)
	latexBinary    = strings.Fields(`+ - \cdot \times \pm`)
)

// formula returns a formula of about depth levels of nesting.
func (g *mixer) formula(depth int) string {
	pick := func(list []string) string { return list[g.r.IntN(len(list))] }
	if depth <= 0 {
		return pick(latexSymbols)
	}
	a, b := g.formula(depth-1), g.formula(depth-1)
	switch g.r.IntN(9) {
	case 0:
		return `\frac{` + a + `}{` + b + `}`
	case 1:
		return `\sqrt{` + a + `}`
	case 2:
		return pick(latexSymbols) + `_{` + a + `}^{` + b + `}`
	case 3:
		return `\sum_{` + pick(latexSymbols) + `=0}^{` + b + `} ` + a
	case 4:
		return `\int_{0}^{` + b + `} ` + a + ` \, d` + pick(latexSymbols[:3])
	case 5:
		return `\left(` + a + ` ` + pick(latexBinary) + ` ` + b + `\right)`
	case 6:
		return `\begin{pmatrix} ` + a + ` & ` + b + ` \\ ` + b + ` & ` + a + ` \end{pmatrix}`
	case 7:
		return `\mathbb{E}\left[` + a + `\right]`
	default:
		return a + ` ` + pick(latexRelations) + ` ` + b
	}
}

// mathText returns about n words of prose with formulas between.
func (g *mixer) mathText(n int) string {
	var b strings.Builder
	for b.Len() < n*6 {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		switch g.r.IntN(6) {
		case 0:
			b.WriteString("$" + g.formula(g.between(1, 3)) + "$")
		case 1:
			b.WriteString("\n\n$$" + g.formula(g.between(2, 4)) + "$$\n\n")
		default:
			for i := range g.between(3, 12) {
				if i > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(g.words[g.r.IntN(len(g.words))])
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// latex returns a chat row of a question and an answer in mathematics.
func (g *mixer) latex() []byte {
	return g.chatRow(jsonString(g.mathText(g.between(30, 90))), jsonString(g.mathText(g.between(250, 600))))
}
