package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// Change is one fix applied to one row.
type Change struct {
	Line  int // zero-based line of the row
	Code  string
	Title string
}

// RowEdit is the net change to one row, for diffs.
type RowEdit struct {
	Line     int
	Old, New []byte // New is nil when the row was deleted
}

// FixResult is what fixing one file did.
type FixResult struct {
	Path    string
	Changes []Change
	Edits   []RowEdit
}

// maxFixRounds bounds how many fixes are applied to one row in a row, as
// one fix can uncover another (a ShareGPT row converted to messages may
// still carry a misspelled role).
const maxFixRounds = 8

// FixFile applies every safe fix to the dataset at path. With write false
// it only reports what it would change. The file is replaced atomically,
// and only when something changed.
func FixFile(ctx context.Context, path string, opts Options, write bool) (*FixResult, error) {
	data, err := safefile.ReadFile(path, 0)
	if err != nil {
		return nil, err
	}
	out, res, err := FixEdits(ctx, data, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	res.Path = path
	if !write || len(res.Changes) == 0 {
		return res, nil
	}
	// A row another program appended meanwhile must not be lost.
	return res, atomicfile.WriteFileUnchanged(path, out, data)
}

// FixEdits applies every safe fix to a dataset held in memory and returns
// the fixed text (data itself when there is nothing to fix), the fixes
// applied and each row's net change. File rules (a row in the wrong
// format, a duplicate) need the whole file, so a first pass finds their
// fixes and the second applies everything.
func FixEdits(ctx context.Context, data []byte, opts Options) ([]byte, *FixResult, error) {
	array := isArray(newPeekReader(data))
	var first *Result
	var err error
	if array {
		first, err = checkArray(ctx, "", data, opts) // the bytes in hand, not a copy
	} else {
		first, err = Check(ctx, "", bytes.NewReader(data), opts)
	}
	if err != nil {
		return nil, nil, err
	}
	res := &FixResult{}
	if _, ok := firstFix(first.Diagnostics, opts.Settings.ModelFixes); !ok {
		// Nothing to fix: the second pass, a check of every row again,
		// would change nothing.
		return data, res, nil
	}
	fileFixes := fileFixIndex(first.Diagnostics)
	var out []byte
	if array {
		out, err = fixArray(ctx, data, fileFixes, opts, res)
	} else {
		out, err = fixLines(ctx, data, fileFixes, opts, res)
	}
	if err != nil {
		return nil, nil, err
	}
	return out, res, nil
}

// FixRows applies every safe fix to the given rows of a dataset whose
// findings are known: diags are every finding of the file, file rules
// included, as Check returns them, and rows hold at least every row with
// a fix. A language server that has checked a document fixes its few
// rows with fixes this way instead of checking it all again; the edits
// are those FixEdits makes for the same rows. Rows spread over several
// lines, and a byte order mark, need FixEdits.
func FixRows(rows []dataset.Row, diags []diagnostics.Diagnostic, s *diagnostics.Settings) *FixResult {
	res := &FixResult{}
	fileFixes := fileFixIndex(diags)
	var rc rowChecker
	for i := range rows {
		fixRow(rc.check(&rows[i], s, rowFlags{}), fileFixes, &rc.p, s, res)
	}
	return res
}

// fileFixIndex collects the fixes of file rules by the offset of their row.
func fileFixIndex(diags []diagnostics.Diagnostic) map[int64][]diagnostics.Diagnostic {
	fileFixes := map[int64][]diagnostics.Diagnostic{}
	for _, d := range diags {
		if d.Fix != nil && isFileRule(d.Code) {
			// Deleting a row (a duplicate) makes every other fix of the row
			// moot, so deletions go first.
			if isDeletion(d.Fix) {
				fileFixes[d.Offset] = append([]diagnostics.Diagnostic{d}, fileFixes[d.Offset]...)
			} else {
				fileFixes[d.Offset] = append(fileFixes[d.Offset], d)
			}
		}
	}
	return fileFixes
}

func isDeletion(f *diagnostics.Fix) bool { return f.NewText != nil && len(f.NewText) == 0 }

func isFileRule(code string) bool {
	r := diagnostics.Lookup(code)
	return r != nil && r.File != nil
}

func fixLines(ctx context.Context, data []byte, fileFixes map[int64][]diagnostics.Diagnostic, opts Options, res *FixResult) ([]byte, error) {
	out := make([]byte, 0, len(data)+len(data)/16)
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		out = append(out, data[:3]...)
	}
	var p jsonpos.Parser
	err := ScanRows(ctx, bytes.NewReader(data), opts, func(rows []checked) {
		for _, ck := range rows {
			text, deleted, dropBOM := fixRow(ck, fileFixes, &p, opts.Settings, res)
			if dropBOM && ck.row.Offset == 3 {
				out = out[3:]
			}
			if deleted {
				continue
			}
			out = append(out, text...)
			out = append(out, data[ck.row.End():ck.row.End()+int64(ck.row.Term)]...)
		}
	})
	return out, err
}

func fixArray(ctx context.Context, data []byte, fileFixes map[int64][]diagnostics.Diagnostic, opts Options, res *FixResult) ([]byte, error) {
	rows, _, ok := dataset.SplitArray(data)
	if !ok {
		var err error
		if rows, _, err = dataset.ReadArray(data); err != nil {
			return data, nil // nothing a fix can do; the check reports why
		}
		// Not expected (FuzzSplitArray holds the split to ReadArray): the
		// rows the parse found are fixed all the same.
	}
	texts := make([][]byte, len(rows))
	results := make([]FixResult, batches(len(rows))) // a batch's changes, in row order
	valid, err := eachArrayRow(ctx, rows, false, opts, func(rc *rowChecker, b, i int, ck checked) {
		texts[i], _, _ = fixRow(ck, fileFixes, &rc.p, opts.Settings, &results[b])
	})
	if err != nil {
		return nil, err
	}
	if !valid {
		return data, nil // a row is not valid JSON, so neither is the file
	}
	for _, b := range results {
		res.Changes = append(res.Changes, b.Changes...)
		res.Edits = append(res.Edits, b.Edits...)
	}
	out := make([]byte, 0, len(data))
	prev := int64(0)
	for i := range rows {
		out = append(out, data[prev:rows[i].Offset]...)
		out = append(out, texts[i]...)
		prev = rows[i].End()
	}
	return append(out, data[prev:]...), nil
}

// fixRow applies the fixes of one row until none is left, and returns its
// new text, or deleted when a fix removes the row.
func fixRow(ck checked, fileFixes map[int64][]diagnostics.Diagnostic, p *jsonpos.Parser, s *diagnostics.Settings, res *FixResult) (text []byte, deleted, dropBOM bool) {
	row := ck.row
	text = row.Text
	diags := ck.diags
	diags = append(append([]diagnostics.Diagnostic{}, fileFixes[row.Offset]...), diags...)
	changed := false
	cur := row // the row as rewritten so far; fixes are relative to it
	for round := 0; round < maxFixRounds; round++ {
		d, ok := firstFix(diags, s.ModelFixes)
		if !ok {
			break
		}
		f := d.Fix
		switch {
		case f.Start < cur.Offset: // the byte order mark before the first row
			dropBOM = true
		case f.End > cur.End() || isDeletion(f) && f.Start == cur.Offset && f.End >= cur.End(): // the row and its line end
			res.Changes = append(res.Changes, Change{Line: row.Line, Code: d.Code, Title: f.Title})
			res.Edits = append(res.Edits, RowEdit{Line: row.Line, Old: bytes.Clone(row.Text)})
			return nil, true, dropBOM
		default:
			next, err := f.Replacement(text)
			if err != nil || bytes.Equal(next, text) {
				// A fix that cannot apply is dropped; the others still may.
				diags = withoutFix(diags, d)
				continue
			}
			text, changed = next, true
		}
		res.Changes = append(res.Changes, Change{Line: row.Line, Code: d.Code, Title: f.Title})
		cur.Text = text
		rc := diagnostics.NewRowContext(&cur, p, s)
		diags = rc.Run()
		if dropBOM {
			diags = withoutBOMFix(diags, cur.Offset)
		}
	}
	if changed {
		// The row's text lives in a chunk that ScanRows reuses once emit
		// returns: the edit keeps its own copy.
		res.Edits = append(res.Edits, RowEdit{Line: row.Line, Old: bytes.Clone(row.Text), New: text})
	}
	return text, false, dropBOM
}

// withoutFix returns diags without d's fix.
func withoutFix(diags []diagnostics.Diagnostic, d diagnostics.Diagnostic) []diagnostics.Diagnostic {
	out := make([]diagnostics.Diagnostic, 0, len(diags))
	for _, x := range diags {
		if x.Fix != d.Fix {
			out = append(out, x)
		}
	}
	return out
}

// withoutBOMFix drops the byte-order-mark fix once it is applied, since the
// row context cannot know that the mark is gone.
func withoutBOMFix(diags []diagnostics.Diagnostic, rowStart int64) []diagnostics.Diagnostic {
	out := diags[:0]
	for _, d := range diags {
		if d.Fix == nil || d.Fix.Start >= rowStart {
			out = append(out, d)
		}
	}
	return out
}

// firstFix returns the first finding with a fix to apply; the fixes a
// model wrote only with model set.
func firstFix(diags []diagnostics.Diagnostic, model bool) (diagnostics.Diagnostic, bool) {
	for _, d := range diags {
		if d.Fix != nil && (model || !d.Fix.Model) {
			return d, true
		}
	}
	return diagnostics.Diagnostic{}, false
}

func newPeekReader(data []byte) *peekReader { return &peekReader{data} }

// peekReader lets isArray look at bytes already in memory.
type peekReader struct{ data []byte }

func (r *peekReader) Peek(n int) ([]byte, error) {
	if n > len(r.data) {
		return r.data, io.EOF
	}
	return r.data[:n], nil
}
