package diagnostics

import "slices"

func init() {
	register(&Rule{
		Code: "Q006", Name: "length-outlier", Severity: Info,
		Needs:   DataRows | DataWords,
		Summary: "an example far longer or shorter than the rest",
		Doc: Doc{
			What: "Notes rows whose conversation is more than 8 times (`length_outlier_factor`) longer, or 8 times shorter, than the file's median, counting words as runs of letters and digits in user and assistant turns, in files of at least 30 rows.",
			Why:  "Outliers are often broken rows: a pasted document, a truncated answer, a conversation that never ends. Long ones also dominate the token budget.",
			Bad:  "a 12,000-word conversation in a file whose median is 150 words",
			Good: "lengths within an order of magnitude of each other, or outliers you meant",
			Fix:  "Look at the row; split, shorten or delete it.",
		},
		File: checkLengthOutliers,
	})
}

func checkLengthOutliers(f *FileContext) {
	const minRows = 30
	factor := f.Settings.LengthOutlierFactor
	lengths := make([]int32, 0, len(f.Rows))
	for _, r := range f.Rows {
		if r.Words > 0 {
			lengths = append(lengths, r.Words)
		}
	}
	if len(lengths) < minRows {
		return
	}
	median := int(nth(lengths, len(lengths)/2))
	for i, r := range f.Rows {
		switch w := int(r.Words); {
		case w == 0:
		case float64(w) > factor*float64(median):
			f.ReportRow("Q006", i, nil, "conversation has %d words, %.0f times the file's median of %d", w, float64(w)/float64(median), median)
		case float64(w)*factor < float64(median):
			f.ReportRow("Q006", i, nil, "conversation has %s, far below the file's median of %d", plural(w, "word"), median)
		}
	}
}

// nth returns the element that would be at index k of v sorted, without
// sorting v when its values are small (word counts are): counting them is
// linear, and the server runs this after every pause in typing.
func nth(v []int32, k int) int32 {
	hi := int32(0)
	for _, x := range v {
		if x < 0 {
			hi = -1
			break
		}
		hi = max(hi, x)
	}
	if hi < 0 || int(hi) > 4*len(v)+1<<16 {
		s := slices.Clone(v)
		slices.Sort(s)
		return s[k]
	}
	counts := make([]int32, hi+1)
	for _, x := range v {
		counts[x]++
	}
	seen := 0
	for x, n := range counts {
		if seen += int(n); seen > k {
			return int32(x)
		}
	}
	return hi
}
