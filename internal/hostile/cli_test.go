package hostile

import (
	"bufio"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Memory limits, from ru_maxrss of the child (MiB). Measured on a 2-core
// Linux machine (Go 1.26) when the suite was written, over three runs (the
// range is GC timing, which varies with the machine's load); the limits
// leave about 35 % headroom over the worst of check, fix --dry-run and
// stats.
//
//	input                        check      fix -n      stats      limit
//	ordinary hostile file        10-21      9-28        22-33      150 (the bound for ordinary files)
//	10 MB plan (100k categories) 639-655    -           -          900
//	100 MB single line           795-801    1175-1308   813-862    1800
//	10^6 blank lines (1 MB)      1450-1480  1650-1848   1443-1510  2500
//
// The last two are far above the targets (< 300 MB for the 100 MB
// line, < 150 MB for ordinary files): the engine keeps three copies of a
// huge row (line buffer, the Q008 whitespace fix's spliced copy, the
// near-duplicate sketch's words) and about 500 bytes of Diagnostic, Fix and
// RowInfo per blank line, plus GC headroom. They are regression guards at
// today's behaviour, not the target; see the report of the hardening
// issue. Lower them when the engine gets leaner.
const (
	rssOrdinary  = 150
	rssBigPlan   = 900
	rssHugeLine  = 1800
	rssBlankMega = 2500
)

// cliInput is one hostile file and what `ftls check` must say about it.
type cliInput struct {
	name string
	file string // name in the temporary folder; decides .jsonl vs plan
	gen  func(w *bufio.Writer)
	// check holds regular expressions that `ftls check` output (stdout
	// and stderr together) must match: the finding with its
	// file:line:col and the summary.
	check []string
	// code is check's exit status: 1 (errors found) unless set.
	code int
	// rss is the peak memory limit in MiB for every command.
	rss float64
	// timeout is the hang guard per command.
	timeout time.Duration
	// heavy inputs are skipped with -short.
	heavy bool
	// dataset is false for plans: fix --dry-run and stats only make sense
	// on datasets.
	dataset bool
}

func cliInputs() []cliInput {
	const row1 = `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok","weight":`
	return []cliInput{
		{
			name: "invalid UTF-8 inside a string is J004 at its byte", file: "utf8.jsonl", dataset: true,
			gen:   fixed("{\"messages\":[{\"role\":\"user\",\"content\":\"bad \xff\xfe here\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}\n"),
			check: []string{`utf8\.jsonl:1:44: (error|warning|info|hint) J004 invalid UTF-8 byte 0xFF`},
		},
		{
			name: "NUL bytes in a string and on their own line are J001", file: "nul.jsonl", dataset: true,
			gen:   fixed("{\"messages\":[{\"role\":\"user\",\"content\":\"nul \x00 in\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}\n\x00\x00\x00\n"),
			check: []string{`nul\.jsonl:1:44: (error|warning|info|hint) J001 invalid JSON: invalid character '\\x00' in string literal`, `nul\.jsonl:2:1: (error|warning|info|hint) J001 invalid JSON`},
		},
		{
			name: "random binary garbage is reported, not crashed on", file: "garbage.jsonl", dataset: true,
			gen:   garbage(1<<20, 7),
			check: []string{`garbage\.jsonl:\d+:\d+: error J00[14] `},
		},
		{
			name: "100 MB single line is one row over the token limit", file: "huge.jsonl", dataset: true,
			gen:   hugeLine(100 << 20),
			check: []string{`huge\.jsonl:1:1: (error|warning|info|hint) Q001 example has [0-9,]+ tokens, over the 65,536-token limit`},
			rss:   rssHugeLine, timeout: 3 * time.Minute, heavy: true,
		},
		{
			name: "a million blank lines are J003 each, with line numbers", file: "blank.jsonl", dataset: true,
			gen: func(w *bufio.Writer) {
				repeat(w, "\n", 1_000_000)
				w.WriteString(validRow + "\n")
			},
			check: []string{`(?m)^blank\.jsonl:1:1: (error|warning|info|hint) J003 blank line$`, `(?m)^blank\.jsonl:1000000:1: (error|warning|info|hint) J003 blank line$`, `1000000 warnings`},
			rss:   rssBlankMega, timeout: 3 * time.Minute, heavy: true,
		},
		{
			name: "100,000 nested arrays stop at the depth limit", file: "deep-array.jsonl", dataset: true,
			gen:   func(w *bufio.Writer) { repeat(w, "[", 100_000); w.WriteString("\n") },
			check: []string{`deep-array\.jsonl:1:1001: (error|warning|info|hint) J001 invalid JSON: nesting deeper than 1000 levels`},
		},
		{
			name: "100,000 nested objects stop at the depth limit", file: "deep-object.jsonl", dataset: true,
			gen: func(w *bufio.Writer) {
				repeat(w, `{"a":`, 100_000)
				w.WriteString("1")
				repeat(w, "}", 100_000)
				w.WriteString("\n")
			},
			check: []string{`deep-object\.jsonl:1:5001: (error|warning|info|hint) J001 invalid JSON: nesting deeper than 1000 levels`},
		},
		{
			name: "1e999999 as a weight is C014, not an overflow", file: "bignum.jsonl", dataset: true,
			gen:   fixed(row1 + "1e999999}]}\n"),
			check: []string{`bignum\.jsonl:1:89: (error|warning|info|hint) C014 messages\[1\]\.weight is 1e999999; it must be 0`},
		},
		{
			name: "a 400-digit weight is C014", file: "digits.jsonl", dataset: true,
			gen:   fixed(row1 + strings.Repeat("9", 400) + "}]}\n"),
			check: []string{`digits\.jsonl:1:89: (error|warning|info|hint) C014 messages\[1\]\.weight is 9{20}`},
		},
		{
			name: "huge numbers in metadata are harmless", file: "meta-numbers.jsonl", dataset: true,
			gen:   fixed(`{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"}],"metadata":{"n":` + strings.Repeat("7", 400) + `,"e":-1e-999999,"f":1E+999999}}` + "\n"),
			check: []string{`meta-numbers\.jsonl:1:1: (error|warning|info|hint) C018 file has 1 example`},
		},
		{
			name: "a duplicate key is J005 at the second key", file: "dupkey.jsonl", dataset: true,
			gen:   fixed(`{"messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"}],"messages":[{"role":"user","content":"c"},{"role":"assistant","content":"d"}]}` + "\n"),
			check: []string{`dupkey\.jsonl:1:80: (error|warning|info|hint) J005 duplicate key "messages"`},
		},
		// Plans.
		{
			name: "a tab indent is P001 with a hint", file: "tabs.plan.yaml",
			gen:   fixed("version: 1\nsize:\n\texamples: 10\n"),
			check: []string{`tabs\.plan\.yaml:3:1: (error|warning|info|hint) P001 invalid YAML: .*YAML is indented with spaces, not tabs`},
		},
		{
			name: "an unclosed quote is P001 where it opens", file: "quote.plan.yaml",
			gen:   fixed("version: 1\ntask:\n  description: \"unclosed\nsize:\n  examples: 10\n"),
			check: []string{`quote\.plan\.yaml:3:16: (error|warning|info|hint) P001 invalid YAML: .*a quote opened here is not closed`},
		},
		{
			name: "billion laughs aliases are not expanded", file: "laughs.plan.yaml",
			gen:   aliasBomb(false),
			check: []string{`laughs\.plan\.yaml:\d+:16: (error|warning|info|hint) P003 task\.description must be text, not a list`},
		},
		{
			name: "a merge-key bomb is not expanded", file: "merge.plan.yaml",
			gen:   aliasBomb(true),
			check: []string{`merge\.plan\.yaml:3:1: (error|warning|info|hint) P002 unknown key "m0"`, `0 errors, \d+ warnings`},
			code:  -1, // only warnings: exit 0
		},
		{
			name: "a wrong type for every key is P003 at each value", file: "types.plan.yaml",
			gen: fixed(`version: "one"
task: [1, 2]
size:
  examples: many
  complexity: 42
categories:
  name: x
style: 7
diversity:
  multi_turn: "half"
  turns: {a: 1}
  expertise: [1,2]
  negatives: maybe
system_prompt: true
validation:
  split: lots
generation:
  batch_size: "ten"
  temperature: hot
  concurrency: [1]
output:
  train: [a, b]
lint: 12
`),
			check: []string{
				`types\.plan\.yaml:1:10: (error|warning|info|hint) P003 version must be a whole number`,
				`types\.plan\.yaml:2:7: (error|warning|info|hint) P003 task must be a mapping`,
				`types\.plan\.yaml:4:13: (error|warning|info|hint) P003 size\.examples must be a whole number`,
				`types\.plan\.yaml:5:15: (error|warning|info|hint) P003 size\.complexity is "42"`,
				`types\.plan\.yaml:7:3: (error|warning|info|hint) P003 categories must be a list`,
				`types\.plan\.yaml:8:8: (error|warning|info|hint) P003 style must be a mapping`,
				`types\.plan\.yaml:10:15: (error|warning|info|hint) P003 diversity\.multi_turn must be a number`,
				`types\.plan\.yaml:11:10: (error|warning|info|hint) P003 diversity\.turns must be`,
				`types\.plan\.yaml:12:14: (error|warning|info|hint) P003 diversity\.expertise must be a mapping`,
				`types\.plan\.yaml:13:14: (error|warning|info|hint) P003 diversity\.negatives must be true or false`,
				`types\.plan\.yaml:14:16: (error|warning|info|hint) P003 system_prompt must be a mapping`,
				`types\.plan\.yaml:16:10: (error|warning|info|hint) P003 validation\.split must be a number`,
				`types\.plan\.yaml:18:15: (error|warning|info|hint) P003 generation\.batch_size must be a whole number`,
				`types\.plan\.yaml:19:16: (error|warning|info|hint) P003 generation\.temperature must be a number`,
				`types\.plan\.yaml:20:16: (error|warning|info|hint) P003 generation\.concurrency must be a whole number`,
				`types\.plan\.yaml:22:10: (error|warning|info|hint) P003 output\.train must be text`,
				`types\.plan\.yaml:23:7: (error|warning|info|hint) P003 lint must be a mapping`,
			},
		},
		{
			name: "a duplicate key in a plan is P001 at the second one", file: "dupkey.plan.yaml",
			gen:   fixed("version: 1\nsize:\n  examples: 10\nsize:\n  examples: 20\n"),
			check: []string{`dupkey\.plan\.yaml:4:1: (error|warning|info|hint) P001 duplicate key "size" in the top level of the plan`},
		},
		{
			name: "a NUL byte in a plan is P001 at its column", file: "nul.plan.yaml",
			gen:   fixed("version: 1\ntask:\n  description: \"a\x00b\"\n"),
			check: []string{`nul\.plan\.yaml:3:18: (error|warning|info|hint) P001 control character U\+0000 is not allowed in YAML`},
		},
		{
			name: "a second YAML document in a plan is P001", file: "multi.plan.yaml",
			gen:   fixed("version: 1\n? [a, b]\n: x\n--- \nversion: 2\n"),
			check: []string{`multi\.plan\.yaml:4:1: (error|warning|info|hint) P001 a plan is one YAML document`},
		},
		{
			name: "binary garbage as a plan is P001", file: "garbage.plan.yaml",
			gen:   garbage(4096, 1),
			check: []string{`garbage\.plan\.yaml:1:\d+: (error|warning|info|hint) P001 `},
		},
		{
			name: "an empty plan is P003 at 1:1", file: "empty.plan.yaml",
			gen:   fixed(""),
			check: []string{`empty\.plan\.yaml:1:1: (error|warning|info|hint) P003 the plan is empty`},
		},
		{
			// Plans over 1 MB are refused (special_files_test.go); one
			// just under the cap is checked.
			name: "a 0.9 MB plan is checked in bounded time", file: "big.plan.yaml",
			gen:   bigPlan(900 << 10),
			check: []string{`big\.plan\.yaml:\d+:13: (error|warning|info|hint) P004 category "cat\d+" gets none of the`},
			rss:   rssBigPlan, timeout: 2 * time.Minute,
		},
	}
}

// garbage writes n random bytes from seed.
func garbage(n int, seed uint64) func(*bufio.Writer) {
	return func(w *bufio.Writer) {
		rng := rand.New(rand.NewPCG(seed, seed))
		for range n {
			w.WriteByte(byte(rng.Uint32()))
		}
	}
}

// hugeLine writes one chat row of about n bytes, mixing ASCII, accents,
// CJK and emoji (surrogate pairs in UTF-16), on one line.
func hugeLine(n int) func(*bufio.Writer) {
	return func(w *bufio.Writer) {
		w.WriteString(`{"messages":[{"role":"user","content":"`)
		chunk := strings.Repeat("word é 中文 😀 text ", 4096)
		for written := 0; written < n; written += len(chunk) {
			w.WriteString(chunk)
		}
		w.WriteString(`"},{"role":"assistant","content":"x"}]}` + "\n")
	}
}

// aliasBomb writes a plan whose aliases would expand to 9^10 nodes (or, with
// merge, whose merge keys would).
func aliasBomb(merge bool) func(*bufio.Writer) {
	return func(w *bufio.Writer) {
		w.WriteString("version: 1\n")
		if merge {
			w.WriteString("a: &a {type: x}\n")
		} else {
			w.WriteString(`a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]` + "\n")
		}
		prev := "a"
		for i := range 10 {
			name := "m" + string(rune('0'+i))
			refs := strings.TrimSuffix(strings.Repeat("*"+prev+",", 9), ",")
			if merge {
				w.WriteString(name + ": &" + name + " {<<: [" + refs + "]}\n")
			} else {
				w.WriteString(name + ": &" + name + " [" + refs + "]\n")
			}
			prev = name
		}
		if merge {
			w.WriteString("task:\n  <<: *" + prev + "\n")
		} else {
			w.WriteString("task:\n  description: *" + prev + "\n")
		}
	}
}

// bigPlan writes a valid plan of about n bytes: one category after another.
func bigPlan(n int) func(*bufio.Writer) {
	return func(w *bufio.Writer) {
		w.WriteString("version: 1\ncategories:\n")
		written := 0
		for i := 0; written < n; i++ {
			s := "  - name: cat" + strconv.Itoa(i) + "\n    weight: 1\n    description: a category with a fairly long description number " + strconv.Itoa(i) + "\n"
			w.WriteString(s)
			written += len(s)
		}
		w.WriteString("output:\n  train: training_data.jsonl\n")
	}
}

// crashMarkers are what a Go crash or an unrecovered panic prints.
var crashMarkers = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[|runtime: out of memory)`)

// TestCLIHostileInput runs check, fix --dry-run and stats on each hostile
// input: each must exit 0 or 1 (findings are not failures of the tool) in
// bounded time without a crash, within its memory limit, and check must
// name the problem at its file:line:col.
func TestCLIHostileInput(t *testing.T) {
	for _, in := range cliInputs() {
		t.Run(in.name, func(t *testing.T) {
			if in.heavy && testing.Short() {
				t.Skip("heavy input; run without -short")
			}
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, in.file), in.gen)
			commands := [][]string{{"check", in.file}}
			if in.dataset {
				commands = append(commands, []string{"fix", "--dry-run", in.file}, []string{"stats", in.file})
			}
			limit := in.rss
			if limit == 0 {
				limit = rssOrdinary
			}
			for _, args := range commands {
				r := runFTLS(t, runOpts{dir: dir, timeout: in.timeout}, args...)
				t.Logf("ftls %s: exit %d, %v, peak RSS %.0f MiB", args[0], r.code, r.elapsed.Round(time.Millisecond), r.rssMB)
				switch {
				case r.killed:
					t.Errorf("ftls %s hung: killed after %v", strings.Join(args, " "), r.elapsed)
				case r.code != 0 && r.code != 1:
					t.Errorf("ftls %s: want exit 0 or 1\n%s", strings.Join(args, " "), r)
				case crashMarkers.MatchString(r.stderr.String()):
					t.Errorf("ftls %s crashed\n%s", strings.Join(args, " "), r)
				}
				if r.rssMB > limit {
					t.Errorf("ftls %s: peak RSS %.0f MiB, limit %.0f MiB", strings.Join(args, " "), r.rssMB, limit)
				}
				if args[0] != "check" {
					continue
				}
				want := 1
				if in.code < 0 {
					want = 0
				}
				if r.code != want {
					t.Errorf("check: exit %d, want %d", r.code, want)
				}
				out := r.stdout.String() + r.stderr.String()
				for _, want := range in.check {
					if !regexp.MustCompile(want).MatchString(out) {
						t.Errorf("check output lacks %s\n%s", want, r)
					}
				}
			}
		})
	}
}
