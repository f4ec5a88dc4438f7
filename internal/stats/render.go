package stats

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteText prints the statistics for a terminal.
func (s *Stats) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s\n", s.Path)
	fmt.Fprintf(w, "  rows            %d (%d examples)\n", s.Rows, s.Examples)
	fmt.Fprintf(w, "  formats         %s\n", formatList(s.Formats))
	if len(s.Categories) > 0 {
		fmt.Fprintf(w, "  categories      %d", len(s.Categories))
		if s.Uncategorized > 0 {
			fmt.Fprintf(w, " (+%d rows without one)", s.Uncategorized)
		}
		fmt.Fprintln(w)
		for _, c := range s.Categories {
			fmt.Fprintf(w, "    %-24s %6d  %5.1f %%\n", c.Name, c.Count, 100*c.Share)
		}
	}
	if s.TotalTokens.Sum > 0 {
		fmt.Fprintf(w, "  tokens (%s)\n", s.Encoding)
		fmt.Fprintf(w, "    %-12s %10s %8s %8s %8s %8s %8s\n", "", "total", "mean", "p50", "p90", "p99", "max")
		for _, row := range []struct {
			name string
			d    Distribution
		}{{"example", s.TotalTokens}, {"user", s.UserTokens}, {"assistant", s.AssistantTokens}} {
			fmt.Fprintf(w, "    %-12s %10d %8.1f %8d %8d %8d %8d\n", row.name, row.d.Sum, row.d.Mean, row.d.P50, row.d.P90, row.d.P99, row.d.Max)
		}
	}
	fmt.Fprintf(w, "  system prompts  %d variant(s) in %d examples\n", s.SystemPromptVariants, s.WithSystemPrompt)
	fmt.Fprintf(w, "  multi-turn      %d (%.1f %%), single-turn %d", s.MultiTurn, 100*s.MultiTurnShare(), s.SingleTurn)
	if s.NoUserTurn > 0 {
		fmt.Fprintf(w, ", no user turn %d", s.NoUserTurn)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  duplicates      %d exact, %d near\n", s.Duplicates, s.NearDuplicates)
	fmt.Fprintf(w, "  findings        %d errors, %d warnings%s\n", s.Errors, s.Warnings, findingList(s.Findings))
}

// Markdown renders the statistics as a Markdown table, for hovers.
func (s *Stats) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%d examples** (%s)\n\n", s.Examples, formatList(s.Formats))
	b.WriteString("| | |\n|---|---|\n")
	if s.TotalTokens.Sum > 0 {
		fmt.Fprintf(&b, "| tokens (%s) | %d total, %.0f per example, p90 %d, max %d |\n", s.Encoding, s.TotalTokens.Sum, s.TotalTokens.Mean, s.TotalTokens.P90, s.TotalTokens.Max)
		fmt.Fprintf(&b, "| user / assistant | %.0f / %.0f tokens on average |\n", s.UserTokens.Mean, s.AssistantTokens.Mean)
	}
	fmt.Fprintf(&b, "| system prompts | %d variant(s) |\n", s.SystemPromptVariants)
	fmt.Fprintf(&b, "| multi-turn | %d (%.1f %%) |\n", s.MultiTurn, 100*s.MultiTurnShare())
	fmt.Fprintf(&b, "| duplicates | %d exact, %d near |\n", s.Duplicates, s.NearDuplicates)
	fmt.Fprintf(&b, "| findings | %d errors, %d warnings |\n", s.Errors, s.Warnings)
	if len(s.Categories) > 0 {
		b.WriteString("\n| category | rows | share |\n|---|---:|---:|\n")
		for _, c := range s.Categories {
			fmt.Fprintf(&b, "| %s | %d | %.1f %% |\n", c.Name, c.Count, 100*c.Share)
		}
	}
	return b.String()
}

func formatList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] || m[keys[i]] == m[keys[j]] && keys[i] < keys[j] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func findingList(m map[string]int) string {
	if len(m) == 0 {
		return ""
	}
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = fmt.Sprintf("%s %d", c, m[c])
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
