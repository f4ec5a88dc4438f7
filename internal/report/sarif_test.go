package report

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path/filepath"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/internal/textpos"
)

// SARIF's artifactLocation.uri is a URI reference (RFC 3986): a path with
// spaces, '#', '%', '?', ':' or non-ASCII letters must be percent-encoded,
// or a viewer reads "my data#1.jsonl" as "my data" plus a fragment.
func TestSARIFURIsArePercentEncoded(t *testing.T) {
	abs, _ := filepath.Abs(filepath.Join("dir", "my data#1.jsonl"))
	cases := []struct{ path, want string }{
		{"my data#1.jsonl", "my%20data%231.jsonl"},
		{"./data/100%?.jsonl", "data/100%25%3F.jsonl"},
		{"a:b.jsonl", "a%3Ab.jsonl"}, // not a scheme
		{"données/été.jsonl", "donn%C3%A9es/%C3%A9t%C3%A9.jsonl"},
		{"plain/train_data-1.jsonl", "plain/train_data-1.jsonl"},
		{abs, "file://" + filepath.ToSlash(filepath.Dir(abs)) + "/my%20data%231.jsonl"},
	}
	for _, c := range cases {
		d := diagnostics.Diagnostic{Code: "J003", Severity: diagnostics.Warning, Message: "blank line",
			Range:   textpos.Range{Start: textpos.Position{Line: 1}, End: textpos.Position{Line: 1, Character: 1}},
			Related: []diagnostics.Related{{Message: "here", Path: c.path}}}
		var buf bytes.Buffer
		if err := Write(&buf, "sarif", []*engine.Result{{Path: c.path, Diagnostics: []diagnostics.Diagnostic{d}}}, "test"); err != nil {
			t.Fatal(err)
		}
		var log struct {
			Runs []struct {
				Results []struct {
					Locations, RelatedLocations []struct {
						PhysicalLocation struct {
							ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						} `json:"physicalLocation"`
					}
				}
			}
		}
		if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
			t.Fatal(err)
		}
		res := log.Runs[0].Results[0]
		for _, loc := range append(res.Locations, res.RelatedLocations...) {
			uri := loc.PhysicalLocation.ArtifactLocation.URI
			if uri != c.want {
				t.Errorf("%q: uri %q, want %q", c.path, uri, c.want)
				continue
			}
			u, err := url.Parse(uri)
			if err != nil || u.Fragment != "" || u.RawQuery != "" || (u.Scheme != "" && u.Scheme != "file") {
				t.Errorf("%q: %q does not parse back as a path: %+v, %v", c.path, uri, u, err)
			}
		}
	}
}
