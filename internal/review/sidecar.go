package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// Suffix is added to a dataset's path to name its sidecar.
const Suffix = ".ftls-review"

// SidecarPath returns the sidecar of the dataset at path.
func SidecarPath(dataset string) string { return dataset + Suffix }

// formatVersion is the sidecar's format, in its header line.
const formatVersion = 1

// maxSidecar bounds what is read of a sidecar: a verdict is a few hundred
// bytes, so this holds millions of rows.
const maxSidecar = 1 << 30

// header is the sidecar's first line.
type header struct {
	Version int    `json:"ftls_review"`
	About   string `json:"about,omitempty"`
}

const about = "verdicts of `ftls review`, one row per line, keyed by row content, rubric and model; safe to commit, see docs/review.md"

// Entry is one line of the sidecar: the verdict of one model on one row
// under one rubric.
type Entry struct {
	Row    string `json:"row"`
	Rubric string `json:"rubric"`
	Model  string `json:"model"`
	// Line is the row's line (1-based) when it was reviewed, for people
	// reading the file; it is not part of the key.
	Line     int                                `json:"line,omitempty"`
	Scores   map[string]diagnostics.ReviewScore `json:"scores,omitempty"`
	Category *diagnostics.ReviewCategory        `json:"category,omitempty"`
}

type entryKey struct{ row, rubric, model string }

func (e *Entry) key() entryKey { return entryKey{e.Row, e.Rubric, e.Model} }

// Problem is a line of the sidecar that was skipped.
type Problem struct {
	Path string
	Line int // 1-based
	Msg  string
}

func (p Problem) Error() string { return fmt.Sprintf("%s:%d: %s", p.Path, p.Line, p.Msg) }

var (
	hexKey  = regexp.MustCompile(`^[0-9a-f]{32}$`)
	hexHash = regexp.MustCompile(`^[0-9a-f]{12}$`)
)

// Parse reads a sidecar's text: the entries it could read, in file order,
// and a problem for every line it could not. It never fails as a whole: a
// damaged sidecar costs the verdicts of its damaged lines only.
func Parse(path string, data []byte) ([]*Entry, []Problem) {
	var out []*Entry
	var probs []Problem
	bad := func(line int, format string, args ...any) {
		probs = append(probs, Problem{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)})
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	sawHeader := false
	for i, line := range bytes.Split(data, []byte("\n")) {
		n := i + 1
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if !utf8.Valid(line) {
			bad(n, "not UTF-8 text; line skipped")
			continue
		}
		if !sawHeader {
			var h header
			if json.Unmarshal(line, &h) == nil && h.Version != 0 {
				sawHeader = true
				if h.Version != formatVersion {
					bad(n, "format version %d; this ftls reads version %d, so the file's verdicts are ignored", h.Version, formatVersion)
					return nil, probs
				}
				continue
			}
		}
		e, err := parseEntry(line)
		if err != nil {
			bad(n, "%v; line skipped", err)
			continue
		}
		out = append(out, e)
	}
	return out, probs
}

// parseEntry reads and checks one verdict line.
func parseEntry(line []byte) (*Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return nil, fmt.Errorf("not a verdict (%s)", jsonProblem(err))
	}
	if dec.More() {
		return nil, errors.New("text after the verdict")
	}
	switch {
	case !hexKey.MatchString(e.Row):
		return nil, fmt.Errorf("row key %q is not 32 hex digits", clip(e.Row))
	case !hexHash.MatchString(e.Rubric):
		return nil, fmt.Errorf("rubric %q is not 12 hex digits", clip(e.Rubric))
	case strings.TrimSpace(e.Model) == "":
		return nil, errors.New("no model")
	case len(e.Scores) == 0 && e.Category == nil:
		return nil, errors.New("neither scores nor a category")
	}
	for name, s := range e.Scores {
		if _, ok := diagnostics.ReviewCriterionByName(name); !ok {
			return nil, fmt.Errorf("unknown criterion %q", clip(name))
		}
		if s.Score < 1 || s.Score > diagnostics.ReviewScale {
			return nil, fmt.Errorf("%s score %d is outside 1-%d", name, s.Score, diagnostics.ReviewScale)
		}
		if s.Turn < -1 {
			return nil, fmt.Errorf("%s turn %d is negative", name, s.Turn)
		}
	}
	return &e, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("invalid JSON at column %d: %v", se.Offset, err)
	case errors.As(err, &te):
		return fmt.Sprintf("%s must be %s, not %s", te.Field, te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Load reads the sidecar of a dataset into a store for the rubric and
// model. A missing sidecar is an empty store; problems are the lines that
// were skipped; the error is for a sidecar that could not be read at all.
func Load(dataset string, rubric Rubric, model string) (*Store, []Problem, error) {
	s := NewStore(dataset, rubric, model)
	data, err := safefile.ReadFile(s.path, maxSidecar)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil, nil
	}
	if err != nil {
		return s, nil, err
	}
	entries, probs := Parse(s.path, data)
	for _, e := range entries {
		s.put(e)
	}
	s.exists = true
	return s, probs, nil
}

// encode writes the sidecar's text.
func encode(entries []*Entry) []byte {
	var b bytes.Buffer
	h, _ := json.Marshal(header{Version: formatVersion, About: about})
	b.Write(h)
	b.WriteByte('\n')
	for _, e := range entries {
		line, err := json.Marshal(e)
		if err != nil {
			continue
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// writeSidecar replaces the sidecar atomically.
func writeSidecar(path string, entries []*Entry) error {
	if err := atomicfile.WriteFile(path, encode(entries)); err != nil {
		return fmt.Errorf("review cache %s: %w", path, err)
	}
	return nil
}
