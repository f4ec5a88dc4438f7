package lsp

import (
	"sort"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/engine"
)

// After an edit, the first phase of a check (diagnostics.go) has to say
// what every row found, but only the rows between the first and the last
// line the edit touched have changed. Going over all 100,000 cached rows
// cost 10 ms an edit, most of it waiting for memory (every row's result
// is a pointer away), so the row findings of the last version are kept
// and only the lines that differ are looked at: the findings before them
// stand, those after them move by the lines and bytes the edit added or
// took away. TestRowFindingsMatchFullPass holds the two ways together.

// lineChange is where two versions of a document differ: lines
// [from, oldTo) of the old one became [from, newTo) of the new one, and
// the lines before and after are the same lines.
type lineChange struct{ from, oldTo, newTo int }

// diffLines compares two versions line by line; lines are shared between
// versions, so comparing pointers is enough.
func diffLines(old, cur []*line) lineChange {
	n := min(len(old), len(cur))
	p := 0
	for p < n && old[p] == cur[p] {
		p++
	}
	q := 0
	for q < n-p && old[len(old)-1-q] == cur[len(cur)-1-q] {
		q++
	}
	if p == 0 && n > 0 {
		// The first line is checked as the first row (a byte order mark is
		// allowed there only): a line that moves to or from there changes.
		q = min(q, n-1)
	}
	return lineChange{from: p, oldTo: len(old) - q, newTo: len(cur) - q}
}

// rowFindings is the first phase's outcome for one version: its row
// findings with absolute positions, in line order, and the tally of its
// rows.
type rowFindings struct {
	snap     *snapshot
	settings *diagnostics.Settings
	diags    []diagnostics.Diagnostic
	tally    diagnostics.Tally
}

// allRowFindings goes over every row of snap, whose lines must all be
// checked with s.
func allRowFindings(snap *snapshot, s *diagnostics.Settings) *rowFindings {
	diags, tally := rowDiagnostics(snap)
	return &rowFindings{snap: snap, settings: s, diags: diags, tally: tally}
}

// next returns the row findings of snap, a later version of the same
// document whose lines in c have been checked with the same settings.
func (f *rowFindings) next(snap *snapshot, c lineChange) *rowFindings {
	old, cur := f.snap.lines, snap.lines
	oldStarts, newStarts := f.snap.lineStarts(), snap.lineStarts()
	lo := sort.Search(len(f.diags), func(i int) bool { return f.diags[i].Range.Start.Line >= c.from })
	hi := sort.Search(len(f.diags), func(i int) bool { return f.diags[i].Range.Start.Line >= c.oldTo })
	out := &rowFindings{snap: snap, settings: f.settings, tally: f.tally}
	out.diags = make([]diagnostics.Diagnostic, 0, len(f.diags)-(hi-lo)+16)
	out.diags = append(out.diags, f.diags[:lo]...)
	for i := c.from; i < c.oldTo; i++ {
		if isRow(old, i) {
			out.tally.Remove(old[i].res.Load().info)
		}
	}
	for i := c.from; i < c.newTo; i++ {
		if !isRow(cur, i) {
			continue
		}
		r := cur[i].res.Load()
		out.tally.Add(r.info)
		for _, d := range r.diags {
			out.diags = append(out.diags, relocate(d, i, newStarts[i]))
		}
	}
	dLine, dByte := c.newTo-c.oldTo, newStarts[c.newTo]-oldStarts[c.oldTo]
	for _, d := range f.diags[hi:] {
		if dLine != 0 || dByte != 0 {
			d = relocate(d, dLine, dByte)
		}
		out.diags = append(out.diags, d)
	}
	return out
}

// needsEngineAfter is needsEngine for a version that differs from one
// that did not need the engine by the lines in c: only a row the change
// touched, or one close enough before it to reach past it, can now be
// joined with the lines after it.
func needsEngineAfter(snap *snapshot, c lineChange) bool {
	if startsArray(snap) {
		return true
	}
	for i := max(c.from-engine.MaxJoinLines, 0); i < c.newTo; i++ {
		if r := snap.lines[i].res.Load(); r != nil && r.mayJoin && closedLater(snap.lines, i) {
			return true
		}
	}
	return false
}
