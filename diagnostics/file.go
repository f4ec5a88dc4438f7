package diagnostics

import (
	"bytes"
	"fmt"
	"runtime"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/dedup"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/textpos"
	"github.com/ftls-dev/ftls/internal/workgroup"
)

// RowInfo is the part of a row that file rules need, small enough to keep
// for every row of a file with millions of them.
type RowInfo struct {
	Offset      int64
	Span        textpos.Range32
	Len         int32
	Format      dataset.Format
	Term        int8 // length of the line terminator after the row
	Blank       bool
	Object      bool // the row parsed as a JSON object
	HasMetadata bool // the row carries the configured metadata key
	// Convertible is set for rows in another format that convert to chat
	// messages without guessing (C016's fix).
	Convertible bool
	// UserTurns counts the user turns; more than one makes a multi-turn
	// conversation.
	UserTurns int16
	// Words is the conversation's length in words (user and assistant).
	Words int32
	// (Words and UserTurns sit with the flags, where the 8-byte fields
	// after them would otherwise leave padding.)

	// Fingerprint identifies the conversation for exact duplicates; Prompt
	// and Answer identify its non-assistant and assistant turns. Zero when
	// not computed.
	Fingerprint, Prompt, Answer uint64
	// AnswerKey is Answer for an answer long enough that two prompts
	// sharing it is a finding (Q014), 0 otherwise.
	AnswerKey uint64
	// Sig is the conversation's MinHash signature for near duplicates.
	Sig *dedup.Signature
	// Opening is the first four words of the first answer, lower-cased.
	// (Its hash, which the groups count, is not kept: hashed again when
	// the groups are built, it costs a millisecond a 100,000 rows, and
	// kept, 8 bytes a row in every copy of the summaries.)
	Opening string
	// Category is the value at the settings' CategoryField, "" if none.
	Category string
	// System identifies the system prompt, 0 when there is none.
	System uint64
	// Extras is what only some settings compute; nil when none of it is
	// (read it through Extra).
	Extras *RowExtras
}

// RowExtras is the part of a row's summary that only some settings
// compute. Kept apart, it costs a default check's rows 8 bytes each
// rather than 44: 36 MB in each copy of a million rows' summaries, which
// the language server holds twice while it assembles a version.
type RowExtras struct {
	// Tokens are exact token counts, filled only when Settings.CountTokens
	// is set: the whole example, its user turns and its assistant turns.
	Tokens, UserTokens, AssistantTokens int32
	// EmbedPrompt and EmbedAnswer are the content keys (dedup.ContentKey)
	// of the row's prompt side and answer side (EmbedTexts), the keys of
	// their vectors in the embedding cache; 0 for a side without text.
	EmbedPrompt, EmbedAnswer uint64
	// Review is the row's review key, computed only when the settings
	// carry a review cache (Settings.Review); zero for a row without a
	// conversation.
	Review ReviewSum
}

// Extra returns the row's extras, zero when none was computed.
func (r *RowInfo) Extra() RowExtras {
	if r.Extras == nil {
		return RowExtras{}
	}
	return *r.Extras
}

// Info summarises the row for file rules.
func (c *RowContext) Info() RowInfo {
	info := RowInfo{
		Offset: c.Row.Offset,
		Len:    int32(len(c.Row.Text)),
		Term:   int8(c.Row.Term),
		Format: c.Format,
		Blank:  c.Blank,
		Object: c.Root.Kind() == jsonpos.Object,
	}
	// A row of a JSON Lines file is one line, and counting its UTF-16 units
	// is enough; rows joined from several lines and the elements of a JSON
	// array file may span lines.
	if c.InvalidUTF8 < 0 && !c.MultiLine && bytes.IndexByte(c.Row.Text, '\n') < 0 {
		start := c.Row.Start()
		info.Span = textpos.Compact(textpos.Range{Start: start, End: textpos.Position{Line: start.Line, Character: start.Character + c.units}})
	} else {
		info.Span = textpos.Compact(c.Row.FullRange())
	}
	if info.Object && c.Settings.MetadataKey != "" {
		info.HasMetadata = c.Root.Get(c.Settings.MetadataKey).Exists()
	}
	var ex RowExtras
	if info.Object {
		c.summarize(&info, &ex)
		if c.Settings.Review != nil {
			ex.Review = c.ReviewSum()
		}
		switch {
		case c.Format == dataset.Chat || c.Settings.Severity("C016") == Off:
		case c.Format == dataset.ChatMLText:
			_, err := c.chatMLTurns() // what CanConvert would parse again
			info.Convertible = err == nil
		default:
			info.Convertible = dataset.CanConvert(c.Root, c.Format) == nil
		}
	}
	if ex != (RowExtras{}) {
		kept := ex // only rows with extras pay for an allocation
		info.Extras = &kept
	}
	return info
}

// Tally counts the rows of a file as they are read, so that file rules can
// know the totals even when not every row is kept (see NeedsAllRows).
type Tally struct {
	Rows     int                     // rows read, blank ones included
	Formats  [dataset.NumFormats]int // rows that are JSON objects, by format
	Metadata int                     // rows carrying the metadata key
}

// Add counts one row.
func (t *Tally) Add(r RowInfo) {
	t.Rows++
	if r.Object {
		t.Formats[r.Format]++
	}
	if r.HasMetadata {
		t.Metadata++
	}
}

// Remove takes back a row that Add counted, for one that an edit took
// away.
func (t *Tally) Remove(r RowInfo) {
	t.Rows--
	if r.Object {
		t.Formats[r.Format]--
	}
	if r.HasMetadata {
		t.Metadata--
	}
}

// NeedsAllRows reports whether the enabled rules compare rows with each
// other (duplicates, balance, statistics, the dominant format of a generic
// file), so that every row's summary must be kept. Otherwise only rows that
// a file rule may report on are kept and memory stays flat whatever the
// size of the file.
func (s *Settings) NeedsAllRows() bool { return s.needed().has(DataRows) }

// Keep reports whether a row must be kept for the file rules when not all
// rows are (see NeedsAllRows): rows that are not chat objects, for C016, and
// the first row, where file-level findings are placed.
func (t *Tally) Keep(r RowInfo, s *Settings) bool {
	return s.NeedsAllRows() || t.Rows == 1 || !r.Object || r.Format != dataset.Chat
}

// FileContext is what a file rule sees once every row has been read.
type FileContext struct {
	Settings     *Settings
	Rows         []RowInfo
	Tally        Tally
	FormatCounts [dataset.NumFormats]int
	// Dominant is the most frequent recognised format.
	Dominant dataset.Format
	// Array is set for JSON array files, whose rows are not lines and so
	// cannot be deleted by removing a line.
	Array bool
	// NearIndex, when set, indexes the signatures of Rows (in order) and
	// the near-duplicate rule reads its pairs from it instead of hashing
	// every row again (see engine.FileState).
	NearIndex *dedup.Index
	// Embeddings holds the vectors of the file's rows for the semantic
	// near-duplicates (D005); nil when they are not configured.
	Embeddings *Embeddings
	// SemanticIndex, when set, keeps D005's pairs between runs over the
	// same rows (see engine.FileState), as NearIndex does for D002.
	SemanticIndex *embedding.Index
	// Validation is set for a validation file (package pairing decides):
	// the rules about a training set's size (B005) do not apply to it.
	Validation bool

	lazy  *lazyGroups // Groups, shared by the copies the rules run on
	diags []Diagnostic
}

// NewFileContext prepares the file rules for the rows kept of a file and
// its tally.
func NewFileContext(s *Settings, rows []RowInfo, t Tally) *FileContext {
	f := &FileContext{Settings: s, Rows: rows, Tally: t, FormatCounts: t.Formats, lazy: &lazyGroups{}}
	f.Dominant = dataset.Dominant(f.FormatCounts[:])
	return f
}

// SetGroups gives the file rules rows already grouped (see Groups); g must
// group exactly f.Rows. Call it before Run.
func (f *FileContext) SetGroups(g *Groups) { f.lazy.g = g }

// TallyOf counts rows that were all kept.
func TallyOf(rows []RowInfo) Tally {
	var t Tally
	for _, r := range rows {
		t.Add(r)
	}
	return t
}

// Examples returns the number of rows that are JSON objects.
func (f *FileContext) Examples() int {
	n := 0
	for _, c := range f.FormatCounts {
		n += c
	}
	return n
}

// Run applies every enabled file rule and returns the diagnostics found, in
// the order of the catalog. The rules only read the rows, so they run side
// by side on all CPUs, each reporting into its own copy of f.
func (f *FileContext) Run() []Diagnostic {
	var enabled []*Rule
	for _, r := range fileRules {
		if f.Settings.Severity(r.Code) != Off {
			enabled = append(enabled, r)
		}
	}
	found := make([][]Diagnostic, len(enabled))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	// A panic is raised again by Wait, in the caller's goroutine, where the
	// server's recovery can catch it.
	var wg workgroup.Group
	for i, r := range enabled {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			defer func() {
				if p := recover(); p != nil {
					panic(fmt.Sprintf("file rule %s: %v", r.Code, p))
				}
			}()
			g := *f
			g.diags = nil
			r.File(&g)
			found[i] = g.diags
		})
	}
	wg.Wait()
	for _, ds := range found {
		f.diags = append(f.diags, ds...)
	}
	return f.diags
}

// ReportRow records a finding on row i.
func (f *FileContext) ReportRow(code string, i int, fix *Fix, format string, args ...any) {
	r := f.Rows[i]
	f.report(code, r.Range(), r.Offset, fix, format, args...)
}

// ReportRelated records a finding on row i that points at other rows.
func (f *FileContext) ReportRelated(code string, i int, fix *Fix, related []Related, format string, args ...any) {
	f.ReportRow(code, i, fix, format, args...)
	if n := len(f.diags); n > 0 && f.diags[n-1].Offset == f.Rows[i].Offset {
		f.diags[n-1].Related = related
	}
}

// RelatedRow points at row i.
func (f *FileContext) RelatedRow(i int, msg string) Related {
	return Related{Range: f.Rows[i].Range(), Message: msg}
}

// Line returns the one-based line of row i, for messages.
func (f *FileContext) Line(i int) int { return f.Rows[i].Range().Start.Line + 1 }

// DeleteRowFix returns a fix that removes row i's line, or nil in a JSON
// array file.
func (f *FileContext) DeleteRowFix(title string, i int) *Fix {
	if f.Array {
		return nil
	}
	r := f.Rows[i]
	start, end := r.Offset, r.Offset+int64(r.Len)+int64(r.Term)
	if r.Term == 0 && start > 0 {
		start--
	}
	return &Fix{Title: title, Start: start, End: end, NewText: []byte{}}
}

// ReportFile records a finding about the whole file, placed on its first
// row (or at the top of an empty file).
func (f *FileContext) ReportFile(code string, format string, args ...any) {
	for _, r := range f.Rows {
		if !r.Blank {
			f.report(code, r.Range(), r.Offset, nil, format, args...)
			return
		}
	}
	f.report(code, textpos.Range{}, 0, nil, format, args...)
}

func (f *FileContext) report(code string, rng textpos.Range, off int64, fix *Fix, format string, args ...any) {
	sev := f.Settings.Severity(code)
	if sev == Off {
		return
	}
	f.diags = append(f.diags, Diagnostic{
		Code: code, Severity: sev, Message: fmt.Sprintf(format, args...),
		Range: rng, Offset: off, Fix: fix,
	})
}

// invalidUTF8 returns the offset of the first byte of b that is not part of
// valid UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// Range returns the row's range in the file.
func (r *RowInfo) Range() textpos.Range { return r.Span.Range() }
