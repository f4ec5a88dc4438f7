package lsp

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/internal/workspace"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// Tests of what an editor user sees: statistics on hover, the files the
// split and info commands write.

// The first hover on line 1 of a small dataset has its token figures: the
// server counts them before answering rather than saying they are being
// computed (and nothing else would start the count).
func TestFirstHoverHasTokenCounts(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "small.jsonl")
	text := strings.Repeat(`{"messages":[{"role":"user","content":"Where is my order?"},{"role":"assistant","content":"Could you share your order number?"}]}`+"\n", 3)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(path)
	d := c.open(uri, "jsonl", text)
	c.waitFull(uri, 1)
	h := d.hover(0, 0)
	if strings.Contains(h, "being computed") || !strings.Contains(h, "| tokens (") {
		t.Errorf("first hover on line 1:\n%s", h)
	}
	// After an edit: the figures of the new version, at once.
	d.edit(protocol.Range{Start: protocol.Position{Line: 3}, End: protocol.Position{Line: 3}}, `{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}`+"\n")
	c.waitFull(uri, 2)
	h = d.hover(0, 0)
	if strings.Contains(h, "being computed") || strings.Contains(h, "earlier version") || !strings.Contains(h, "**4 examples**") || !strings.Contains(h, "| tokens (") {
		t.Errorf("hover on line 1 after an edit:\n%s", h)
	}
}

// The plan hover and dataset_info.txt give the same actual size: the
// training and validation examples together, and both say so.
func TestPlanHoverActualMatchesDatasetInfo(t *testing.T) {
	dir, planPath, text := planFixture(t)
	c := startServer(t)
	c.initialize(map[string]any{"debounceMs": 5}, false)
	uri := pathURI(planPath)
	d := c.open(uri, "yaml", text)
	c.waitFull(uri, 1)
	hover := d.hover(7, 4) // size.examples

	cmd := exec.Command(ftlsBinary, "info", "--plan", "support.plan.yaml")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ftls info: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "dataset_info.txt"))
	if err != nil {
		t.Fatal(err)
	}
	info := string(raw)
	var actual string
	for _, line := range strings.Split(info[strings.Index(info, "Plan versus actual"):], "\n") {
		if f := strings.Fields(line); len(f) >= 3 && f[0] == "examples" {
			actual = f[2]
			break
		}
	}
	if actual == "" {
		t.Fatalf("no examples row in dataset_info.txt:\n%s", info)
	}
	if !strings.Contains(hover, "actual **"+actual+"**") {
		t.Errorf("dataset_info.txt says %s examples, the plan hover:\n%s", actual, hover)
	}
	if !strings.Contains(info, "count training and validation examples together") || !strings.Contains(hover, workspace.ActualDefinition) {
		t.Errorf("the definition is not stated in both:\nhover:\n%s\ninfo:\n%s", hover, info)
	}
}
