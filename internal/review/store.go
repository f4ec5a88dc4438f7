package review

import (
	"sort"
	"sync"

	"github.com/ftls-dev/ftls/diagnostics"
)

// Store holds a dataset's verdicts. It implements
// diagnostics.ReviewVerdicts for the rubric and model it was made for, and
// is safe for concurrent use.
type Store struct {
	path   string
	rubric Rubric
	model  string
	exists bool

	mu      sync.Mutex
	entries map[entryKey]*Entry
	order   []entryKey // file order, then order of arrival
	// first is the first entry of each row under each rubric, whatever
	// its model (Verdict's fallback).
	first map[[2]string]entryKey
}

// NewStore returns an empty store for the sidecar of dataset.
func NewStore(dataset string, rubric Rubric, model string) *Store {
	return &Store{path: SidecarPath(dataset), rubric: rubric, model: model, entries: map[entryKey]*Entry{}, first: map[[2]string]entryKey{}}
}

// Path is the sidecar's path.
func (s *Store) Path() string { return s.path }

// Exists reports whether the sidecar was there when loaded.
func (s *Store) Exists() bool { return s.exists }

// Rubric returns the rubric the store answers for.
func (s *Store) Rubric() Rubric { return s.rubric }

// Model returns the model the store prefers.
func (s *Store) Model() string { return s.model }

func (s *Store) put(e *Entry) {
	k := e.key()
	if _, ok := s.entries[k]; !ok {
		s.order = append(s.order, k)
		if _, ok := s.first[[2]string{k.row, k.rubric}]; !ok {
			s.first[[2]string{k.row, k.rubric}] = k
		}
	}
	s.entries[k] = e
}

// Verdict returns the verdict on a row under the store's rubric: the
// store's model's if there is one, else the first other model's (so that
// `ftls check` shows a review made with --model without being told the
// model). Only criteria the rubric scores are returned.
func (s *Store) Verdict(row string) (diagnostics.ReviewVerdict, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.lookup(row)
	if e == nil {
		return diagnostics.ReviewVerdict{}, false
	}
	v := diagnostics.ReviewVerdict{Category: e.Category, Scores: e.Scores}
	for name := range e.Scores {
		if !s.rubric.HasCriterion(name) {
			// Scores of criteria the rubric no longer asks are left out;
			// otherwise the entry's map is shared, for reading only.
			v.Scores = map[string]diagnostics.ReviewScore{}
			for n, sc := range e.Scores {
				if s.rubric.HasCriterion(n) {
					v.Scores[n] = sc
				}
			}
			break
		}
	}
	return v, true
}

// lookup finds a row's entry; s.mu is held.
func (s *Store) lookup(row string) *Entry {
	if e := s.entries[entryKey{row, s.rubric.Hash, s.model}]; e != nil {
		return e
	}
	if k, ok := s.first[[2]string{row, s.rubric.Hash}]; ok {
		return s.entries[k]
	}
	return nil
}

// Scored reports whether the store's model scored every criterion of the
// rubric for the row: then the row is not sent again.
func (s *Store) Scored(row string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[entryKey{row, s.rubric.Hash, s.model}]
	if e == nil {
		return false
	}
	for _, c := range s.rubric.Criteria {
		if _, ok := e.Scores[c.Name]; !ok {
			return false
		}
	}
	return true
}

// Categorized reports whether the store's model proposed a category for
// the row.
func (s *Store) Categorized(row string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.entries[entryKey{row, s.rubric.Hash, s.model}]
	return e != nil && e.Category != nil
}

// Record adds the store's model's verdict on a row (scores, a category or
// both), merged with what it had.
func (s *Store) Record(row string, line int, scores map[string]diagnostics.ReviewScore, cat *diagnostics.ReviewCategory) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := entryKey{row, s.rubric.Hash, s.model}
	e := s.entries[k]
	if e == nil {
		e = &Entry{Row: row, Rubric: s.rubric.Hash, Model: s.model}
		s.put(e)
	} else {
		c := *e
		e = &c
		s.entries[k] = e
	}
	e.Line = line
	if len(scores) > 0 {
		m := make(map[string]diagnostics.ReviewScore, len(e.Scores)+len(scores))
		for n, v := range e.Scores {
			m[n] = v
		}
		for n, v := range scores {
			m[n] = v
		}
		e.Scores = m
	}
	if cat != nil {
		e.Category = cat
	}
}

// Save writes the sidecar atomically. With live set (the review keys of
// the dataset's current rows), verdicts on rows that are gone are dropped;
// otherwise every entry is kept. Entries are written in the order of the
// rows' lines.
func (s *Store) Save(live map[string]bool) error {
	s.mu.Lock()
	var list []*Entry
	for _, k := range s.order {
		if live == nil || live[k.row] {
			list = append(list, s.entries[k])
		}
	}
	s.mu.Unlock()
	sort.SliceStable(list, func(i, j int) bool { return list[i].Line < list[j].Line })
	if err := writeSidecar(s.path, list); err != nil {
		return err
	}
	s.mu.Lock()
	s.exists = true
	s.mu.Unlock()
	return nil
}

// Status counts a dataset's rows by review state.
type Status struct {
	Rows       int // rows with a conversation
	Reviewed   int // with a verdict under the current rubric
	Flagged    int // reviewed, with a criterion below the threshold
	Unreviewed int // never reviewed, or changed since
}

// Status counts the rows whose review keys are given.
func (s *Store) Status(keys []string) Status {
	var st Status
	for _, k := range keys {
		if k == "" {
			continue
		}
		st.Rows++
		v, ok := s.Verdict(k)
		if !ok || len(v.Scores) == 0 {
			st.Unreviewed++
			continue
		}
		st.Reviewed++
		for _, sc := range v.Scores {
			if sc.Score < s.rubric.Threshold {
				st.Flagged++
				break
			}
		}
	}
	return st
}
