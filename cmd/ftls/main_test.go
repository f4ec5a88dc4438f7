package main

// Golden tests of the command line: run(args, stdout, stderr) on the
// fixtures of testdata/, compared with testdata/golden/*. Each test copies
// the fixtures it needs into a temporary folder and works there, so that
// paths in the output are short and stable and no ftls.yaml of the
// repository is picked up.
//
// go test ./cmd/ftls -run 'Test(Check|Fix|Export|Explain)' -update rewrites
// the golden files; review the diff.

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*")

// testdataDir is the absolute path of testdata, taken before any test
// changes the working directory.
var testdataDir = func() string {
	d, err := filepath.Abs("testdata")
	if err != nil {
		panic(err)
	}
	return d
}()

// sandbox copies testdata files (relative paths, folders allowed) into a
// temporary folder and makes it the working directory.
func sandbox(t *testing.T, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, f := range files {
		src := filepath.Join(testdataDir, f)
		err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(testdataDir, p)
			dst := filepath.Join(dir, rel)
			if info.IsDir() {
				return os.MkdirAll(dst, 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	return dir
}

type result struct {
	code           int
	stdout, stderr string
}

func ftls(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

// golden compares got with testdata/golden/name, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join(testdataDir, "golden", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestCheckFormats(t *testing.T) {
	for _, format := range []string{"text", "json", "sarif", "github"} {
		t.Run(format, func(t *testing.T) {
			sandbox(t, "mixed.jsonl")
			r := ftls(t, "check", "--format", format, "mixed.jsonl")
			r.wantCode(t, exitFindings)
			ext := map[string]string{"text": "txt", "json": "json", "sarif": "sarif", "github": "txt"}[format]
			golden(t, "check-mixed-"+format+"."+ext, r.stdout)
			if format == "text" {
				golden(t, "check-mixed-text.stderr", r.stderr)
			}
			switch format {
			case "json":
				checkJSONReport(t, r.stdout)
			case "sarif":
				checkSARIF(t, r.stdout)
			}
		})
	}
}

// checkJSONReport parses the json format and checks its summary against
// its diagnostics.
func checkJSONReport(t *testing.T, out string) {
	t.Helper()
	var rep struct {
		Files []struct {
			Path string `json:"path"`
			Rows int    `json:"rows"`
		} `json:"files"`
		Diagnostics []struct {
			Code, Severity, Fix string
			Line, Column        int
		} `json:"diagnostics"`
		Summary struct {
			Files, Rows, Errors, Warnings, Notes, Fixable int
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("json output does not parse: %v", err)
	}
	counts := map[string]int{}
	fixable := 0
	for _, d := range rep.Diagnostics {
		counts[d.Severity]++
		if d.Fix != "" {
			fixable++
		}
		if diagnostics.Lookup(d.Code) == nil || d.Line < 1 || d.Column < 1 {
			t.Errorf("bad diagnostic %+v", d)
		}
	}
	s := rep.Summary
	if s.Files != len(rep.Files) || s.Errors != counts["error"] || s.Warnings != counts["warning"] || s.Notes != counts["info"]+counts["hint"] || s.Fixable != fixable {
		t.Errorf("summary %+v does not match the diagnostics %v (%d fixable)", s, counts, fixable)
	}
}

// checkSARIF checks what code scanning needs: SARIF 2.1.0, one run, and
// every result naming a rule the driver lists, with a region.
func checkSARIF(t *testing.T, out string) {
	t.Helper()
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID      string `json:"id"`
						HelpURI string `json:"helpUri"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine, StartColumn, EndLine, EndColumn int
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("SARIF is not well-formed JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Errorf("trailing data after the SARIF log")
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") {
		t.Errorf("version %q, schema %q; want 2.1.0", log.Version, log.Schema)
	}
	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "ftls" {
		t.Errorf("driver %q", run.Tool.Driver.Name)
	}
	if len(run.Results) == 0 {
		t.Fatal("no results")
	}
	for i, res := range run.Results {
		if res.RuleID == "" {
			t.Errorf("result %d has no ruleId", i)
			continue
		}
		rules := run.Tool.Driver.Rules
		if res.RuleIndex < 0 || res.RuleIndex >= len(rules) || rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("result %d: ruleIndex %d does not point at rule %s", i, res.RuleIndex, res.RuleID)
		}
		if res.Level != "error" && res.Level != "warning" && res.Level != "note" {
			t.Errorf("result %d: level %q", i, res.Level)
		}
		if len(res.Locations) != 1 {
			t.Errorf("result %d: %d locations", i, len(res.Locations))
			continue
		}
		loc := res.Locations[0].PhysicalLocation
		reg := loc.Region
		if loc.ArtifactLocation.URI == "" || reg.StartLine < 1 || reg.StartColumn < 1 || reg.EndLine < reg.StartLine || (reg.EndLine == reg.StartLine && reg.EndColumn <= reg.StartColumn) {
			t.Errorf("result %d (%s): bad location %+v", i, res.RuleID, loc)
		}
	}
}

func TestCheckExitCodes(t *testing.T) {
	sandbox(t, "mixed.jsonl", "clean.jsonl", "warnings.jsonl")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string // a substring of stderr
		bug    string // a known bug makes the case fail: skip it
	}{
		{name: "clean file", args: []string{"check", "clean.jsonl"}, code: exitOK, stderr: "0 errors, 0 warnings, 0 notes in 1 file (10 rows)"},
		{name: "warnings only", args: []string{"check", "warnings.jsonl"}, code: exitOK, stderr: "0 errors, 2 warnings"},
		{name: "errors", args: []string{"check", "mixed.jsonl"}, code: exitFindings, stderr: "4 errors, 3 warnings, 0 notes in 1 file (6 rows); 4 fixable with `ftls fix`"},
		{name: "errors in one of several files", args: []string{"check", "clean.jsonl", "mixed.jsonl"}, code: exitFindings, stderr: "in 2 files (16 rows)"},
		{name: "a folder", args: []string{"check", "."}, code: exitFindings, stderr: "in 3 files (26 rows)"},
		{name: "warning raised to error", args: []string{"check", "--rule", "Q008=error", "warnings.jsonl"}, code: exitFindings, stderr: "1 error, 1 warning"},
		{name: "unknown flag", args: []string{"check", "--frobnicate", "clean.jsonl"}, code: exitUsage, stderr: "unknown flag: --frobnicate"},
		{name: "missing file", args: []string{"check", "nope.jsonl"}, code: exitUsage, stderr: "nope.jsonl"},
		{name: "missing file among good ones", args: []string{"check", "clean.jsonl", "nope.jsonl"}, code: exitUsage, stderr: "nope.jsonl"},
		{name: "no file", args: []string{"check"}, code: exitUsage, stderr: "Usage: ftls check"},
		{name: "unknown rule", args: []string{"check", "--rule", "C999=off", "clean.jsonl"}, code: exitUsage, stderr: `unknown rule "C999"`},
		{name: "unknown severity", args: []string{"check", "--rule", "C010=loud", "clean.jsonl"}, code: exitUsage, stderr: `unknown severity "loud"`},
		{name: "rule without severity", args: []string{"check", "--rule", "C010", "clean.jsonl"}, code: exitUsage, stderr: "want CODE=SEVERITY"},
		{name: "unknown family", args: []string{"check", "--disable", "Z", "clean.jsonl"}, code: exitUsage, stderr: `no rules in family "Z"`},
		{name: "unknown format", args: []string{"check", "--format", "xml", "clean.jsonl"}, code: exitUsage, stderr: `unknown --format "xml"`},
		{name: "unknown target", args: []string{"check", "--target", "anthropic", "clean.jsonl"}, code: exitUsage, stderr: `unknown target "anthropic"`},
		{name: "unknown command", args: []string{"lint", "clean.jsonl"}, code: exitUsage, stderr: `unknown command "lint"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ftls(t, tc.args...)
			r.wantCode(t, tc.code)
			if !strings.Contains(r.stderr, tc.stderr) {
				if tc.bug != "" {
					t.Skipf("known bug: %s; stderr %q", tc.bug, r.stderr)
				}
				t.Errorf("stderr does not contain %q:\n%s", tc.stderr, r.stderr)
			} else if tc.bug != "" {
				t.Errorf("marked as known bug (%s) but passes; remove the mark", tc.bug)
			}
			if tc.code == exitUsage && r.stdout != "" && !strings.Contains(tc.name, "missing file among") {
				t.Errorf("usage error printed to stdout:\n%s", r.stdout)
			}
		})
	}
}

func TestCheckRuleFlags(t *testing.T) {
	sandbox(t, "mixed.jsonl")
	all := ftls(t, "check", "mixed.jsonl")
	if !strings.Contains(all.stdout, " C010 ") || !strings.Contains(all.stdout, " Q008 ") {
		t.Fatalf("the fixture should report C010 and Q008:\n%s", all.stdout)
	}
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		golden string
	}{
		{"C010 off", []string{"--rule", "C010=off"}, exitFindings, "check-mixed-C010-off.txt"},
		{"Q family disabled", []string{"--disable", "Q"}, exitFindings, "check-mixed-disable-Q.txt"},
		{"generic target", []string{"--target", "generic"}, exitFindings, "check-mixed-generic.txt"},
		{"every error rule off", []string{"--disable", "J", "--rule", "C005=off", "--rule", "C016=warning", "--rule", "C018=off"}, exitOK, "check-mixed-no-errors.txt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ftls(t, append([]string{"check"}, append(tc.args, "mixed.jsonl")...)...)
			r.wantCode(t, tc.code)
			golden(t, tc.golden, r.stdout)
		})
	}
	off := ftls(t, "check", "--rule", "C010=off", "mixed.jsonl")
	if strings.Contains(off.stdout, " C010 ") {
		t.Error("--rule C010=off still reports C010")
	}
	noQ := ftls(t, "check", "--disable", "Q", "mixed.jsonl")
	if strings.Contains(noQ.stdout, " Q0") {
		t.Error("--disable Q still reports Q rules")
	}
}

// TestConfigInParentFolder: ftls.yaml two folders above the dataset sets
// the target and severities; flags override it.
func TestConfigInParentFolder(t *testing.T) {
	sandbox(t, "project")
	file := filepath.Join("project", "data", "sub", "chats.jsonl")

	r := ftls(t, "check", file)
	r.wantCode(t, exitFindings) // Q008 is an error there, C010 is off
	golden(t, "check-config-parent.txt", r.stdout)
	if strings.Contains(r.stdout, "C010") {
		t.Error("C010 is off in ftls.yaml")
	}

	// Flags win over the file.
	r = ftls(t, "check", "--rule", "Q008=warning", "--rule", "C010=warning", file)
	r.wantCode(t, exitOK)
	if !strings.Contains(r.stdout, " C010 ") {
		t.Errorf("--rule C010=warning should override ftls.yaml:\n%s", r.stdout)
	}

	// --config names another file; the one found by search is ignored.
	if err := os.WriteFile("other.yaml", []byte("rules: {Q008: off}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = ftls(t, "check", "--config", "other.yaml", file)
	r.wantCode(t, exitOK)
	if strings.Contains(r.stdout, "Q008") || !strings.Contains(r.stdout, "C010") {
		t.Errorf("--config other.yaml: got\n%s", r.stdout)
	}

	// A broken ftls.yaml is a usage error that names the file and line.
	if err := os.WriteFile(filepath.Join("project", "ftls.yaml"), []byte("target: generic\nrulez: {}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = ftls(t, "check", file)
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "ftls.yaml") || !strings.Contains(r.stderr, "line 2") {
		t.Errorf("stderr should name ftls.yaml and line 2:\n%s", r.stderr)
	}
}

func TestFix(t *testing.T) {
	sandbox(t, "mixed.jsonl")
	before := read(t, "mixed.jsonl")
	r := ftls(t, "fix", "mixed.jsonl")
	r.wantCode(t, exitFindings) // errors that need a person remain
	golden(t, "fix-mixed.stdout", r.stdout+"-- stderr --\n"+r.stderr)
	after := read(t, "mixed.jsonl")
	if after == before {
		t.Fatal("fix did not change the file")
	}
	golden(t, "fix-mixed.jsonl", after)

	// What is left is what needs a person.
	c := ftls(t, "check", "mixed.jsonl")
	golden(t, "fix-mixed-check-after.txt", c.stdout)

	// A second run finds nothing to do and leaves the file alone.
	r = ftls(t, "fix", "mixed.jsonl")
	r.wantCode(t, exitFindings)
	if r.stdout != "" || !strings.Contains(r.stderr, "fixed 0 problems in 0 of 1 file; 2 errors left to fix by hand") {
		t.Errorf("second fix: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	if read(t, "mixed.jsonl") != after {
		t.Error("second fix changed the file")
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(".")
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files after fixing: %v", names)
	}
}

func TestFixDiff(t *testing.T) {
	sandbox(t, "mixed.jsonl")
	before := read(t, "mixed.jsonl")
	r := ftls(t, "fix", "--diff", "mixed.jsonl")
	r.wantCode(t, exitFindings) // there are changes to make
	if !strings.Contains(r.stderr, "would fix 4 problems in 1 of 1 file") {
		t.Errorf("stderr: %s", r.stderr)
	}
	if read(t, "mixed.jsonl") != before {
		t.Error("--diff changed the file")
	}
	// The golden file is the unified diff as it should be (GNU diff's
	// conventions, one hunk per row).
	golden(t, "fix-mixed.diff", r.stdout)
}

func TestFixDryRun(t *testing.T) {
	sandbox(t, "mixed.jsonl")
	before := read(t, "mixed.jsonl")
	r := ftls(t, "fix", "--dry-run", "mixed.jsonl")
	r.wantCode(t, exitFindings)
	if read(t, "mixed.jsonl") != before {
		t.Error("--dry-run changed the file")
	}
	// It announces exactly what fix does.
	sandbox(t, "mixed.jsonl")
	real := ftls(t, "fix", "mixed.jsonl")
	if r.stdout != real.stdout {
		t.Errorf("--dry-run lists\n%s\nfix does\n%s", r.stdout, real.stdout)
	}
	if !strings.Contains(r.stderr, "would fix") {
		t.Errorf("stderr: %s", r.stderr)
	}
}

func TestExport(t *testing.T) {
	sandbox(t, "alpaca.json")
	r := ftls(t, "export", "--target", "openai", "alpaca.json", "-o", "out.jsonl")
	r.wantCode(t, exitOK)
	out := read(t, "out.jsonl")
	golden(t, "export-alpaca.jsonl", out)
	golden(t, "export-alpaca.stderr", r.stderr)
	if strings.Contains(out, "metadata") {
		t.Error("metadata not stripped")
	}
	// The output is valid JSON Lines that ftls accepts for OpenAI apart
	// from the example count.
	c := ftls(t, "check", "--rule", "C018=off", "out.jsonl")
	c.wantCode(t, exitOK)
	if c.stdout != "" {
		t.Errorf("exported file has findings:\n%s", c.stdout)
	}

	// It refuses to overwrite without --force, and leaves the file alone.
	if err := os.WriteFile("out.jsonl", []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = ftls(t, "export", "alpaca.json", "-o", "out.jsonl")
	r.wantCode(t, exitUsage)
	if !strings.Contains(r.stderr, "--force") || read(t, "out.jsonl") != "keep me\n" {
		t.Errorf("export overwrote without --force: %s", r.stderr)
	}
	r = ftls(t, "export", "--force", "alpaca.json", "-o", "out.jsonl")
	r.wantCode(t, exitOK)
	if read(t, "out.jsonl") != out {
		t.Error("--force did not write the same export")
	}

	// --keep-metadata keeps it; the generic target neither converts nor
	// strips, but still writes one row per line.
	r = ftls(t, "export", "--keep-metadata", "alpaca.json", "-o", "meta.jsonl")
	r.wantCode(t, exitOK)
	if strings.Count(read(t, "meta.jsonl"), `"metadata"`) != 3 {
		t.Errorf("--keep-metadata:\n%s", read(t, "meta.jsonl"))
	}
	r = ftls(t, "export", "--target", "generic", "alpaca.json", "-o", "generic.jsonl")
	r.wantCode(t, exitOK)
	golden(t, "export-alpaca-generic.jsonl", read(t, "generic.jsonl"))

	// Usage errors.
	ftls(t, "export", "alpaca.json").wantCode(t, exitUsage)
	ftls(t, "export", "-o", "x.jsonl").wantCode(t, exitUsage)
	ftls(t, "export", "nope.json", "-o", "x.jsonl").wantCode(t, exitUsage)
}

func TestRules(t *testing.T) {
	r := ftls(t, "rules")
	r.wantCode(t, exitOK)
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		listed[strings.Fields(line)[0]] = true
	}
	for _, rule := range diagnostics.All() {
		if !listed[rule.Code] {
			t.Errorf("ftls rules does not list %s", rule.Code)
		}
		line := regexp.MustCompile(`(?m)^` + rule.Code + `\s.*$`).FindString(r.stdout)
		if !strings.Contains(line, rule.Name) || !strings.Contains(line, rule.Severity.String()) {
			t.Errorf("line of %s lacks its name or severity: %q", rule.Code, line)
		}
	}
	if len(listed) != len(diagnostics.All()) {
		t.Errorf("%d lines for %d rules", len(listed), len(diagnostics.All()))
	}
}

func TestExplain(t *testing.T) {
	r := ftls(t, "explain", "C005")
	r.wantCode(t, exitOK)
	golden(t, "explain-C005.md", r.stdout)
	if lower := ftls(t, "explain", "c005"); lower.stdout != r.stdout {
		t.Error("explain is case-sensitive")
	}

	r = ftls(t, "explain", "NOPE")
	r.wantCode(t, exitUsage)
	if r.stdout != "" || !strings.Contains(r.stderr, `no rule "NOPE"`) {
		t.Errorf("explain NOPE: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	ftls(t, "explain").wantCode(t, exitUsage)
	// Every rule has every section filled in.
	for _, rule := range diagnostics.All() {
		r := ftls(t, "explain", rule.Code)
		r.wantCode(t, exitOK)
		for _, s := range []string{rule.Doc.What, rule.Doc.Why, rule.Doc.Bad, rule.Doc.Good, rule.Doc.Fix} {
			if strings.TrimSpace(s) == "" {
				t.Errorf("%s has an empty documentation section", rule.Code)
			}
		}
	}
}

func TestUsage(t *testing.T) {
	r := ftls(t, "help")
	r.wantCode(t, exitOK)
	for _, cmd := range []string{"check", "fix", "export", "rules", "explain"} {
		if !strings.Contains(r.stdout, "  "+cmd+" ") {
			t.Errorf("usage does not list %s", cmd)
		}
	}
	r = ftls(t, "version")
	r.wantCode(t, exitOK)
	if !strings.HasPrefix(r.stdout, "ftls ") {
		t.Errorf("version: %q", r.stdout)
	}
}
