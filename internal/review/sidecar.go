package review

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/atomicfile"
	"github.com/ftls-dev/ftls/internal/jsonpos"
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
	var p jsonpos.Parser
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
		e, err := parseEntry(line, &p)
		if err != nil {
			bad(n, "%v; line skipped", err)
			continue
		}
		out = append(out, e)
	}
	return out, probs
}

// parseEntry reads and checks one verdict line. It uses ftls's own JSON
// parser, several times faster than encoding/json on the 100,000 lines of
// a large dataset's sidecar, which `ftls check` reads before every check.
func parseEntry(line []byte, p *jsonpos.Parser) (*Entry, error) {
	root, err := p.Parse(line)
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("not a verdict (invalid JSON at column %d: %s)", se.Offset+1, se.Msg)
		}
		return nil, fmt.Errorf("not a verdict (%v)", err)
	}
	if root.Kind() != jsonpos.Object {
		return nil, fmt.Errorf("not a verdict (a JSON %s, not an object)", root.Kind())
	}
	var e Entry
	for k, v := range root.Members() {
		var err error
		switch name := k.Name(); name {
		case "row":
			e.Row, err = str(name, v)
		case "rubric":
			e.Rubric, err = str(name, v)
		case "model":
			e.Model, err = str(name, v)
		case "line":
			e.Line, err = integer(name, v)
		case "scores":
			e.Scores, err = scores(v)
		case "category":
			e.Category, err = category(v)
		default:
			err = fmt.Errorf("unknown field %q", clip(name))
		}
		if err != nil {
			return nil, err
		}
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
	return &e, nil
}

func str(name string, v jsonpos.Value) (string, error) {
	if v.Kind() != jsonpos.String {
		return "", fmt.Errorf("%s must be a string, not %s", name, v.Kind())
	}
	return v.Str(), nil
}

func integer(name string, v jsonpos.Value) (int, error) {
	n, ok := v.Int()
	if !ok || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, fmt.Errorf("%s must be a whole number, not %s", name, clip(string(v.Raw())))
	}
	return int(n), nil
}

// scores reads and checks the scores of a verdict.
func scores(v jsonpos.Value) (map[string]diagnostics.ReviewScore, error) {
	if v.Kind() != jsonpos.Object {
		return nil, fmt.Errorf("scores must be an object, not %s", v.Kind())
	}
	out := make(map[string]diagnostics.ReviewScore, v.Len())
	for k, sv := range v.Members() {
		name := k.Name()
		if _, ok := diagnostics.ReviewCriterionByName(name); !ok {
			return nil, fmt.Errorf("unknown criterion %q", clip(name))
		}
		if sv.Kind() != jsonpos.Object {
			return nil, fmt.Errorf("%s must be an object, not %s", name, sv.Kind())
		}
		var sc diagnostics.ReviewScore
		for fk, fv := range sv.Members() {
			var err error
			switch f := fk.Name(); f {
			case "score":
				sc.Score, err = integer(name+" score", fv)
			case "reason":
				sc.Reason, err = str(name+" reason", fv)
			case "turn":
				sc.Turn, err = integer(name+" turn", fv)
			case "rewrite":
				sc.Rewrite, err = str(name+" rewrite", fv)
			default:
				err = fmt.Errorf("unknown field %q in %s", clip(f), name)
			}
			if err != nil {
				return nil, err
			}
		}
		if sc.Score < 1 || sc.Score > diagnostics.ReviewScale {
			return nil, fmt.Errorf("%s score %d is outside 1-%d", name, sc.Score, diagnostics.ReviewScale)
		}
		if sc.Turn < -1 {
			return nil, fmt.Errorf("%s turn %d is negative", name, sc.Turn)
		}
		out[name] = sc
	}
	return out, nil
}

func category(v jsonpos.Value) (*diagnostics.ReviewCategory, error) {
	if v.Kind() != jsonpos.Object {
		return nil, fmt.Errorf("category must be an object, not %s", v.Kind())
	}
	var c diagnostics.ReviewCategory
	for k, fv := range v.Members() {
		var err error
		switch f := k.Name(); f {
		case "proposed":
			c.Proposed, err = str("category proposed", fv)
		case "reason":
			c.Reason, err = str("category reason", fv)
		default:
			err = fmt.Errorf("unknown field %q in category", clip(f))
		}
		if err != nil {
			return nil, err
		}
	}
	return &c, nil
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
