package engine

import (
	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dedup"
	"github.com/ftls-dev/ftls/internal/embedding"
)

// FileState keeps the row summaries of a document between checks, with the
// structures the file rules build over them: the near-duplicate index and
// the rows grouped by fingerprint, prompt, opening and category. The file
// rules can then run again after an edit without redoing what the edit
// left alone: hashing every row into the near-duplicate bands and grouping
// every row is most of a file check, and an edit changes one row. The
// language server keeps one per open dataset; `ftls check` does not need
// one.
type FileState struct {
	rows   []diagnostics.RowInfo
	near   *dedup.Index
	groups *diagnostics.Groups
	// embeddings are the document's vectors for D005, kept between runs
	// with the signatures the search computed while the sidecar is
	// unchanged (see embeddingsFor).
	embeddings *diagnostics.Embeddings
	embedStamp sidecarStamp
	semantic   embedding.Index
}

// Update makes the state hold rows, which it keeps. When rows has as many
// rows as the state had, only the rows whose summary changed are indexed
// and grouped again; otherwise both are rebuilt when next needed.
func (st *FileState) Update(rows []diagnostics.RowInfo) {
	if len(rows) != len(st.rows) {
		st.near, st.groups = nil, nil
		st.rows = rows
		return
	}
	for i := range rows {
		st.moved(i, &rows[i])
	}
	st.rows = rows
}

// Set replaces the summary of row i, for a caller that knows which rows
// changed since the last Update or Set.
func (st *FileState) Set(i int, info diagnostics.RowInfo) {
	st.moved(i, &info)
	st.rows[i] = info
}

// moved updates the index and the groups for row i becoming info.
func (st *FileState) moved(i int, info *diagnostics.RowInfo) {
	old := &st.rows[i]
	if st.near != nil && info.Sig != old.Sig {
		st.near.Set(i, info.Sig)
	}
	if st.groups != nil {
		st.groups.Set(i, old, info)
	}
}

// Run runs the file rules over the state's rows, as Check does after
// reading a file, and returns the result with rowDiags (the row findings,
// in any order) merged in.
func (st *FileState) Run(path string, rowDiags []diagnostics.Diagnostic, s *diagnostics.Settings) *Result {
	tally := diagnostics.TallyOf(st.rows)
	fc := diagnostics.NewFileContext(s, st.rows, tally)
	fc.Validation = IsValidation(path, s)
	fc.Embeddings = st.embeddingsFor(path, s)
	if fc.Embeddings != nil {
		fc.SemanticIndex = &st.semantic
	}
	if s.Severity("D002") != diagnostics.Off {
		fc.NearIndex = st.index()
	}
	if st.groups == nil {
		st.groups = diagnostics.NewGroups(st.rows)
	}
	fc.SetGroups(st.groups)
	res := &Result{Path: path, Rows: st.rows, Tally: tally, Formats: fc.FormatCounts, Dominant: fc.Dominant}
	res.Diagnostics = withFileFindings(fc, append([]diagnostics.Diagnostic(nil), rowDiags...))
	return res
}

func (st *FileState) index() *dedup.Index {
	if st.near == nil {
		sigs := make([]*dedup.Signature, len(st.rows))
		for i := range st.rows {
			sigs[i] = st.rows[i].Sig
		}
		st.near = dedup.NewIndex(sigs)
	}
	return st.near
}
