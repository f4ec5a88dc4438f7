package bytescan

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestAssemblyIsVEX fails on an instruction of the assembly, macros
// expanded, that takes an X or Y register without a VEX encoding (a
// mnemonic not starting with V): mixed with the AVX2 instructions, one
// such MOVQ made every call cost about 30 times as much on an AMD EPYC
// virtual machine (see SPLAT).
func TestAssemblyIsVEX(t *testing.T) {
	files, err := filepath.Glob("*_amd64.s")
	if err != nil || len(files) == 0 {
		t.Fatalf("no assembly files: %v", err)
	}
	vectorReg := regexp.MustCompile(`\b[XY]\d+\b`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, ins := range expandMacros(string(data)) {
			fields := strings.Fields(ins.text)
			if len(fields) < 2 || !vectorReg.MatchString(ins.text) {
				continue
			}
			checked++
			if op := fields[0]; !strings.HasPrefix(op, "V") {
				t.Errorf("%s:%d: %s takes a vector register without a VEX encoding: %s", f, ins.line, op, ins.text)
			}
		}
		if checked == 0 {
			t.Errorf("%s: no vector instruction found; is the parsing right?", f)
		}
	}
}

// instruction is one instruction of an assembly file, comments removed,
// and the line it comes from (its macro's use, for an expanded one).
type instruction struct {
	text string
	line int
}

var (
	defineLine = regexp.MustCompile(`^#define\s+(\w+)\(([^)]*)\)\s*(.*)$`)
	macroUse   = regexp.MustCompile(`^(\w+)\((.*)\)$`)
)

// expandMacros returns the instructions of an assembly file with its
// function-like macros expanded, within one another too, their parameters
// replaced by the arguments of each use.
func expandMacros(src string) []instruction {
	type macro struct{ params, body []string }
	macros := map[string]macro{}
	var out []instruction
	var expand func(code string, line int)
	expand = func(code string, line int) {
		if m := macroUse.FindStringSubmatch(code); m != nil {
			if mac, ok := macros[m[1]]; ok {
				args := splitArgs(m[2])
				for _, b := range mac.body {
					for j, p := range mac.params {
						if j < len(args) {
							b = regexp.MustCompile(`\b`+regexp.QuoteMeta(p)+`\b`).ReplaceAllLiteralString(b, args[j])
						}
					}
					expand(b, line)
				}
				return
			}
		}
		out = append(out, instruction{code, line})
	}
	lines := strings.Split(src, "\n")
	for i := 0; i < len(lines); i++ {
		code := stripComment(lines[i])
		if m := defineLine.FindStringSubmatch(code); m != nil {
			var body []string
			text := m[3]
			for {
				cont := strings.HasSuffix(text, `\`)
				if t := strings.TrimSpace(strings.TrimSuffix(text, `\`)); t != "" {
					body = append(body, t)
				}
				if !cont || i+1 >= len(lines) {
					break
				}
				i++
				text = stripComment(lines[i])
			}
			macros[m[1]] = macro{params: splitArgs(m[2]), body: body}
			continue
		}
		if code != "" && !strings.HasPrefix(code, "#") {
			expand(code, i+1)
		}
	}
	return out
}

func stripComment(line string) string {
	code, _, _ := strings.Cut(line, "//")
	return strings.TrimSpace(code)
}

// splitArgs splits a macro's parameters or arguments at the commas outside
// parentheses: "o0(SI), Y0" is two.
func splitArgs(s string) []string {
	var args []string
	depth, start := 0, 0
	for i, c := range s {
		switch c {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(args, strings.TrimSpace(s[start:]))
}
