package diagnostics

import (
	"slices"
	"sync"

	"github.com/ftls-dev/ftls/internal/workgroup"
)

// Groups holds the rows of a file grouped the way the file rules compare
// them: by fingerprint (D001), by prompt (D003), by the opening of the
// answer (Q005), by answer (Q014) and by category (the B family). Built from all the rows
// once, it then follows edits one row at a time (Set), so that the
// language server, re-running the file rules after a keystroke, regroups
// one row instead of a hundred thousand.
type Groups struct {
	Prints, Prompts, Openings, Answers KeyGroups
	// Categories counts the categorised rows (JSON objects with a
	// category) by category; CategoryTotal is their sum.
	Categories    map[string]int
	CategoryTotal int
}

// KeyGroups groups row numbers by a 64-bit key. Most keys belong to one
// row; they are kept apart from the few shared ones, so that the rules
// look only at the shared ones.
type KeyGroups struct {
	single map[uint64]int32
	shared map[uint64][]int32 // in row order
	rows   int                // rows with a key
}

// NewGroups groups rows.
func NewGroups(rows []RowInfo) *Groups {
	g := &Groups{Categories: map[string]int{}}
	// One kind of key at a time: each map then stays in the cache while it
	// is filled, instead of four taking turns (20 % faster). The kinds are
	// independent, so each is filled on its own goroutine: on a million
	// rows each is a million map insertions, the larger part of the
	// server's first file check when they ran one after another.
	var wg workgroup.Group
	for _, k := range g.keys() {
		wg.Go(func() {
			k.groups.single = make(map[uint64]int32, len(rows))
			k.groups.shared = map[uint64][]int32{}
			for i := range rows {
				k.groups.add(k.key(&rows[i]), int32(i))
			}
		})
	}
	for i := range rows {
		g.countCategory(categoryOf(&rows[i]), 1)
	}
	wg.Wait()
	return g
}

// keyKind is one kind of key that rows are grouped by.
type keyKind struct {
	groups *KeyGroups
	key    func(*RowInfo) uint64
}

func (g *Groups) keys() [4]keyKind {
	return [4]keyKind{{&g.Prints, printKey}, {&g.Prompts, promptKey}, {&g.Openings, openingKey}, {&g.Answers, answerKey}}
}

// Set moves row i from the groups of old to those of new, its summary
// before and after an edit.
func (g *Groups) Set(i int, old, new *RowInfo) {
	for _, k := range g.keys() {
		k.groups.move(int32(i), k.key(old), k.key(new))
	}
	if oc, nc := categoryOf(old), categoryOf(new); oc != nc {
		g.countCategory(oc, -1)
		g.countCategory(nc, 1)
	}
}

func (g *Groups) countCategory(c string, d int) {
	if c == "" {
		return
	}
	g.CategoryTotal += d
	if g.Categories[c] += d; g.Categories[c] == 0 {
		delete(g.Categories, c)
	}
}

// The keys rows are grouped by; 0 (or "") leaves a row out.
func printKey(r *RowInfo) uint64 { return r.Fingerprint }

func promptKey(r *RowInfo) uint64 {
	if r.Answer == 0 {
		return 0
	}
	return r.Prompt
}

func answerKey(r *RowInfo) uint64 { return r.AnswerKey }

func openingKey(r *RowInfo) uint64 {
	if r.Opening == "" {
		return 0
	}
	return r.OpeningKey | 1
}

func categoryOf(r *RowInfo) string {
	if !r.Object {
		return ""
	}
	return r.Category
}

// move regroups row from key from to key to.
func (kg *KeyGroups) move(row int32, from, to uint64) {
	if from != to {
		kg.remove(from, row)
		kg.add(to, row)
	}
}

func (kg *KeyGroups) add(key uint64, row int32) {
	if key == 0 {
		return
	}
	kg.rows++
	if rows, ok := kg.shared[key]; ok {
		at, _ := slices.BinarySearch(rows, row)
		kg.shared[key] = slices.Insert(rows, at, row)
		return
	}
	if other, ok := kg.single[key]; ok {
		delete(kg.single, key)
		kg.shared[key] = []int32{min(other, row), max(other, row)}
		return
	}
	kg.single[key] = row
}

func (kg *KeyGroups) remove(key uint64, row int32) {
	if key == 0 {
		return
	}
	kg.rows--
	if rows, ok := kg.shared[key]; ok {
		if at, found := slices.BinarySearch(rows, row); found {
			rows = slices.Delete(rows, at, at+1)
		}
		if len(rows) == 1 {
			delete(kg.shared, key)
			kg.single[key] = rows[0]
		} else {
			kg.shared[key] = rows
		}
		return
	}
	delete(kg.single, key)
}

// Rows returns the number of rows that have a key.
func (kg *KeyGroups) Rows() int { return kg.rows }

// Shared returns the groups of two rows or more, ordered by their first
// row, each in row order.
func (kg *KeyGroups) Shared() [][]int32 {
	out := make([][]int32, 0, len(kg.shared))
	for _, rows := range kg.shared {
		out = append(out, rows)
	}
	slices.SortFunc(out, func(a, b []int32) int { return int(a[0] - b[0]) })
	return out
}

// Singles calls yield with the row of every key that one row has.
func (kg *KeyGroups) Singles(yield func(row int32)) {
	for _, r := range kg.single {
		yield(r)
	}
}

// lazyGroups builds a FileContext's Groups the first time a rule asks,
// once for all the copies of the context that the rules run on.
type lazyGroups struct {
	once sync.Once
	g    *Groups
}

// Groups returns the rows grouped for the file rules: the ones the caller
// keeps up to date (see engine.FileState), or built from f.Rows.
func (f *FileContext) Groups() *Groups {
	l := f.lazy
	l.once.Do(func() {
		if l.g == nil {
			l.g = NewGroups(f.Rows)
		}
	})
	return l.g
}
