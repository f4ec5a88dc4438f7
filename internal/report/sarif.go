package report

import (
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

// SARIF 2.1.0, the subset code scanning reads. Regions count columns in
// UTF-16 code units, SARIF's default and LSP's unit.

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID                   string        `json:"id"`
	Name                 string        `json:"name"`
	ShortDescription     sarifText     `json:"shortDescription"`
	FullDescription      sarifText     `json:"fullDescription"`
	Help                 sarifHelp     `json:"help"`
	HelpURI              string        `json:"helpUri"`
	DefaultConfiguration sarifRuleConf `json:"defaultConfiguration"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifHelp struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown"`
}

type sarifRuleConf struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID           string          `json:"ruleId"`
	RuleIndex        int             `json:"ruleIndex"`
	Level            string          `json:"level"`
	Message          sarifText       `json:"message"`
	Locations        []sarifLocation `json:"locations"`
	RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
}

type sarifLocation struct {
	ID               int                   `json:"id,omitempty"`
	PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	Message          *sarifText            `json:"message,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn"`
	EndLine     int `json:"endLine"`
	EndColumn   int `json:"endColumn"`
}

func sarifLevel(s diagnostics.Severity) string {
	switch s {
	case diagnostics.Error:
		return "error"
	case diagnostics.Warning:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, results []*engine.Result, version string) error {
	rules := usedRules(results)
	index := map[string]int{}
	driver := sarifDriver{Name: "ftls", Version: version, InformationURI: "https://github.com/ftls-dev/ftls", Rules: []sarifRule{}}
	for i, r := range rules {
		index[r.Code] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID: r.Code, Name: r.Name,
			ShortDescription:     sarifText{r.Summary},
			FullDescription:      sarifText{r.Doc.What},
			Help:                 sarifHelp{Text: r.Doc.Why + "\n\n" + r.Doc.Fix, Markdown: RuleMarkdown(r)},
			HelpURI:              diagnostics.DocURL(r.Code),
			DefaultConfiguration: sarifRuleConf{sarifLevel(r.Severity)},
		})
	}
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{}}
	for _, r := range results {
		for _, d := range r.Diagnostics {
			res := sarifResult{
				RuleID: d.Code, RuleIndex: index[d.Code], Level: sarifLevel(d.Severity),
				Message:   sarifText{d.Message},
				Locations: []sarifLocation{{PhysicalLocation: physical(r.Path, d.Range.Start.Line, d.Range.Start.Character, d.Range.End.Line, d.Range.End.Character)}},
			}
			for i, rel := range d.Related {
				p := rel.Path
				if p == "" {
					p = r.Path
				}
				res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
					ID:               i + 1,
					PhysicalLocation: physical(p, rel.Range.Start.Line, rel.Range.Start.Character, rel.Range.End.Line, rel.Range.End.Character),
					Message:          &sarifText{rel.Message},
				})
			}
			run.Results = append(run.Results, res)
		}
	}
	log := sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func physical(path string, l0, c0, l1, c1 int) sarifPhysicalLocation {
	// An empty range would make code scanning drop the result.
	if l1 == l0 && c1 <= c0 {
		c1 = c0 + 1
	}
	return sarifPhysicalLocation{
		ArtifactLocation: sarifArtifact{URI: sarifURI(path)},
		Region:           sarifRegion{StartLine: l0 + 1, StartColumn: c0 + 1, EndLine: l1 + 1, EndColumn: c1 + 1},
	}
}

// sarifURI writes a path as the URI reference artifactLocation.uri holds
// (RFC 3986): each segment percent-encoded ("my data#1.jsonl" ->
// "my%20data%231.jsonl", UTF-8 bytes of other letters too). A relative path
// stays relative, with ':' encoded so that its first segment cannot read
// as a scheme; an absolute path becomes a file URI.
func sarifURI(path string) string {
	abs := filepath.IsAbs(path)
	segs := strings.Split(filepath.ToSlash(strings.TrimPrefix(path, "./")), "/")
	for i, seg := range segs {
		seg = url.PathEscape(seg)
		if !abs {
			seg = strings.ReplaceAll(seg, ":", "%3A")
		}
		segs[i] = seg
	}
	u := strings.Join(segs, "/")
	if !abs {
		return u
	}
	if !strings.HasPrefix(u, "/") {
		u = "/" + u // file:///C:/data
	}
	return "file://" + u
}
