package report

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/ftls-dev/ftls/diagnostics"
)

// TestRulesDocUpToDate fails when docs/rules.md is not what `ftls rules
// --markdown` prints.
func TestRulesDocUpToDate(t *testing.T) {
	got, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != RulesMarkdown(diagnostics.All()) {
		t.Error("docs/rules.md is out of date: go run ./cmd/ftls rules --markdown > docs/rules.md")
	}
}

// githubAnchor is the anchor GitHub gives a Markdown heading: lower case,
// punctuation other than hyphens dropped, spaces made hyphens.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestDocURLAnchors checks that every rule's documentation link (LSP
// codeDescription, SARIF helpUri) names a heading of docs/rules.md by the
// anchor GitHub generates for it.
func TestDocURLAnchors(t *testing.T) {
	data, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#+ (.+)$`).FindAllStringSubmatch(string(data), -1) {
		anchors[githubAnchor(m[1])] = true
	}
	for _, r := range diagnostics.All() {
		url := diagnostics.DocURL(r.Code)
		_, frag, _ := strings.Cut(url, "#")
		if !anchors[frag] {
			t.Errorf("%s: %s names no heading of docs/rules.md", r.Code, url)
		}
	}
	if want := "#c005-unknown-role"; !strings.HasSuffix(diagnostics.DocURL("C005"), want) {
		t.Errorf("DocURL(C005) = %s, want it to end in %s", diagnostics.DocURL("C005"), want)
	}
}

// TestReadmeRuleTable fails when the README's rule table misses a rule of
// the catalog or names one that does not exist.
func TestReadmeRuleTable(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(data), "| family | rules |")
	if !ok {
		t.Fatal("README.md has no rule table (| family | rules |)")
	}
	if end := strings.Index(table, "\n\n"); end >= 0 {
		table = table[:end]
	}
	listed := map[string]bool{}
	for _, code := range regexp.MustCompile(`\b[JCDBQPR]\d{3}\b`).FindAllString(table, -1) {
		listed[code] = true
		if diagnostics.Lookup(code) == nil {
			t.Errorf("the README's rule table names %s, which is not in the catalog", code)
		}
	}
	for _, r := range diagnostics.All() {
		if !listed[r.Code] {
			t.Errorf("the README's rule table lacks %s %s", r.Code, r.Name)
		}
	}
}
