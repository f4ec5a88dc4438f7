package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportWritesWhatTheTargetAccepts: with --target openai the output
// passes `ftls check` (but for the example count): keys the target does
// not accept are removed and said, --skip-invalid applies the safe fixes
// before leaving a row out, and rows that would still be rejected stop
// the export without --skip-invalid.
func TestExportWritesWhatTheTargetAccepts(t *testing.T) {
	flawed, err := os.ReadFile(filepath.Join(testdataDir, "..", "..", "..", "examples", "flawed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	badKey := `{"messages":[{"role":"user","content":"Hi","foo":1},{"role":"assistant","content":"Hello"}]}` + "\n" +
		`{"messages":[{"role":"user","content":"Bye"},{"role":"assistant","content":"Goodbye"}]}` + "\n"
	for _, tc := range []struct {
		name, file, body string
		args             []string
		code             int
		golden           string // golden files NAME.jsonl and NAME.stderr
		stderr           []string
		rows             int // rows written, -1 when nothing is written
	}{
		{name: "ShareGPT id removed", file: "sharegpt.json", args: []string{"sharegpt.json", "-o", "out.jsonl"}, golden: "export-sharegpt", rows: 2},
		{name: "flawed, skip-invalid fixes first", file: "flawed.jsonl", body: string(flawed), args: []string{"--skip-invalid", "flawed.jsonl", "-o", "out.jsonl"},
			stderr: []string{"safe fixes before export", "wrote 6 rows"}, rows: 6},
		{name: "row still rejected: refused", file: "bad.jsonl", body: badKey, args: []string{"bad.jsonl", "-o", "out.jsonl"}, code: exitFindings,
			stderr: []string{"not exported: 1 row would still have errors", "C008 ×1", "--skip-invalid"}, rows: -1},
		{name: "row still rejected: skipped", file: "bad.jsonl", body: badKey, args: []string{"--skip-invalid", "bad.jsonl", "-o", "out.jsonl"},
			stderr: []string{"wrote 1 row to out.jsonl", "1 skipped"}, rows: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.body == "" {
				sandbox(t, tc.file)
			} else {
				t.Chdir(t.TempDir())
				if err := os.WriteFile(tc.file, []byte(tc.body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r := ftls(t, append([]string{"export"}, tc.args...)...)
			r.wantCode(t, tc.code)
			for _, want := range tc.stderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
				}
			}
			if tc.rows < 0 {
				if _, err := os.Stat("out.jsonl"); err == nil {
					t.Error("out.jsonl written by a refused export")
				}
				return
			}
			out := read(t, "out.jsonl")
			if n := strings.Count(out, "\n"); n != tc.rows {
				t.Errorf("%d rows written, want %d", n, tc.rows)
			}
			if tc.golden != "" {
				golden(t, tc.golden+".jsonl", out)
				golden(t, tc.golden+".stderr", r.stderr)
			}
			c := ftls(t, "check", "--rule", "C018=off", "out.jsonl")
			c.wantCode(t, exitOK)
			if strings.Contains(c.stdout, "C008") {
				t.Errorf("exported file has C008:\n%s", c.stdout)
			}
		})
	}
}

// TestExportToStdout: -o - writes to standard output, not to a file named
// "-".
func TestExportToStdout(t *testing.T) {
	sandbox(t, "sharegpt.json")
	r := ftls(t, "export", "sharegpt.json", "-o", "-")
	r.wantCode(t, exitOK)
	if strings.Count(r.stdout, `{"messages":`) != 2 {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	if _, err := os.Stat("-"); err == nil {
		t.Error("wrote a file named -")
	}
	if !strings.Contains(r.stderr, "to standard output") {
		t.Errorf("stderr: %s", r.stderr)
	}
}
