package info

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WriteText writes the statistics document (dataset_info.txt).
func (r *Report) WriteText(w io.Writer) error {
	b := bufio.NewWriter(w)
	heading := func(title, underline string) {
		fmt.Fprintf(b, "%s\n%s\n", title, strings.Repeat(underline, len(title)))
	}
	heading("Fine-tuning dataset summary", "=")
	b.WriteString("\n")
	if r.Opts.Plan != nil {
		fmt.Fprintf(b, "Plan:   %s%s\n", r.Opts.PlanName, planTask(r))
	}
	if r.Opts.Model != "" {
		fmt.Fprintf(b, "Model:  %s (tokens counted with %s, at most %s per example)\n", r.Opts.Model, r.Encoding, num(r.Cost.Limit, "token", "tokens"))
	}

	b.WriteString("\n")
	heading("Files", "-")
	for _, f := range r.Files {
		if f.Missing {
			fmt.Fprintf(b, "- %s: not written yet (%s file named by the plan)\n", f.Name, f.Role)
			continue
		}
		fmt.Fprintf(b, "- %s: %s", f.Name, num(f.Stats.Examples, "example", "examples"))
		if extra := f.Stats.Rows - f.Stats.Examples; extra > 0 {
			fmt.Fprintf(b, " (and %s that %s not)", count(extra, "row", "rows"), verb(extra, "is", "are"))
		}
		fmt.Fprintf(b, ", %s\n", f.Role)
	}
	if r.Opts.InfoName != "" {
		fmt.Fprintf(b, "- %s: this summary\n", r.Opts.InfoName)
	}

	b.WriteString("\n")
	heading("Statistics", "-")
	fmt.Fprintf(b, "- Training examples: %s\n", num(r.TrainExamples, "", ""))
	if r.hasValidation() || r.Opts.Plan != nil {
		fmt.Fprintf(b, "- Validation examples: %s\n", num(r.ValidExamples, "", ""))
	}
	if r.Tokened > 0 {
		fmt.Fprintf(b, "- Average user message length: %.1f tokens per example\n", r.UserMean)
		fmt.Fprintf(b, "- Average assistant response length: %.1f tokens per example\n", r.AssistantMean)
		fmt.Fprintf(b, "- Average example length: %.1f tokens (longest: %s)\n", r.Mean, num(r.MaxTokens, "", ""))
	}
	fmt.Fprintf(b, "- System prompts: %s", count(r.SystemVariants, "variant", "variants"))
	if r.SystemVariants > 0 {
		fmt.Fprintf(b, " (in %s of %s)", num(r.WithSystem, "", ""), num(r.Examples, "example", "examples"))
	}
	b.WriteString("\n")
	conv := r.MultiTurn + r.SingleTurn
	fmt.Fprintf(b, "- Multi-turn conversations: %s (%s)\n", num(r.MultiTurn, "", ""), pct(ratio(r.MultiTurn, conv)))
	fmt.Fprintf(b, "- Single-turn conversations: %s (%s)\n", num(r.SingleTurn, "", ""), pct(ratio(r.SingleTurn, conv)))

	b.WriteString("\n")
	heading("Categories", "-")
	if len(r.Categories) == 0 {
		b.WriteString("No example has a category")
		if r.Opts.CategoryField != "" {
			fmt.Fprintf(b, " (read from %s)", r.Opts.CategoryField)
		}
		b.WriteString(".\n")
	}
	split := r.hasValidation()
	for _, c := range r.Categories {
		fmt.Fprintf(b, "- %s: %s (%s)", c.Name, num(c.Total, "example", "examples"), pct(c.Share))
		if split {
			fmt.Fprintf(b, ": %s training, %s validation", num(c.Train, "", ""), num(c.Validation, "", ""))
		}
		b.WriteString("\n")
	}
	if r.Uncategorized > 0 {
		fmt.Fprintf(b, "- without a category: %s (not in the percentages)\n", num(r.Uncategorized, "example", "examples"))
	}

	b.WriteString("\n")
	heading("Tokens and training cost", "-")
	c := r.Cost
	if c.Examples == 0 {
		b.WriteString("No training example to estimate.\n")
	} else {
		fmt.Fprintf(b, "- Tokens in the training examples: %s (%s)\n", num64(c.Tokens), r.Encoding)
		fmt.Fprintf(b, "- Epochs: %d (OpenAI's default for %s)\n", c.Epochs, num(c.Examples, "example", "examples"))
		fmt.Fprintf(b, "- Billed training tokens: %s (each example counted up to %s tokens, times %d %s)\n",
			num64(c.Billed), num(c.Limit, "", ""), c.Epochs, verb(c.Epochs, "epoch", "epochs"))
		b.WriteString("\n")
		fmt.Fprintf(b, "  %-18s %12s %15s %16s\n", "model", "USD per 1M", "billed tokens", "estimated cost")
		approx := false
		for _, row := range c.Rows {
			name := row.Model
			if row.Current {
				name += " *"
			}
			if row.Approximate {
				name += " ~"
				approx = true
			}
			price, cost := "unknown", "-"
			if row.PerMTok >= 0 {
				price, cost = fmt.Sprintf("%.2f", row.PerMTok), usd(row.USD)
			}
			fmt.Fprintf(b, "  %-18s %12s %15s %16s\n", name, price, num64(row.Billed), cost)
		}
		b.WriteString("\n  * the model these files are checked for (its price and limit apply).\n")
		if approx {
			fmt.Fprintf(b, "  ~ uses another tokenizer than %s: its figures are approximate.\n", r.Encoding)
		}
		b.WriteString("  Prices are defaults; set your own with --price-per-mtok MODEL=USD.\n")
	}

	b.WriteString("\n")
	heading("Duplicates", "-")
	fmt.Fprintf(b, "- Exact duplicates: %s (D001)\n", num(r.Exact, "", ""))
	fmt.Fprintf(b, "- Near-duplicates: %s (D002, similarity %.2f or more)\n", num(r.Near, "", ""), r.Opts.NearDuplicate)
	fmt.Fprintf(b, "- Same prompt with different answers: %s (D003)\n", num(r.Conflicting, "", ""))
	if r.hasValidation() {
		fmt.Fprintf(b, "- Validation examples also in training: %s (D004)\n", num(r.Leaked, "", ""))
	}

	b.WriteString("\n")
	heading("Findings by rule", "-")
	fmt.Fprintf(b, "%s, %s, %s.\n", count(r.Errors, "error", "errors"), count(r.Warnings, "warning", "warnings"), count(r.Notes, "note", "notes"))
	if len(r.Findings) > 0 {
		b.WriteString("\n")
		fmt.Fprintf(b, "  %-5s %-8s %6s  %s\n", "rule", "severity", "count", "what it finds")
		for _, f := range r.Findings {
			fmt.Fprintf(b, "  %-5s %-8s %6d  %s\n", f.Code, f.Severity, f.Count, f.Summary)
		}
		b.WriteString("  `ftls explain CODE` tells more about a rule.\n")
	}

	if t := r.Targets; t != nil {
		b.WriteString("\n")
		heading("Plan versus actual", "-")
		rows := r.targetRows()
		width := len("target")
		for _, row := range rows {
			width = max(width, len(row.name))
		}
		fmt.Fprintf(b, "  %-*s %16s %16s\n", width, "target", "planned", "actual")
		for _, row := range rows {
			fmt.Fprintf(b, "  %s\n", strings.TrimRight(fmt.Sprintf("%-*s %16s %16s  %s", width, row.name, row.planned, row.actual, row.status), " "))
		}
		b.WriteString("  Sizes and shares count training and validation examples together.\n")
	}

	b.WriteString("\n")
	heading("Next steps", "-")
	for i, step := range r.NextSteps {
		prefix := strconv.Itoa(i+1) + ". "
		b.WriteString(wrap(step, prefix, strings.Repeat(" ", len(prefix)), 78))
	}
	return b.Flush()
}

func planTask(r *Report) string {
	t := r.Opts.Plan.Task
	var parts []string
	for _, s := range []string{t.Type, t.Domain} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// targetRow is one line of the plan comparison.
type targetRow struct {
	name, planned, actual, status string
	// For the chart: the planned and actual values as fractions of scale.
	plannedV, actualV, scale float64
	share                    bool
	hasActual                bool
}

func (r *Report) targetRows() []targetRow {
	t := r.Targets
	var rows []targetRow
	status := ""
	switch {
	case t.Actual < t.Examples:
		status = num(t.Examples-t.Actual, "", "") + " to go"
	default:
		status = "reached"
	}
	rows = append(rows, targetRow{name: "examples", planned: num(t.Examples, "", ""), actual: num(t.Actual, "", ""), status: status,
		plannedV: float64(t.Examples), actualV: float64(t.Actual), scale: float64(max(t.Examples, t.Actual, 1)), hasActual: true})
	total := 0
	for _, c := range r.Categories {
		total += c.Total
	}
	for _, c := range r.Categories {
		row := targetRow{name: "category " + c.Name, actual: fmt.Sprintf("%s (%s)", num(c.Total, "", ""), pct(c.Share)),
			actualV: c.Share, scale: 1, share: true, hasActual: true}
		switch {
		case !c.InPlan:
			row.planned, row.status = "-", "not in the plan"
		default:
			row.planned = fmt.Sprintf("%s (%s)", num(c.Planned, "", ""), pct(c.PlannedShare))
			row.plannedV = c.PlannedShare
			row.status = onTarget(c.Share, c.PlannedShare, total)
		}
		rows = append(rows, row)
	}
	conv := r.MultiTurn + r.SingleTurn
	rows = append(rows, targetRow{name: "multi-turn share", planned: pct(t.MultiTurn), actual: pct(t.ActualMultiTurn),
		status: onTarget(t.ActualMultiTurn, t.MultiTurn, conv), plannedV: t.MultiTurn, actualV: t.ActualMultiTurn, scale: 1, share: true, hasActual: true})
	vs := targetRow{name: "validation share", planned: pct(t.Split), plannedV: t.Split, scale: 1, share: true}
	if t.ActualSplit < 0 {
		vs.actual, vs.status = "-", "no validation file"
	} else {
		vs.actual, vs.actualV, vs.hasActual = pct(t.ActualSplit), t.ActualSplit, true
		vs.status = onTarget(t.ActualSplit, t.Split, r.TrainExamples+r.ValidExamples)
	}
	rows = append(rows, vs)
	sys := targetRow{name: "system prompts", actual: strconv.Itoa(t.SystemActual), status: "", hasActual: true}
	switch {
	case t.SystemPlanned >= 0:
		sys.planned = fmt.Sprintf("%d (%s)", t.SystemPlanned, t.SystemMode)
		if t.SystemPlanned == t.SystemActual || t.SystemMode == "varied" && t.SystemActual > 1 {
			sys.status = "as planned"
		} else {
			sys.status = "differs"
		}
	default:
		sys.planned = "several (" + t.SystemMode + ")"
		sys.status = "as planned"
		if t.SystemActual <= 1 {
			sys.status = "differs"
		}
	}
	rows = append(rows, sys)
	return rows
}

// onTarget judges a share like the balance rules do; fewer than 20 rows
// are not judged.
func onTarget(share, target float64, n int) string {
	switch {
	case n < 20:
		return "too few to judge"
	case OffTarget(share, target) && share < target:
		return "below plan"
	case OffTarget(share, target):
		return "above plan"
	}
	return "on target"
}

// wrap breaks text into lines of at most width columns, the first starting
// with first and the others with rest.
func wrap(text, first, rest string, width int) string {
	var b strings.Builder
	line := first
	empty := true
	for _, word := range strings.Fields(text) {
		if !empty && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += word
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func pct(x float64) string { return fmt.Sprintf("%.1f %%", 100*x) }

func usd(x float64) string {
	if x > 0 && x < 0.01 {
		return "< $0.01"
	}
	return "$" + commas(fmt.Sprintf("%.2f", x))
}

// num writes n with thousands separators, followed by one or many (when
// not empty).
func num(n int, one, many string) string {
	s := commas(strconv.Itoa(n))
	noun := many
	if n == 1 {
		noun = one
	}
	if noun == "" {
		return s
	}
	return s + " " + noun
}

func num64(n int64) string { return commas(strconv.FormatInt(n, 10)) }

// count is num for small numbers in sentences.
func count(n int, one, many string) string { return num(n, one, many) }

func verb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// commas inserts thousands separators in a decimal number.
func commas(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	out := b.String()
	if hasFrac {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
