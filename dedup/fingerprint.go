package dedup

// Fingerprint hashes a conversation for exact-duplicate detection. Feed it
// each turn's role and text; whitespace runs count as one space and leading
// and trailing whitespace is ignored, so rows that differ only in spacing
// or in the order of their JSON keys get the same fingerprint.
type Fingerprint struct {
	h     uint64
	empty bool
}

// NewFingerprint starts a fingerprint.
func NewFingerprint() Fingerprint { return Fingerprint{h: 14695981039346656037, empty: true} }

// Add hashes one field: a role, a turn's text, a tool definition.
func (f *Fingerprint) Add(s []byte) {
	f.empty = false
	pendingSpace, started := false, false
	for _, c := range s {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			pendingSpace = started
			continue
		}
		if pendingSpace {
			f.h = (f.h ^ ' ') * 1099511628211
			pendingSpace = false
		}
		started = true
		f.h = (f.h ^ uint64(c)) * 1099511628211
	}
	f.h = (f.h ^ 0xFF) * 1099511628211 // field separator: 0xFF never occurs in UTF-8
	f.h = mix(f.h)
}

// Sum returns the fingerprint, 0 when nothing was added.
func (f *Fingerprint) Sum() uint64 {
	if f.empty {
		return 0
	}
	return f.h | 1
}
