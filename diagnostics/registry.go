package diagnostics

import (
	"fmt"
	"sort"
	"strings"
)

// Rule is one check in the catalog.
type Rule struct {
	Code     string // stable: never reused for another meaning
	Name     string // kebab-case, for people and SARIF
	Severity Severity
	Summary  string // one line for `ftls rules`
	Doc      Doc
	Fixable  bool
	// Row checks one row. It is nil for file rules.
	Row func(*RowContext)
	// File checks the whole file once every row is read. It is nil for row
	// rules.
	File func(*FileContext)
	// Needs is what a file rule reads of each row's summary: it is
	// computed only when an enabled rule, or the job at hand, needs it.
	Needs RowData
	// Configured, when set, tells whether an opt-in rule has what it
	// needs in the settings; without it, the rule's Needs cost nothing.
	Configured func(*Settings) bool
}

// RowData names the parts of a row's summary (RowInfo) that cost time to
// compute, and are computed only for the rules and jobs that read them.
type RowData uint16

const (
	// DataRows keeps every row's summary, not only those a file rule may
	// report on (the rules that compare rows need them all).
	DataRows RowData = 1 << iota
	// DataCategory is RowInfo.Category.
	DataCategory
	// DataTurns is RowInfo.UserTurns; every part below implies it.
	DataTurns
	// DataSystem is RowInfo.System, the system prompt's hash.
	DataSystem
	// DataFingerprint is RowInfo.Fingerprint, Prompt, Answer and AnswerKey.
	DataFingerprint
	// DataSketch is RowInfo.Sig, the MinHash signature, and Words.
	DataSketch
	// DataWords is RowInfo.Words and Opening.
	DataWords
	// DataEmbed is RowInfo.EmbedPrompt and EmbedAnswer, the content keys
	// of the texts the embedding model sees.
	DataEmbed

	// DataStats is what statistics read.
	DataStats = DataRows | DataCategory | DataTurns | DataSystem
)

// Doc is a rule's documentation, in the sections `ftls explain` prints.
type Doc struct {
	What string // what the rule finds
	Why  string // why it matters
	Bad  string // an example that triggers it
	Good string // the same example, corrected
	Fix  string // what the automatic fix does, or how to fix it by hand
}

var (
	rules     = map[string]*Rule{}
	rowRules  []*Rule
	fileRules []*Rule
)

// register adds rules to the catalog. It is called from the init function
// of each family's file.
func register(rs ...*Rule) {
	for _, r := range rs {
		if _, dup := rules[r.Code]; dup {
			panic(fmt.Sprintf("diagnostics: rule %s registered twice", r.Code))
		}
		rules[r.Code] = r
		if r.Row != nil {
			rowRules = append(rowRules, r)
		}
		if r.File != nil {
			fileRules = append(fileRules, r)
		}
	}
	sortByCode(rowRules)
	sortByCode(fileRules)
}

func sortByCode(rs []*Rule) {
	sort.Slice(rs, func(i, j int) bool { return rs[i].Code < rs[j].Code })
}

// Lookup returns the rule with code, or nil.
func Lookup(code string) *Rule { return rules[code] }

// All returns every rule, ordered by code.
func All() []*Rule {
	all := make([]*Rule, 0, len(rules))
	for _, r := range rules {
		all = append(all, r)
	}
	sortByCode(all)
	return all
}

// DocURL is where a rule's documentation lives on the web, for LSP's
// codeDescription and SARIF's helpUri: its section of docs/rules.md, by
// the anchor GitHub gives the heading "CODE name" (report.RuleMarkdown).
func DocURL(code string) string {
	anchor := strings.ToLower(code)
	if r := rules[code]; r != nil {
		anchor += "-" + strings.ToLower(r.Name)
	}
	return "https://github.com/ftls-dev/ftls/blob/main/docs/rules.md#" + anchor
}
