package engine

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/dataset"
	"github.com/ftls-dev/ftls/internal/embedding"
	"github.com/ftls-dev/ftls/internal/jsonpos"
	"github.com/ftls-dev/ftls/internal/safefile"
)

// Sides are the texts an embedding run sends for a file: the prompt and
// answer side of each row (diagnostics.EmbedTexts), by content key.
type Sides struct {
	// Rows holds each row's prompt and answer key, 0 for a side without
	// text or a row that is not a conversation.
	Rows [][2]uint64
	// Texts maps each key to its text.
	Texts map[uint64]string
}

// Keys returns every key of the rows, in row order, prompt side first.
func (s *Sides) Keys() []uint64 {
	out := make([]uint64, 0, 2*len(s.Rows))
	for _, r := range s.Rows {
		out = append(out, r[0], r[1])
	}
	return out
}

// MaxEmbedFile bounds the file SideTexts reads into memory.
const MaxEmbedFile = 4 << 30

// SideTextsFile reads the dataset at path and returns its Sides.
func SideTextsFile(ctx context.Context, path string, s *diagnostics.Settings) (*Sides, error) {
	data, err := safefile.ReadFile(path, MaxEmbedFile)
	if err != nil {
		return nil, err
	}
	sides, err := SideTexts(ctx, data, s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return sides, nil
}

// SideTexts returns the Sides of a dataset given as its bytes, a JSON
// array or JSON Lines. Rows that do not parse have no sides; `ftls check`
// reports them.
func SideTexts(ctx context.Context, data []byte, s *diagnostics.Settings) (*Sides, error) {
	var rows []dataset.Row
	if dataset.IsArrayStart(data[:min(len(data), 4096)]) {
		var err error
		if rows, _, err = dataset.ReadArray(data); err != nil {
			return nil, err
		}
	} else {
		lr := dataset.NewLineReader(bytes.NewReader(data), 0)
		for {
			c, err := lr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, err
			}
			for _, r := range c.Rows {
				r.Text = bytes.Clone(r.Text)
				rows = append(rows, r)
			}
			c.Release()
		}
	}
	out := &Sides{Rows: make([][2]uint64, len(rows)), Texts: map[uint64]string{}}
	var p jsonpos.Parser
	var rc diagnostics.RowContext
	for i := range rows {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rc.Reset(&rows[i], &p, s)
		prompt, answer := diagnostics.EmbedTexts(rc.Turns())
		for side, text := range [2][]byte{prompt, answer} {
			if k := diagnostics.EmbedKey(text); k != 0 {
				out.Rows[i][side] = k
				out.Texts[k] = string(text)
			}
		}
	}
	return out, nil
}

// LoadEmbeddings reads the vectors of the dataset at path from its sidecar
// (embedding.SidecarPath), for the semantic near-duplicates (D005), when
// the settings turn them on; otherwise it reads nothing and returns nil. A
// missing, damaged or unreadable sidecar is not an error here: D005
// reports it on the file, in the editor as on the command line.
func LoadEmbeddings(path string, s *diagnostics.Settings) *diagnostics.Embeddings {
	if !embeddingsOn(path, s) {
		return nil
	}
	e := &diagnostics.Embeddings{Path: embedding.SidecarPath(path)}
	e.Cache, e.Problems, e.Err = embedding.Load(e.Path)
	return e
}

func embeddingsOn(path string, s *diagnostics.Settings) bool {
	return s != nil && s.Embeddings != nil && path != "" && path != "-" && s.Severity("D005") != diagnostics.Off
}

// embeddingsFor returns the embeddings of the file rules of a state at
// path: those it holds while the sidecar has not changed on disk, read
// again otherwise. The language server runs the file rules after every
// pause in typing; the vectors and their signatures are read and computed
// once per version of the sidecar.
func (st *FileState) embeddingsFor(path string, s *diagnostics.Settings) *diagnostics.Embeddings {
	if !embeddingsOn(path, s) {
		st.embeddings, st.embedStamp = nil, sidecarStamp{}
		return nil
	}
	stamp := stampOf(embedding.SidecarPath(path))
	if st.embeddings == nil || stamp != st.embedStamp {
		st.embeddings, st.embedStamp = LoadEmbeddings(path, s), stamp
	}
	return st.embeddings
}

// sidecarStamp tells versions of a sidecar apart.
type sidecarStamp struct {
	path string
	mod  int64
	size int64
}

func stampOf(path string) sidecarStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return sidecarStamp{path: path, size: -1}
	}
	return sidecarStamp{path, fi.ModTime().UnixNano(), fi.Size()}
}

// Unembedded returns the rows of the state whose prompt or answer side
// has no vector in the sidecar: the rows added or edited since the last
// embedding run, which are all an editor needs to embed. It is nil when
// the settings leave D005 off.
func (st *FileState) Unembedded(path string, s *diagnostics.Settings) []int {
	e := st.embeddingsFor(path, s)
	if e == nil {
		return nil
	}
	rows, _ := Unembedded(st.rows, e.Cache)
	return rows
}

// Unembedded returns the rows among rows (summaries computed with D005
// on) whose prompt or answer side has no vector in c, and the keys of the
// texts to embed for them, each once.
func Unembedded(rows []diagnostics.RowInfo, c *embedding.Cache) (idx []int, keys []uint64) {
	seen := map[uint64]bool{}
	for i, r := range rows {
		missing := false
		ex := r.Extra()
		for _, k := range [2]uint64{ex.EmbedPrompt, ex.EmbedAnswer} {
			if k != 0 && !c.Has(k) {
				missing = true
				if !seen[k] {
					seen[k] = true
					keys = append(keys, k)
				}
			}
		}
		if missing {
			idx = append(idx, i)
		}
	}
	return idx, keys
}
