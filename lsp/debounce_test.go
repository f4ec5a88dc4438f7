package lsp

import (
	"testing"
	"time"
)

// TestQuietStartsABurst checks when the worker checks the newest version
// at once rather than waiting for the typing to pause: after a quiet
// spell since the last check, or when the edit arrived a debounce or more
// after the version checked last, even if that check has just ended.
func TestQuietStartsABurst(t *testing.T) {
	const d = 5 * time.Millisecond
	now := time.Now()
	at := func(ago time.Duration) *snapshot { return &snapshot{received: now.Add(-ago)} }
	tests := []struct {
		name      string
		last, new *snapshot
		doneAgo   time.Duration
		want      bool
	}{
		{"first check", nil, at(0), time.Hour, true},
		{"the last check ended long ago", at(time.Second), at(0), time.Second, true},
		{"an edit 8 ms after the last one checked, that check just ended", at(8 * time.Millisecond), at(0), time.Millisecond, true},
		{"an edit 1 ms after the last one checked, that check just ended", at(time.Millisecond), at(0), time.Millisecond, false},
		{"the same version again, just checked", at(0), nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := &worker{last: tt.last, lastDone: time.Now().Add(-tt.doneAgo)}
			newest := tt.new
			if newest == nil {
				newest = tt.last
			}
			if got := w.quiet(newest, d); got != tt.want {
				t.Errorf("quiet = %v, want %v", got, tt.want)
			}
		})
	}
}
