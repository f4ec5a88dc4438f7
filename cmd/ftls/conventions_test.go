package main

// The conventions people know from ruff, eslint and go vet (issue 19):
// severities and colour in the text format, - for standard input, exit
// codes of fix, help and arguments.

import (
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

// withStdin makes text the standard input of the commands run by the test.
func withStdin(t *testing.T, text string) {
	t.Helper()
	old := stdin
	t.Cleanup(func() { stdin = old })
	stdin = strings.NewReader(text)
}

// withTerminal makes run believe its writers are a terminal (or not) and
// sets the environment the colour decision reads.
func withTerminal(t *testing.T, tty bool, env map[string]string) {
	t.Helper()
	oldTTY, oldEnv := writerIsTerminal, colorEnv
	t.Cleanup(func() { writerIsTerminal, colorEnv = oldTTY, oldEnv })
	writerIsTerminal = func(io.Writer) bool { return tty }
	colorEnv = func(k string) string { return env[k] }
}

func TestCheckTextSeverityAndColor(t *testing.T) {
	const esc = "\x1b["
	tests := []struct {
		name  string
		tty   bool
		env   map[string]string
		args  []string
		color bool
	}{
		{"pipe: no colour", false, nil, nil, false},
		{"terminal: colour", true, nil, nil, true},
		{"terminal with NO_COLOR", true, map[string]string{"NO_COLOR": "1"}, nil, false},
		{"terminal with TERM=dumb", true, map[string]string{"TERM": "dumb"}, nil, false},
		{"--color never on a terminal", true, nil, []string{"--color", "never"}, false},
		{"--color always on a pipe", false, nil, []string{"--color=always"}, true},
		{"--color always beats NO_COLOR", false, map[string]string{"NO_COLOR": "1"}, []string{"--color", "always"}, true},
		{"--color auto on a pipe", false, nil, []string{"--color", "auto"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sandbox(t, "mixed.jsonl")
			withTerminal(t, tc.tty, tc.env)
			r := ftls(t, append(append([]string{"check"}, tc.args...), "mixed.jsonl")...)
			r.wantCode(t, exitFindings)
			if got := strings.Contains(r.stdout, esc); got != tc.color {
				t.Errorf("colour %v, want %v:\n%s", got, tc.color, r.stdout)
			}
			plain := stripANSI(r.stdout)
			for _, want := range []string{
				"mixed.jsonl:1:129: error C005 ",
				"mixed.jsonl:2:83: warning Q008 ",
			} {
				if !strings.Contains(plain, want) {
					t.Errorf("no %q in\n%s", want, plain)
				}
			}
			if tc.color && !strings.Contains(r.stdout, "\x1b[1;31merror\x1b[0m") {
				t.Errorf("errors are not red:\n%q", r.stdout)
			}
		})
	}
	t.Run("--color bogus", func(t *testing.T) {
		sandbox(t, "mixed.jsonl")
		r := ftls(t, "check", "--color", "sometimes", "mixed.jsonl")
		r.wantCode(t, exitUsage)
		if !strings.Contains(r.stderr, `unknown --color "sometimes"`) {
			t.Errorf("stderr: %s", r.stderr)
		}
	})
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			for i < len(s) && s[i] != 'm' {
				i++
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func TestSummaryPlural(t *testing.T) {
	tests := []struct {
		rows string
		want string
	}{
		// One error (C018 on a one-row file) and nothing else.
		{`{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}` + "\n", "1 error, 0 warnings, 0 notes in 1 file (1 row)"},
	}
	for _, tc := range tests {
		sandbox(t)
		if err := os.WriteFile("one.jsonl", []byte(tc.rows), 0o644); err != nil {
			t.Fatal(err)
		}
		r := ftls(t, "check", "one.jsonl")
		if strings.TrimSpace(r.stderr) != tc.want {
			t.Errorf("summary %q, want %q", r.stderr, tc.want)
		}
	}
}

func TestStdinDash(t *testing.T) {
	mixed := read(t, testdataDir+"/mixed.jsonl")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string // substrings
		stderr []string
	}{
		{"check -", []string{"check", "-"}, exitFindings,
			[]string{"<stdin>:1:129: error C005 ", "<stdin>:6:1: error C016 "}, []string{"in 1 file (6 rows)"}},
		{"stats -", []string{"stats", "-"}, exitOK, []string{"<stdin>"}, nil},
		{"fix --diff -", []string{"fix", "--diff", "-"}, exitFindings,
			[]string{"--- <stdin>\n+++ <stdin>\n", `+{"messages":[{"role":"user","content":"Say hi"}`}, []string{"would fix 4 problems in 1 of 1 file"}},
		{"fix - refuses to write", []string{"fix", "-"}, exitUsage, nil, []string{"use --diff or --dry-run"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sandbox(t)
			withStdin(t, mixed)
			r := ftls(t, tc.args...)
			r.wantCode(t, tc.code)
			for _, w := range tc.stdout {
				if !strings.Contains(r.stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if _, err := os.Stat("-"); err == nil {
				t.Error("a file named - was written")
			}
		})
	}
}

func TestFixExitCodes(t *testing.T) {
	clean := read(t, testdataDir+"/clean.jsonl")
	// A row with only a fixable problem, in a file big enough for C018.
	fixable := strings.Replace(clean, `"assistant"`, `"asistant"`, 1)
	broken := clean + "{not json\n"
	tests := []struct {
		name string
		file string
		args []string
		code int
	}{
		{"clean file", clean, nil, exitOK},
		{"everything fixed", fixable, nil, exitOK},
		{"errors remain", broken, nil, exitFindings},
		{"--diff, nothing to change", clean, []string{"--diff"}, exitOK},
		{"--diff with changes", fixable, []string{"--diff"}, exitFindings},
		{"--dry-run with changes", fixable, []string{"--dry-run"}, exitFindings},
		{"--diff, errors but no fix", broken, []string{"--diff"}, exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sandbox(t)
			if err := os.WriteFile("data.jsonl", []byte(tc.file), 0o644); err != nil {
				t.Fatal(err)
			}
			r := ftls(t, append(append([]string{"fix"}, tc.args...), "data.jsonl")...)
			r.wantCode(t, tc.code)
		})
	}
}

func TestHelpAndArguments(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // substring; "" means empty
		stderr string
	}{
		{"bare ftls", nil, exitUsage, "", "Usage: ftls COMMAND"},
		{"ftls help", []string{"help"}, exitOK, "Usage: ftls COMMAND", ""},
		{"ftls --help", []string{"--help"}, exitOK, "Usage: ftls COMMAND", ""},
		{"ftls -h", []string{"-h"}, exitOK, "Usage: ftls COMMAND", ""},
		{"ftls help check", []string{"help", "check"}, exitOK, "Usage: ftls check", ""},
		{"ftls check --help", []string{"check", "--help"}, exitOK, "Usage: ftls check", ""},
		{"ftls split -h", []string{"split", "-h"}, exitOK, "Usage: ftls split", ""},
		{"ftls rules --help", []string{"rules", "--help"}, exitOK, "Usage: ftls rules", ""},
		{"ftls explain --help", []string{"explain", "--help"}, exitOK, "Usage: ftls explain", ""},
		{"ftls help nosuch", []string{"help", "nosuch"}, exitUsage, "", `unknown command "nosuch"`},
		{"ftls rules extra", []string{"rules", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"ftls version extra", []string{"version", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"ftls check", []string{"check"}, exitUsage, "", "Usage: ftls check"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ftls(t, tc.args...)
			r.wantCode(t, tc.code)
			if (tc.stdout == "") != (r.stdout == "") || !strings.Contains(r.stdout, tc.stdout) {
				t.Errorf("stdout %q, want %q", r.stdout, tc.stdout)
			}
			if (tc.stderr == "") != (r.stderr == "") || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("stderr %q, want %q", r.stderr, tc.stderr)
			}
		})
	}
}

func TestBinaryEmptyAndWholeFileFormat(t *testing.T) {
	binary := make([]byte, 64<<10)
	for i := range binary {
		binary[i] = byte(i * 7919 >> 3) // NULs, control bytes, invalid UTF-8
	}
	var alpaca strings.Builder
	for i := range 30 {
		fmt.Fprintf(&alpaca, `{"instruction": "What is %d plus %d?", "input": "", "output": "%d, since %d and %d make %d."}`+"\n", i, i+2, 2*i+2, i, i+2, 2*i+2)
	}
	tests := []struct {
		name  string
		file  string
		data  string
		cmd   string
		code  int
		lines []string // the whole text output, in order
	}{
		{"binary file: one finding", "model.jsonl", string(binary), "check", exitFindings,
			[]string{"model.jsonl:1:1: error J004 not a text file: "}},
		{"UTF-16 file", "u16.jsonl", "\xff\xfe{\x00}\x00\n\x00{\x00}\x00\n\x00", "check", exitFindings,
			[]string{"u16.jsonl:1:1: error J004 not a text file ftls can read: it is UTF-16 (byte order mark 0xFFFE); save it as UTF-8"}},
		{"empty file", "empty.jsonl", "", "check", exitFindings,
			[]string{"empty.jsonl:1:1: error C020 file is empty: the dataset has no rows"}},
		{"blank lines only", "blank.jsonl", "\n\n", "check", exitFindings,
			[]string{"blank.jsonl:1:1: error C020 file holds only blank lines: the dataset has no rows", "blank.jsonl:1:1: warning J003 blank line", "blank.jsonl:2:1: warning J003 blank line"}},
		{"a whole Alpaca file: one C016 with the export command", "alpaca.jsonl", alpaca.String(), "check", exitFindings,
			[]string{"alpaca.jsonl:1:1: error C016 all 30 rows are in Alpaca format; OpenAI fine-tuning needs chat messages: convert the file with `ftls export --target openai FILE -o OUT`"}},
		{"stats of a binary file", "model.jsonl", string(binary), "stats", exitOK, nil},
		{"fix of a binary file: nothing fixed, the error left", "model.jsonl", string(binary), "fix", exitFindings, nil},
		{"fix --dry-run of a binary file: nothing to fix", "model.jsonl", string(binary), "fix", exitOK, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sandbox(t)
			if err := os.WriteFile(tc.file, []byte(tc.data), 0o644); err != nil {
				t.Fatal(err)
			}
			args := []string{tc.cmd, tc.file}
			if strings.Contains(tc.name, "--dry-run") {
				args = []string{tc.cmd, "--dry-run", tc.file}
			}
			r := ftls(t, args...)
			if tc.cmd == "fix" && !strings.Contains(r.stderr, "not a text file") {
				t.Errorf("fix does not say why: %s", r.stderr)
			}
			r.wantCode(t, tc.code)
			if tc.cmd != "check" {
				return
			}
			got := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if len(got) != len(tc.lines) {
				t.Fatalf("%d lines, want %d:\n%s", len(got), len(tc.lines), r.stdout)
			}
			for i, want := range tc.lines {
				if !strings.HasPrefix(got[i], want) {
					t.Errorf("line %d: %q, want %q", i+1, got[i], want)
				}
			}
		})
	}
}

func TestStatsCountsNoUserTurn(t *testing.T) {
	const (
		single = `{"messages": [{"role": "user", "content": "Hi %d"}, {"role": "assistant", "content": "Hello!"}]}`
		multi  = `{"messages": [{"role": "user", "content": "Hi %d"}, {"role": "assistant", "content": "Hello!"}, {"role": "user", "content": "More"}, {"role": "assistant", "content": "Sure."}]}`
		none   = `{"messages": [{"role": "system", "content": "Be brief %d."}, {"role": "assistant", "content": "Hello!"}]}`
	)
	tests := []struct {
		rows []string
		want string
	}{
		{[]string{multi, multi, multi, single, none}, "multi-turn      3 (75.0 %), single-turn 1, no user turn 1\n"},
		{[]string{multi, single}, "multi-turn      1 (50.0 %), single-turn 1\n"},
	}
	for _, tc := range tests {
		sandbox(t)
		var b strings.Builder
		for i, r := range tc.rows {
			fmt.Fprintf(&b, r+"\n", i)
		}
		if err := os.WriteFile("d.jsonl", []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		r := ftls(t, "stats", "d.jsonl")
		r.wantCode(t, exitOK)
		if !strings.Contains(r.stdout, tc.want) {
			t.Errorf("stats lacks %q:\n%s", tc.want, r.stdout)
		}
	}
}

func TestInfoNextStepsOnJSONArray(t *testing.T) {
	tests := []struct {
		file, want string
	}{
		{"data.json", "convert the JSON array to JSON Lines with `ftls export data.json -o data.jsonl`, then `ftls split data.jsonl`"},
		{"data.jsonl", "`ftls split data.jsonl` moves"},
	}
	for _, tc := range tests {
		sandbox(t)
		var rows []string
		for i := range 25 {
			rows = append(rows, fmt.Sprintf(`{"messages": [{"role": "user", "content": "What is %d plus 2?"}, {"role": "assistant", "content": "It is %d."}]}`, i, i+2))
		}
		text := strings.Join(rows, "\n") + "\n"
		if strings.HasSuffix(tc.file, ".json") {
			text = "[\n" + strings.Join(rows, ",\n") + "\n]\n"
		}
		if err := os.WriteFile(tc.file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		r := ftls(t, "info", tc.file)
		r.wantCode(t, exitOK)
		doc := strings.Join(strings.Fields(read(t, "dataset_info.txt")), " ")
		if !strings.Contains(doc, tc.want) {
			t.Errorf("%s: next steps lack %q:\n%s", tc.file, tc.want, doc)
		}
	}
}
