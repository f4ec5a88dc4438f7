// Package engine runs the rule catalog over dataset files. It is the one
// place where rows are read, checked in parallel and summarised, so the
// command line and the language server report exactly the same findings.
//
// A JSON Lines file is streamed in chunks (dataset.LineReader); each chunk
// is checked by one of several workers and the results are put back in
// file order. Memory therefore grows with the number of rows (a small
// summary each), never with the size of a row or of the file.
//
// A document an editor holds is checked incrementally (incremental.go):
// its lines (Doc, Line) cache their row checks across versions, and a
// FileState keeps what the file rules built, so an edit re-checks only the
// lines it touched, with the findings Check would give (Fix* in fix.go
// fix the same way from either).
package engine

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/pairing"
	"github.com/ftls-dev/ftls/internal/prefault"
	"github.com/ftls-dev/ftls/internal/safefile"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/internal/workgroup"
)

// Result is what checking one file found.
type Result struct {
	Path string
	// Rows summarises the rows for cross-row work. It holds every row when
	// the settings need them all (diagnostics.Settings.NeedsAllRows), and
	// otherwise only the rows that file rules may report on; Tally counts
	// them all.
	Rows        []diagnostics.RowInfo
	Tally       diagnostics.Tally
	Formats     [dataset.NumFormats]int
	Dominant    dataset.Format
	Diagnostics []diagnostics.Diagnostic
}

// Examples returns the number of rows that are JSON objects.
func (r *Result) Examples() int {
	n := 0
	for _, c := range r.Formats {
		n += c
	}
	return n
}

// Count returns the number of diagnostics at severity sev.
func (r *Result) Count(sev diagnostics.Severity) int {
	n := 0
	for _, d := range r.Diagnostics {
		if d.Severity == sev {
			n++
		}
	}
	return n
}

// Options tune a check.
type Options struct {
	Settings *diagnostics.Settings
	// Workers is the number of rows checked in parallel; 0 means one per
	// CPU.
	Workers int
	// ChunkSize is how much of a JSON Lines file a worker takes at a time;
	// 0 means dataset.DefaultChunkSize.
	ChunkSize int
	// SizeHint is the size of the input in bytes, if known. It lets the
	// row summaries be allocated once instead of grown by copying.
	SizeHint int64
	// Embeddings are the file's vectors for the semantic near-duplicates
	// (D005); nil reads them from the sidecar next to the file Check is
	// given the name of (LoadEmbeddings), when the settings turn D005 on.
	Embeddings *diagnostics.Embeddings
}

func (o Options) workers() int {
	if o.Workers > 0 {
		return o.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// CheckFile checks the dataset at path. A .json file holding an array is
// read as an array of rows; anything else as JSON Lines.
func CheckFile(ctx context.Context, path string, opts Options) (*Result, error) {
	f, err := safefile.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && opts.SizeHint == 0 {
		opts.SizeHint = st.Size()
	}
	res, err := Check(ctx, path, f, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return res, nil
}

// Check checks the dataset read from r; name is used in the result only.
func Check(ctx context.Context, name string, r io.Reader, opts Options) (*Result, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if isArray(br) {
		// Read at the size given, not in doubling copies: an array file
		// is held whole.
		buf := bytes.NewBuffer(make([]byte, 0, max(opts.SizeHint, 0)+bytes.MinRead))
		if _, err := buf.ReadFrom(br); err != nil {
			return nil, err
		}
		return checkArray(ctx, name, buf.Bytes(), opts)
	}
	return checkLines(ctx, name, br, opts)
}

// isArray peeks at the first non-space byte: a JSON array file starts with
// "[", a JSON Lines file with "{" (or with garbage, which the line checks
// report).
func isArray(br interface{ Peek(int) ([]byte, error) }) bool {
	b, _ := br.Peek(4096)
	return dataset.IsArrayStart(b)
}

// checked is the outcome for one row.
type checked struct {
	row   dataset.Row
	info  diagnostics.RowInfo
	diags []diagnostics.Diagnostic
	// truncated is set when the row is invalid JSON only because it ends
	// before its value does.
	truncated bool
}

func checkLines(ctx context.Context, name string, r io.Reader, opts Options) (*Result, error) {
	res := &Result{Path: name}
	var all []diagnostics.Diagnostic
	var read int64 // bytes of the rows seen so far
	keepAll := opts.Settings.NeedsAllRows()
	err := ScanRows(ctx, r, opts, func(rows []checked) {
		for i := range rows {
			read += int64(len(rows[i].row.Text) + rows[i].row.Term)
			if keepAll && len(res.Rows) == cap(res.Rows) {
				if n := rowsFor(opts.SizeHint, read, res.Tally.Rows); n > len(res.Rows) {
					res.Rows = slices.Grow(res.Rows, max(n-len(res.Rows), 1024))
					prefault.Spare(res.Rows)
				}
			}
			res.Tally.Add(rows[i].info)
			if res.Tally.Keep(rows[i].info, opts.Settings) {
				res.Rows = append(res.Rows, rows[i].info)
			}
			all = append(all, rows[i].diags...)
		}
	})
	if err != nil {
		return nil, err
	}
	res.Diagnostics = all
	finish(res, opts, false)
	return res, nil
}

// rowsFor returns how many row summaries to make room for, having read
// rows rows in read bytes of a file of size bytes: their number in the
// whole file, extrapolated, a tenth over (growing again copies every
// summary so far); 0 before 4 MB are read, or when the size is unknown.
// Extrapolated from the first row alone, as it was, a long first row made
// the summaries grow again three quarters of the way through a million
// rows, where the collector, running by then, had the goroutine that
// copied them mark the heap for a second.
func rowsFor(size, read int64, rows int) int {
	if size <= read || read < 4<<20 {
		return 0
	}
	return int(float64(size) / float64(read) * float64(rows) * 1.1)
}

func checkArray(ctx context.Context, name string, data []byte, opts Options) (*Result, error) {
	res := &Result{Path: name}
	// The rows are found without parsing the file twice; when they are not
	// all valid JSON, the parse of the whole says where it breaks.
	rows, hadBOM, ok := dataset.SplitArray(data)
	var infos []diagnostics.RowInfo
	var diags [][]diagnostics.Diagnostic
	var err error
	if ok {
		if infos, diags, ok, err = checkArrayRows(ctx, rows, hadBOM, opts); err != nil {
			return nil, err
		}
	}
	if !ok {
		if rows, hadBOM, err = dataset.ReadArray(data); err != nil {
			res.Diagnostics = append(res.Diagnostics, arrayError(data, err, opts.Settings))
			return res, nil
		}
		// Not expected (FuzzSplitArray holds the split to ReadArray), but
		// the rows the parse found are checked all the same.
		if infos, diags, _, err = checkArrayRows(ctx, rows, hadBOM, opts); err != nil {
			return nil, err
		}
	}
	res.Rows = infos
	for i := range infos {
		res.Tally.Add(infos[i])
	}
	for _, d := range diags {
		res.Diagnostics = append(res.Diagnostics, d...)
	}
	finish(res, opts, true)
	return res, nil
}

// arrayBatch is how many rows of an array file a worker checks at a time.
const arrayBatch = 256

// checkArrayRows checks the rows of an array file on every worker and
// returns each row's summary and each batch's findings, in the order of
// the rows, as JSON Lines are checked. valid is false when a row is not
// valid JSON: the file is not a valid array.
func checkArrayRows(ctx context.Context, rows []dataset.Row, hadBOM bool, opts Options) (infos []diagnostics.RowInfo, diags [][]diagnostics.Diagnostic, valid bool, err error) {
	infos = make([]diagnostics.RowInfo, len(rows))
	diags = make([][]diagnostics.Diagnostic, batches(len(rows)))
	valid, err = eachArrayRow(ctx, rows, hadBOM, opts, func(_ *rowChecker, b, i int, c checked) {
		infos[i] = c.info
		diags[b] = append(diags[b], c.diags...)
	})
	return infos, diags, valid, err
}

// batches is the number of batches of arrayBatch rows that n rows make.
func batches(n int) int { return (n + arrayBatch - 1) / arrayBatch }

// eachArrayRow checks the rows of an array file a batch at a time on every
// worker, each with its own rowChecker, and hands each row to do with its
// batch's index (for what is kept by batch) as it is checked. A row's
// parser has a nesting limit one less than the file's, the array being a
// level. It stops, with valid false, at a row that is not valid JSON (the
// file is not a valid array), and with the context's error.
func eachArrayRow(ctx context.Context, rows []dataset.Row, bom bool, opts Options, do func(rc *rowChecker, batch, i int, c checked)) (valid bool, err error) {
	n := batches(len(rows))
	var next atomic.Int64
	var invalid atomic.Bool
	var wg workgroup.Group
	for range min(opts.workers(), n) {
		wg.Go(func() {
			var rc rowChecker
			rc.p.MaxDepth = jsonpos.DefaultMaxDepth - 1
			for b := int(next.Add(1) - 1); b < n && ctx.Err() == nil && !invalid.Load(); b = int(next.Add(1) - 1) {
				for i := b * arrayBatch; i < min(len(rows), (b+1)*arrayBatch); i++ {
					c := rc.check(&rows[i], opts.Settings, rowFlags{bom: bom && i == 0})
					if rc.rc.ParseErr != nil {
						invalid.Store(true)
						return
					}
					do(&rc, b, i, c)
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return false, err
	}
	return !invalid.Load(), nil
}

// arrayError turns the failure to read a JSON array file into a diagnostic
// at its place in the file.
func arrayError(data []byte, err error, s *diagnostics.Settings) diagnostics.Diagnostic {
	code, off, msg := "J001", 0, err.Error()
	switch e := err.(type) {
	case *jsonpos.SyntaxError:
		off, msg = e.Offset, "invalid JSON: "+e.Msg
	case *dataset.NotArrayError:
		code, off = "J002", e.At
	}
	idx := textpos.NewLineIndex(data)
	end := min(off+1, len(data))
	return diagnostics.Diagnostic{
		Code: code, Severity: s.Severity(code), Message: msg,
		Range: idx.Range(off, end), Offset: int64(off),
	}
}

// AddLeakage checks valid against train for examples they share (D004)
// and for the validation share (B006), and adds the findings to valid, in
// order.
func AddLeakage(train, valid *Result, s *diagnostics.Settings) {
	extra := diagnostics.Leakage(s, train.Path, train.Rows, valid.Rows)
	extra = append(extra, diagnostics.ValidationShare(s, train.Examples(), valid.Rows)...)
	if len(extra) == 0 {
		return
	}
	valid.Diagnostics = append(valid.Diagnostics, extra...)
	sortDiagnostics(valid.Diagnostics)
}

// finish runs the file rules and orders the diagnostics.
func finish(res *Result, opts Options, array bool) {
	s := opts.Settings
	fc := diagnostics.NewFileContext(s, res.Rows, res.Tally)
	fc.Array = array
	fc.Embeddings = opts.Embeddings
	if fc.Embeddings == nil {
		fc.Embeddings = LoadEmbeddings(res.Path, s)
	}
	fc.Validation = IsValidation(res.Path, s)
	res.Formats = fc.FormatCounts
	res.Dominant = fc.Dominant
	res.Diagnostics = withFileFindings(fc, res.Diagnostics)
}

// withFileFindings runs the file rules of fc and returns their findings
// added to rowDiags, without those of rules turned off, in order.
func withFileFindings(fc *diagnostics.FileContext, rowDiags []diagnostics.Diagnostic) []diagnostics.Diagnostic {
	all := append(rowDiags, fc.Run()...)
	ds := all[:0]
	for _, d := range all {
		if d.Severity != diagnostics.Off {
			ds = append(ds, d)
		}
	}
	sortDiagnostics(ds)
	return ds
}

func sortDiagnostics(ds []diagnostics.Diagnostic) {
	// After an edit the findings come as two sorted runs (the rows', then
	// the file rules' carried over): merging them is linear, where a
	// stable sort of thousands of findings took a tenth of the keystroke.
	k := sortedRun(ds)
	if k == len(ds) {
		return
	}
	if sortedRun(ds[k:]) == len(ds)-k {
		mergeRuns(ds, k)
		return
	}
	sort.SliceStable(ds, func(i, j int) bool { return diagLess(&ds[i], &ds[j]) })
}

// diagLess is the order of findings: by start, then by rule code.
func diagLess(a, b *diagnostics.Diagnostic) bool {
	if a.Range.Start != b.Range.Start {
		return a.Range.Start.Before(b.Range.Start)
	}
	return a.Code < b.Code
}

// sortedRun returns the length of the sorted prefix of ds.
func sortedRun(ds []diagnostics.Diagnostic) int {
	for i := 1; i < len(ds); i++ {
		if diagLess(&ds[i], &ds[i-1]) {
			return i
		}
	}
	return len(ds)
}

// mergeRuns merges the sorted runs ds[:k] and ds[k:] in place, stably (on
// a tie the first run's finding stays first), as sort.SliceStable would.
func mergeRuns(ds []diagnostics.Diagnostic, k int) {
	a := slices.Clone(ds[:k])
	i, j, o := 0, k, 0
	for i < len(a) && j < len(ds) {
		if diagLess(&ds[j], &a[i]) {
			ds[o] = ds[j]
			j++
		} else {
			ds[o] = a[i]
			i++
		}
		o++
	}
	copy(ds[o:], a[i:])
}

// ScanRows streams the JSON Lines rows of r through the row rules on
// several workers and hands each chunk's results to emit, in file order.
// The slice and the rows' text are valid only until emit returns.
func ScanRows(ctx context.Context, r io.Reader, opts Options, emit func([]checked)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	lr := dataset.NewLineReader(r, opts.ChunkSize)
	workers := opts.workers()
	chunks := make(chan *dataset.Chunk, workers)
	results := make(chan chunkResult, workers)

	var readErr error
	go func() {
		defer close(chunks)
		for {
			c, err := lr.Next()
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				return
			}
			select {
			case chunks <- c:
			case <-ctx.Done():
				return
			}
		}
	}()

	// A worker's panic (a rule's bug) is raised again below, once the
	// results are drained, in the caller's goroutine.
	var wg workgroup.Group
	var panicked *workgroup.Panic
	for range workers {
		wg.Go(func() {
			var rc rowChecker
			for c := range chunks {
				out := rc.checkChunk(c, opts.Settings)
				select {
				case results <- chunkResult{seq: c.Seq, rows: out, chunk: c}:
				case <-ctx.Done():
					return
				}
			}
		})
	}
	go func() { panicked = wg.Join(); close(results) }()

	pending := map[int]chunkResult{}
	next := 0
	for cr := range results {
		pending[cr.seq] = cr
		for done, ok := pending[next]; ok; done, ok = pending[next] {
			delete(pending, next)
			emit(done.rows)
			done.chunk.Release()
			clear(done.rows) // drop the references to diagnostics and rows
			checkedPool.Put(&done.rows)
			next++
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if panicked != nil { // results is closed: Join has returned
		panic(panicked)
	}
	return readErr
}

// checkedPool recycles the results of chunks once they are emitted: a
// chunk's results take about as much memory as its text, and allocating
// them afresh for every chunk took about 5 % of a check in profiles.
var checkedPool = sync.Pool{New: func() any { return new([]checked) }}

type chunkResult struct {
	seq   int
	rows  []checked
	chunk *dataset.Chunk
}

// rowChecker checks rows one after another on one goroutine, reusing its
// parser and row context; the rows' summaries share its arena.
type rowChecker struct {
	p     jsonpos.Parser
	rc    diagnostics.RowContext
	arena diagnostics.SummaryArena
}

// checkChunk checks the rows of one chunk, joining a JSON value spread over
// several lines into one row first.
func (k *rowChecker) checkChunk(c *dataset.Chunk, s *diagnostics.Settings) []checked {
	out := (*checkedPool.Get().(*[]checked))[:0]
	for i := 0; i < len(c.Rows); i++ {
		row := &c.Rows[i]
		bom := c.BOM && i == 0
		ck := k.check(row, s, rowFlags{bom: bom})
		if joined, n := joinLines(c.Rows[i:], ck, &k.p); n > 0 {
			ck = k.check(joined, s, rowFlags{bom: bom, multiLine: true})
			i += n
		}
		out = append(out, ck)
	}
	return out
}

// rowFlags are facts about a row that only its reader knows.
type rowFlags struct {
	bom, multiLine bool
}

func (k *rowChecker) check(row *dataset.Row, s *diagnostics.Settings, f rowFlags) checked {
	ctx := &k.rc
	ctx.Arena = &k.arena
	ctx.Reset(row, &k.p, s)
	ctx.BOM, ctx.MultiLine = f.bom, f.multiLine
	diags := ctx.Run()
	return checked{
		row: *row, info: ctx.Info(), diags: diags,
		truncated: ctx.ParseErr != nil && ctx.ParseErr.Offset >= len(row.Text),
	}
}

// IsValidation reports whether the file at path is a validation set: the
// plan of the settings names it as its validation output, or, unless the
// plan names it as its training output, its name says so (package
// pairing).
func IsValidation(path string, s *diagnostics.Settings) bool {
	if path == "" {
		return false
	}
	if p := s.Plan; p != nil && (p.Train != "" || p.Validation != "") {
		if abs, err := filepath.Abs(path); err == nil {
			switch abs {
			case p.Validation:
				return true
			case p.Train:
				return false
			}
		}
	}
	return pairing.IsValidation(path)
}
