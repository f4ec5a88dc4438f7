package info

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"
)

// The page is one file: CSS in a style element, charts as inline SVG, no
// script, and a content security policy that forbids loading anything, so
// it opens the same offline, from an attachment or from a CI artifact.
// It is also well-formed XML, which the tests rely on to inspect it.

const pageCSS = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; margin: 0; background: #fff; }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.15em; margin: 32px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; }
p.meta { color: #57606a; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 8px 0; }
th, td { text-align: left; padding: 3px 12px 3px 0; vertical-align: top; }
td.n, th.n { text-align: right; }
tr + tr td { border-top: 1px solid #eaeef2; }
code { font: 0.92em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f6f8fa; padding: 1px 4px; border-radius: 4px; }
svg { display: block; margin: 8px 0 16px; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
svg text.muted { fill: #57606a; }
.bar { fill: #4c78a8; }
.target { stroke: #d62728; stroke-width: 2; }
.hist-user { fill: #72b7b2; }
.hist-assistant { fill: #f58518; }
.planned { fill: #bab0ac; }
.actual { fill: #4c78a8; }
.axis { stroke: #8c959f; stroke-width: 1; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; }
.legend .l-bar, .legend .l-actual { background: #4c78a8; }
.legend .l-planned { background: #bab0ac; }
.legend .l-target { background: #d62728; height: 3px; vertical-align: 3px; }
ol li { margin: 4px 0; }
`

// WriteHTML writes the statistics as a self-contained HTML page with
// charts: the category distribution (one rect of class "bar" per category,
// with a data-category attribute), histograms of user and assistant tokens
// per example, and the plan's targets beside the actual numbers.
func (r *Report) WriteHTML(w io.Writer) error {
	b := bufio.NewWriter(w)
	e := html.EscapeString
	title := "Fine-tuning dataset summary"
	if names := r.trainNames(); len(names) > 0 {
		title += ": " + strings.Join(names, ", ")
	}
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
	fmt.Fprintf(b, "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n", e(title), pageCSS)
	b.WriteString("<h1>Fine-tuning dataset summary</h1>\n<p class=\"meta\">")
	var meta []string
	if r.Opts.Plan != nil {
		meta = append(meta, "Plan "+e(r.Opts.PlanName+planTask(r)))
	}
	if r.Opts.Model != "" {
		meta = append(meta, fmt.Sprintf("model %s, tokens counted with %s", e(r.Opts.Model), e(r.Encoding)))
	}
	meta = append(meta, "written by ftls")
	b.WriteString(strings.Join(meta, " · ") + "</p>\n")

	// Files and statistics.
	b.WriteString("<h2>Files</h2>\n<table>\n<tr><th>file</th><th>role</th><th class=\"n\">examples</th></tr>\n")
	for _, f := range r.Files {
		if f.Missing {
			fmt.Fprintf(b, "<tr><td><code>%s</code></td><td>%s</td><td class=\"n\">not written yet</td></tr>\n", e(f.Name), f.Role)
			continue
		}
		fmt.Fprintf(b, "<tr><td><code>%s</code></td><td>%s</td><td class=\"n\">%s</td></tr>\n", e(f.Name), f.Role, num(f.Stats.Examples, "", ""))
	}
	b.WriteString("</table>\n<h2>Statistics</h2>\n<table>\n")
	stat := func(name, value string) {
		fmt.Fprintf(b, "<tr><td>%s</td><td class=\"n\">%s</td></tr>\n", e(name), e(value))
	}
	stat("Training examples", num(r.TrainExamples, "", ""))
	stat("Validation examples", num(r.ValidExamples, "", ""))
	if r.Tokened > 0 {
		stat("Average user message length", fmt.Sprintf("%.1f tokens", r.UserMean))
		stat("Average assistant response length", fmt.Sprintf("%.1f tokens", r.AssistantMean))
		stat("Average example length", fmt.Sprintf("%.1f tokens (longest %s)", r.Mean, num(r.MaxTokens, "", "")))
	}
	stat("System prompt variants", strconv.Itoa(r.SystemVariants))
	conv := r.MultiTurn + r.SingleTurn
	stat("Multi-turn conversations", fmt.Sprintf("%s (%s)", num(r.MultiTurn, "", ""), pct(ratio(r.MultiTurn, conv))))
	stat("Single-turn conversations", fmt.Sprintf("%s (%s)", num(r.SingleTurn, "", ""), pct(ratio(r.SingleTurn, conv))))
	stat("Exact duplicates (D001)", num(r.Exact, "", ""))
	stat("Near-duplicates (D002)", num(r.Near, "", ""))
	if r.hasValidation() {
		stat("Validation examples also in training (D004)", num(r.Leaked, "", ""))
	}
	b.WriteString("</table>\n")

	// Categories.
	b.WriteString("<h2>Categories</h2>\n")
	if len(r.Categories) == 0 {
		b.WriteString("<p>No example has a category.</p>\n")
	} else {
		r.categoryChart(b)
	}
	if r.Uncategorized > 0 {
		fmt.Fprintf(b, "<p>%s without a category (not in the chart).</p>\n", num(r.Uncategorized, "example", "examples"))
	}

	// Lengths.
	if r.Tokened > 0 {
		b.WriteString("<h2>Length per example</h2>\n<div class=\"charts\">\n")
		histogram(b, "user-histogram", "User tokens per example", "hist-user", r.UserTokens)
		histogram(b, "assistant-histogram", "Assistant tokens per example", "hist-assistant", r.AssistantTokens)
		b.WriteString("</div>\n")
	}

	// Plan versus actual.
	b.WriteString("<h2>Plan versus actual</h2>\n")
	if r.Targets == nil {
		b.WriteString("<p>No plan governs these files. <code>ftls init</code> writes one, with the categories and shares to aim for.</p>\n")
	} else {
		r.planChart(b)
	}

	// Cost.
	b.WriteString("<h2>Tokens and training cost</h2>\n")
	if c := r.Cost; c.Examples == 0 {
		b.WriteString("<p>No training example to estimate.</p>\n")
	} else {
		fmt.Fprintf(b, "<p>%s tokens in %s; %d %s by default, so %s billed tokens.</p>\n",
			num64(c.Tokens), num(c.Examples, "training example", "training examples"), c.Epochs, verb(c.Epochs, "epoch", "epochs"), num64(c.Billed))
		b.WriteString("<table>\n<tr><th>model</th><th class=\"n\">USD per 1M tokens</th><th class=\"n\">billed tokens</th><th class=\"n\">estimated cost</th></tr>\n")
		for _, row := range c.Rows {
			name := e(row.Model)
			if row.Current {
				name = "<strong>" + name + "</strong>"
			}
			if row.Approximate {
				name += " (approximate: another tokenizer)"
			}
			price, cost := "unknown", "-"
			if row.PerMTok >= 0 {
				price, cost = fmt.Sprintf("%.2f", row.PerMTok), usd(row.USD)
			}
			fmt.Fprintf(b, "<tr><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n", name, price, num64(row.Billed), e(cost))
		}
		b.WriteString("</table>\n<p class=\"meta\">Prices are defaults; <code>--price-per-mtok MODEL=USD</code> sets your own.</p>\n")
	}

	// Findings.
	b.WriteString("<h2>Findings by rule</h2>\n")
	fmt.Fprintf(b, "<p>%s, %s, %s.</p>\n", count(r.Errors, "error", "errors"), count(r.Warnings, "warning", "warnings"), count(r.Notes, "note", "notes"))
	if len(r.Findings) > 0 {
		b.WriteString("<table>\n<tr><th>rule</th><th>severity</th><th class=\"n\">count</th><th>what it finds</th></tr>\n")
		for _, f := range r.Findings {
			fmt.Fprintf(b, "<tr><td><code>%s</code></td><td>%s</td><td class=\"n\">%d</td><td>%s</td></tr>\n", e(f.Code), f.Severity, f.Count, e(f.Summary))
		}
		b.WriteString("</table>\n")
	}

	// Next steps.
	b.WriteString("<h2>Next steps</h2>\n<ol>\n")
	for _, s := range r.NextSteps {
		fmt.Fprintf(b, "<li>%s</li>\n", codeSpans(s))
	}
	b.WriteString("</ol>\n</main>\n</body>\n</html>\n")
	return b.Flush()
}

// codeSpans escapes text and turns `quoted` parts into code elements.
func codeSpans(s string) string {
	parts := strings.Split(s, "`")
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 && i < len(parts)-1 {
			b.WriteString("<code>" + html.EscapeString(p) + "</code>")
		} else {
			if i%2 == 1 {
				b.WriteString("`")
			}
			b.WriteString(html.EscapeString(p))
		}
	}
	return b.String()
}

// categoryChart draws one horizontal bar per category, its length the
// category's share, with the plan's share as a red mark.
func (r *Report) categoryChart(b *bufio.Writer) {
	e := html.EscapeString
	const labelW, barW, rowH, top = 200, 520, 26, 8
	scale := 0.0
	planned := false
	for _, c := range r.Categories {
		scale = math.Max(scale, c.Share)
		if c.InPlan {
			scale = math.Max(scale, c.PlannedShare)
			planned = true
		}
	}
	scale = niceShare(scale)
	height := top + rowH*len(r.Categories) + 24
	width := labelW + barW + 130
	fmt.Fprintf(b, "<svg id=\"category-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Category distribution\">\n", width, height, width, height)
	for i, c := range r.Categories {
		y := top + i*rowH
		wBar := barW * c.Share / scale
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW-8, y+16, e(shorten(c.Name, 28)))
		fmt.Fprintf(b, "<rect class=\"bar\" data-category=\"%s\" data-count=\"%d\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\"><title>%s: %s (%s)</title></rect>\n",
			e(c.Name), c.Total, labelW, y+3, wBar, rowH-8, e(c.Name), num(c.Total, "example", "examples"), pct(c.Share))
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%d\" class=\"muted\">%s (%s)</text>\n", float64(labelW)+wBar+6, y+16, num(c.Total, "", ""), pct(c.Share))
		if c.InPlan {
			x := float64(labelW) + barW*c.PlannedShare/scale
			fmt.Fprintf(b, "<line class=\"target\" data-category=\"%s\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"><title>planned: %s</title></line>\n",
				e(c.Name), x, x, y, y+rowH-2, pct(c.PlannedShare))
		}
	}
	axisY := top + rowH*len(r.Categories) + 2
	fmt.Fprintf(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>\n", labelW, labelW+barW, axisY, axisY)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" class=\"muted\">0 %%</text>\n", labelW, axisY+16)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" class=\"muted\" text-anchor=\"end\">%s</text>\n", labelW+barW, axisY+16, pct(scale))
	b.WriteString("</svg>\n")
	b.WriteString("<p class=\"legend\"><span class=\"l-bar\"></span>share of the categorised examples")
	if planned {
		b.WriteString("<span class=\"l-target\"></span>planned share")
	}
	b.WriteString("</p>\n")
}

// planChart draws the plan's targets beside the actual values: planned
// bars in grey, actual ones in blue.
func (r *Report) planChart(b *bufio.Writer) {
	e := html.EscapeString
	rows := r.targetRows()
	var shown []targetRow
	shareScale := 0.0
	for _, row := range rows {
		if row.scale == 0 {
			continue // system prompts: a count, shown in the table only
		}
		shown = append(shown, row)
		if row.share {
			shareScale = math.Max(shareScale, math.Max(row.plannedV, row.actualV))
		}
	}
	shareScale = niceShare(shareScale)
	const labelW, barW, rowH, top = 200, 480, 34, 8
	height := top + rowH*len(shown) + 8
	width := labelW + barW + 170
	fmt.Fprintf(b, "<svg id=\"plan-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"Plan versus actual\">\n", width, height, width, height)
	for i, row := range shown {
		y := top + i*rowH
		scale := row.scale
		if row.share {
			scale = shareScale
		}
		fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", labelW-8, y+18, e(shorten(row.name, 30)))
		pw := barW * row.plannedV / scale
		fmt.Fprintf(b, "<rect class=\"planned\" data-target=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"12\"><title>planned: %s</title></rect>\n", e(row.name), labelW, y+2, pw, e(row.planned))
		fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%d\" class=\"muted\">%s</text>\n", float64(labelW)+pw+6, y+12, e("planned "+row.planned))
		if row.hasActual {
			aw := barW * row.actualV / scale
			fmt.Fprintf(b, "<rect class=\"actual\" data-target=\"%s\" x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"12\"><title>actual: %s</title></rect>\n", e(row.name), labelW, y+16, aw, e(row.actual))
			fmt.Fprintf(b, "<text x=\"%.1f\" y=\"%d\" class=\"muted\">%s</text>\n", float64(labelW)+aw+6, y+26, e("actual "+row.actual+", "+row.status))
		} else {
			fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" class=\"muted\">%s</text>\n", labelW+6, y+26, e(row.status))
		}
	}
	b.WriteString("</svg>\n<p class=\"legend\"><span class=\"l-planned\"></span>planned<span class=\"l-actual\"></span>actual</p>\n")
	b.WriteString("<table>\n<tr><th>target</th><th class=\"n\">planned</th><th class=\"n\">actual</th><th></th></tr>\n")
	for _, row := range rows {
		fmt.Fprintf(b, "<tr><td>%s</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td>%s</td></tr>\n", e(row.name), e(row.planned), e(row.actual), e(row.status))
	}
	b.WriteString("</table>\n")
}

// Bin is one bar of a histogram: values in [Lo, Hi).
type Bin struct {
	Lo, Hi, Count int
}

// Histogram counts values in bins of a round width, at most maxBins of
// them.
func Histogram(values []int, maxBins int) []Bin {
	if len(values) == 0 || maxBins <= 0 {
		return nil
	}
	hi := 0
	for _, v := range values {
		hi = max(hi, v)
	}
	width := niceWidth(float64(hi+1) / float64(maxBins))
	n := hi/width + 1
	bins := make([]Bin, n)
	for i := range bins {
		bins[i] = Bin{Lo: i * width, Hi: (i + 1) * width}
	}
	for _, v := range values {
		bins[max(v, 0)/width].Count++
	}
	return bins
}

func histogram(b *bufio.Writer, id, title, class string, values []int) {
	bins := Histogram(values, 20)
	if len(bins) == 0 {
		return
	}
	peak := 0
	for _, bin := range bins {
		peak = max(peak, bin.Count)
	}
	const w, h, left, bottom, top = 440, 220, 44, 36, 24
	plotW, plotH := float64(w-left-8), float64(h-bottom-top)
	bw := plotW / float64(len(bins))
	fmt.Fprintf(b, "<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"%s\">\n", id, w, h, w, h, html.EscapeString(title))
	fmt.Fprintf(b, "<text x=\"%d\" y=\"16\">%s</text>\n", left, html.EscapeString(title))
	for i, bin := range bins {
		bh := plotH * float64(bin.Count) / float64(peak)
		fmt.Fprintf(b, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%d-%d tokens: %s</title></rect>\n",
			class, float64(left)+float64(i)*bw+0.5, float64(top)+plotH-bh, math.Max(bw-1, 0.5), bh, bin.Lo, bin.Hi-1, num(bin.Count, "example", "examples"))
	}
	base := float64(top) + plotH
	fmt.Fprintf(b, "<line class=\"axis\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>\n", left, w-8, base, base)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%.1f\" class=\"muted\">0</text>\n", left, base+16)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%.1f\" class=\"muted\" text-anchor=\"end\">%s tokens</text>\n", w-8, base+16, num(bins[len(bins)-1].Hi, "", ""))
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%d\" class=\"muted\" text-anchor=\"end\">%d</text>\n", left-6, top+10, peak)
	fmt.Fprintf(b, "<text x=\"%d\" y=\"%.1f\" class=\"muted\" text-anchor=\"end\">0</text>\n", left-6, base)
	b.WriteString("</svg>\n")
}

// niceWidth rounds a bin width up to 1, 2 or 5 times a power of ten.
func niceWidth(x float64) int {
	if x <= 1 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return int(m * p)
		}
	}
	return int(10 * p)
}

// niceShare rounds a share up to the next 10 % (5 % below 10 %), so that
// the axis ends on a round number.
func niceShare(x float64) float64 {
	switch {
	case x <= 0:
		return 1
	case x <= 0.1:
		return math.Ceil(x*20) / 20
	}
	return math.Min(1, math.Ceil(x*10-1e-9)/10)
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
