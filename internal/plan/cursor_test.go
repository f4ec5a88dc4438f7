package plan

import (
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/textpos"
)

func TestCursorAt(t *testing.T) {
	// | marks the cursor; the text need not be valid YAML.
	cases := []struct {
		src     string
		path    string
		inValue bool
		prefix  string
	}{
		{"ver|", "", false, "ver"},
		{"version: 1\nsize:\n  compl|", "size", false, "compl"},
		{"size:\n  complexity: me|", "size.complexity", true, "me"},
		{"size:\n  complexity:|", "size.complexity", true, ""},
		{"size: {examples: 5, compl|", "size", false, "compl"},
		{"style: {response_length: br|}", "style.response_length", true, "br"},
		{"style:\n  formats: [lists, co|", "style.formats.1", true, "co"},
		{"categories: [{name: a}, {name: b, wei|", "categories.1", false, "wei"},
		{"categories:\n  - name: a\n    weight: 2\n  - name: b\n    # a comment\n\n    we|", "categories.1", false, "we"},
		{"categories:\n  - name: a\n  - na|", "categories.1", false, "na"},
		{"categories:\n  - name: a\n    scenarios:\n      - late\n      - wr|", "categories.0.scenarios.1", true, "wr"},
		{"diversity:\n  expertise:\n    beginner: 0.5\n    ex|", "diversity.expertise", false, "ex"},
		{"diversity:\n  negatives: t|", "diversity.negatives", true, "t"},
		{"lint:\n  rules:\n    Q0|", "lint.rules", false, "Q0"},
		{"lint:\n  rules:\n    C010: wa|", "lint.rules.C010", true, "wa"},
		{"task:\n  type: x\nsty|", "", false, "sty"},
	}
	for _, c := range cases {
		i := strings.Index(c.src, "|")
		src := []byte(c.src[:i] + c.src[i+1:])
		pos := textpos.NewLineIndex(src).Position(i)
		got := CursorAt(src, pos)
		if strings.Join(got.Path, ".") != c.path || got.InValue != c.inValue || got.Prefix != c.prefix || got.InComment {
			t.Errorf("%q: got %+v, want path %q inValue %v prefix %q", c.src, got, c.path, c.inValue, c.prefix)
		}
	}
	if got := CursorAt([]byte("size: 5 # note|"), textpos.Position{Line: 0, Character: 14}); !got.InComment {
		t.Errorf("comment: %+v", got)
	}
	// What completion offers at those places.
	if k := Keys("categories", "1"); len(k) == 0 || k[1] != "weight" {
		t.Errorf("keys %v", k)
	}
	if v := EnumValues("categories", "0", "scenarios", "1"); v != nil {
		t.Errorf("scenarios have no fixed values: %v", v)
	}
}
