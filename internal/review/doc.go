// Package review keeps what a judge model said about a dataset's rows:
// the rubric the rows are judged by, the verdicts cached in a sidecar file
// next to the dataset, and the store through which the R rules read them
// (diagnostics.Settings.Review). It makes no model call: the judge's
// requests live in generator/judge, and `ftls check` and the editor show
// cached verdicts through this package alone.
//
// A verdict is keyed by the row's content (diagnostics.ReviewKey: its
// turns and its category), the rubric's hash (the plan's task, style,
// categories and system prompt approach, and the criteria), and the judge
// model. An unchanged row is never sent again; a changed row has a new
// key, so its old verdict no longer applies: its findings disappear and
// it counts as unreviewed until it is reviewed again.
//
// The sidecar is `<dataset>.ftls-review`, JSON Lines: a header line, then
// one line per verdict, written atomically in the dataset's row order so
// that a diff shows which rows changed verdict. A damaged or hand-edited
// line is reported with its line number and skipped; nothing in the file
// can crash a reader. See docs/review.md.
package review
