package diagnostics

import (
	"hash/maphash"
	"slices"
	"sync"

	"github.com/ftls-dev/ftls/internal/keytable"
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
// row; the few shared ones have their rows in groups of their own, so
// that the rules look only at those.
//
// One table holds every key: a key of one row maps to the row, a shared
// key to ^the index of its group. Adding a row then costs one look-up
// and one store; with the single and the shared keys in two tables it
// cost two look-ups, for the table that did not have the key and the one
// that then did not either, and grouping was the larger part of the file
// rules on a million rows. The table is a keytable.Table rather than a
// map: half the memory (the language server keeps four for the
// document's life, 144 MB as maps at a million rows) and faster to fill.
type KeyGroups struct {
	keys   keytable.Table
	groups [][]int32 // the shared keys' rows, in row order; nil when dissolved
	free   []int32   // dissolved groups' indexes, for reuse
	shared int       // groups in use
	rows   int       // rows with a key
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
			k.groups.keys = *keytable.New(len(rows))
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

// openingKey is a 64-bit hash of the opening, which counts faster than
// the text (two openings would share one at odds of about 1 in 10^19).
func openingKey(r *RowInfo) uint64 {
	if r.Opening == "" {
		return 0
	}
	return maphash.String(openingSeed, r.Opening) | 1
}

// openingSeed seeds openingKey, whose keys are only compared within a
// process.
var openingSeed = maphash.MakeSeed()

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
	p, ok := kg.keys.Ref(key)
	switch v := *p; {
	case !ok:
		*p = row
	case v >= 0:
		*p = ^kg.newGroup([]int32{min(v, row), max(v, row)})
	default:
		rows := kg.groups[^v]
		at, _ := slices.BinarySearch(rows, row)
		kg.groups[^v] = slices.Insert(rows, at, row)
	}
}

// newGroup stores rows as a group and returns its index.
func (kg *KeyGroups) newGroup(rows []int32) int32 {
	kg.shared++
	if n := len(kg.free); n > 0 {
		g := kg.free[n-1]
		kg.free = kg.free[:n-1]
		kg.groups[g] = rows
		return g
	}
	kg.groups = append(kg.groups, rows)
	return int32(len(kg.groups) - 1)
}

func (kg *KeyGroups) remove(key uint64, row int32) {
	if key == 0 {
		return
	}
	kg.rows--
	v, ok := kg.keys.Get(key)
	if !ok {
		return
	}
	if v >= 0 {
		kg.keys.Delete(key)
		return
	}
	rows := kg.groups[^v]
	if at, found := slices.BinarySearch(rows, row); found {
		rows = slices.Delete(rows, at, at+1)
	}
	if len(rows) > 1 {
		kg.groups[^v] = rows
		return
	}
	// One row left: the key is a single row's again.
	kg.keys.Put(key, rows[0])
	kg.groups[^v] = nil
	kg.free = append(kg.free, ^v)
	kg.shared--
}

// Rows returns the number of rows that have a key.
func (kg *KeyGroups) Rows() int { return kg.rows }

// Shared returns the groups of two rows or more, ordered by their first
// row, each in row order.
func (kg *KeyGroups) Shared() [][]int32 {
	out := make([][]int32, 0, kg.shared)
	for _, rows := range kg.groups {
		if rows != nil {
			out = append(out, rows)
		}
	}
	slices.SortFunc(out, func(a, b []int32) int { return int(a[0] - b[0]) })
	return out
}

// Singles calls yield with the row of every key that one row has.
func (kg *KeyGroups) Singles(yield func(row int32)) {
	for _, r := range kg.keys.All() {
		if r >= 0 {
			yield(r)
		}
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
