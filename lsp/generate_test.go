package lsp

import (
	"cmp"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// "Generate N examples" (generate.go) end to end: `ftls serve` over its
// pipes, a fake OpenAI-compatible endpoint on 127.0.0.1, and a client that
// answers the confirmation, records progress and applies the edits as an
// editor does (didChange before the answer).

const genTestKey = "sk-test-ftls-0123456789-secret"

// genBaseURL replaces the fake endpoint's URL in the settings when set
// (tests of a bad setting; they do not run in parallel).
var genBaseURL string

type genFixture struct {
	c       *client
	srv     *fakeopenai.Server
	dir     string
	logPath string
	plan    *doc
	train   *doc
	trainMu sync.Mutex
}

// newGenFixture copies generator/testdata/shop (30 planned examples; the
// training file has 3 of the 15 "orders"), starts the fake endpoint with h
// and a server logging to a file, and opens the plan and the training
// file.
func newGenFixture(t *testing.T, h func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply) *genFixture {
	t.Helper()
	return newGenFixtureWith(t, h, true, "")
}

// newGenFixtureWith opens the training file only when openTrain is set;
// otherwise it deletes it, so that the plan names a file that does not
// exist.
func newGenFixtureWith(t *testing.T, h func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply, openTrain bool, train string) *genFixture {
	t.Helper()
	f := &genFixture{dir: t.TempDir()}
	for _, name := range []string{"shop.plan.yaml", "training_data.jsonl"} {
		data, err := os.ReadFile(filepath.Join("..", "generator", "testdata", "shop", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(f.dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var srv *fakeopenai.Server
	srv = fakeopenai.New(func(req *fakeopenai.Request) *fakeopenai.Reply { return h(srv, req) })
	f.srv = srv
	t.Cleanup(srv.Close)
	f.logPath = filepath.Join(t.TempDir(), "ftls.log")
	f.c = startServer(t, "--log", f.logPath)
	var res protocol.InitializeResult
	f.c.mustCall("initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": nil,
		"capabilities": map[string]any{
			"window":    map[string]any{"workDoneProgress": true},
			"workspace": map[string]any{"configuration": false, "workspaceEdit": map[string]any{"documentChanges": true}},
		},
		"initializationOptions": map[string]any{"debounceMs": 5, "baseUrl": cmp.Or(genBaseURL, srv.URL), "apiKey": genTestKey},
	}, &res)
	if !slices.Contains(res.Capabilities.ExecuteCommandProvider.Commands, cmdGenerate) {
		t.Errorf("commands lack %s", cmdGenerate)
	}
	f.c.notify("initialized", map[string]any{})
	planText, _ := os.ReadFile(filepath.Join(f.dir, "shop.plan.yaml"))
	trainText, _ := os.ReadFile(filepath.Join(f.dir, "training_data.jsonl"))
	if train != "" {
		trainText = []byte(train)
		os.WriteFile(filepath.Join(f.dir, "training_data.jsonl"), trainText, 0o644)
	}
	f.plan = f.c.open(pathURI(filepath.Join(f.dir, "shop.plan.yaml")), "yaml", string(planText))
	if !openTrain {
		os.Remove(filepath.Join(f.dir, "training_data.jsonl"))
		return f
	}
	f.train = f.c.open(pathURI(filepath.Join(f.dir, "training_data.jsonl")), "jsonl", string(trainText))
	f.c.waitFull(f.train.uri, 1)
	// The editor: apply the edit to its copy, send didChange, answer.
	f.c.mu.Lock()
	f.c.onApply = func(raw json.RawMessage) protocol.ApplyWorkspaceEditResult {
		var p protocol.ApplyWorkspaceEditParams
		if err := json.Unmarshal(raw, &p); err != nil || len(p.Edit.DocumentChanges) != 1 {
			return protocol.ApplyWorkspaceEditResult{FailureReason: "unexpected edit"}
		}
		dc := p.Edit.DocumentChanges[0]
		f.trainMu.Lock()
		defer f.trainMu.Unlock()
		if dc.TextDocument.URI != f.train.uri || dc.TextDocument.Version != f.train.version {
			return protocol.ApplyWorkspaceEditResult{FailureReason: "version mismatch"}
		}
		for _, e := range dc.Edits {
			f.train.edit(e.Range, e.NewText)
		}
		return protocol.ApplyWorkspaceEditResult{Applied: true}
	}
	f.c.mu.Unlock()
	return f
}

// generateAction asks for the code actions on the "orders" entry of the
// plan and returns the generate one.
func (f *genFixture) generateAction(t *testing.T) protocol.CodeAction {
	t.Helper()
	return f.generateActionTitled(t, "Generate 12 examples for orders (ftls)")
}

func (f *genFixture) generateActionTitled(t *testing.T, want string) protocol.CodeAction {
	t.Helper()
	line := 0
	for i, l := range strings.Split(f.plan.text, "\n") {
		if strings.Contains(l, "- name: orders") {
			line = i
		}
	}
	var actions []protocol.CodeAction
	f.c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: f.plan.uri},
		"range":        protocol.Range{Start: protocol.Position{Line: line, Character: 4}, End: protocol.Position{Line: line, Character: 4}},
		"context":      map[string]any{"diagnostics": []any{}},
	}, &actions)
	for _, a := range actions {
		if a.Kind == kindGenerate {
			if a.Title != want {
				t.Errorf("title %q, want %q", a.Title, want)
			}
			return a
		}
	}
	t.Fatalf("no generate action on the orders entry: %+v", actions)
	return protocol.CodeAction{}
}

type progressNote struct {
	Token string                    `json:"token"`
	Value protocol.WorkDoneProgress `json:"value"`
}

func (f *genFixture) progress() []progressNote {
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	var out []progressNote
	for _, raw := range f.c.progress {
		var p progressNote
		json.Unmarshal(raw, &p)
		out = append(out, p)
	}
	return out
}

func (f *genFixture) waitEnd(t *testing.T) []progressNote {
	t.Helper()
	f.c.waitFor("$/progress end", func() bool {
		for _, raw := range f.c.progress {
			if strings.Contains(string(raw), `"kind":"end"`) {
				return true
			}
		}
		return false
	})
	return f.progress()
}

// checkLog asserts the key is in neither the log file nor standard error.
func (f *genFixture) checkLog(t *testing.T) {
	t.Helper()
	log, err := os.ReadFile(f.logPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) == 0 {
		t.Error("the log file is empty")
	}
	t.Logf("server log:\n%s", tail(string(log), 1500))
	if strings.Contains(string(log), genTestKey) || strings.Contains(f.c.stderr.String(), genTestKey) {
		t.Error("the API key appears in the server log")
	}
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	for _, m := range f.c.messages {
		if strings.Contains(m.Message, genTestKey) {
			t.Errorf("the API key appears in a message: %q", m.Message)
		}
	}
}

func TestGeneratePlanCategory(t *testing.T) {
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil })
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	notes := f.waitEnd(t)

	// The confirmation.
	f.c.mu.Lock()
	reqs := append([]json.RawMessage(nil), f.c.msgRequests...)
	created := append([]json.RawMessage(nil), f.c.progressCreated...)
	f.c.mu.Unlock()
	if len(reqs) != 1 {
		t.Fatalf("%d showMessageRequests, want 1", len(reqs))
	}
	var mr protocol.ShowMessageRequestParams
	json.Unmarshal(reqs[0], &mr)
	if !strings.HasPrefix(mr.Message, "Generate 12 examples for orders with gpt-4o-mini at "+f.srv.URL+"? Estimated cost $") {
		t.Errorf("confirmation %q", mr.Message)
	}
	if len(mr.Actions) != 2 || mr.Actions[0].Title != "Generate" || mr.Actions[1].Title != "Cancel" {
		t.Errorf("actions %+v", mr.Actions)
	}
	// The progress: create, begin, a report per batch, end, one token.
	if len(created) != 1 {
		t.Fatalf("%d progress tokens created", len(created))
	}
	var tok struct {
		Token string `json:"token"`
	}
	json.Unmarshal(created[0], &tok)
	if len(notes) < 3 || notes[0].Value.Kind != "begin" || notes[len(notes)-1].Value.Kind != "end" {
		t.Fatalf("progress %+v", notes)
	}
	reports := 0
	for _, n := range notes {
		if n.Token != tok.Token {
			t.Errorf("progress token %q, created %q", n.Token, tok.Token)
		}
		if n.Value.Kind == "report" {
			reports++
		}
	}
	if reports < 1 || notes[len(notes)-2].Value.Message != "12 / 12" {
		t.Errorf("reports %d, last %+v", reports, notes[len(notes)-2].Value)
	}
	if !notes[0].Value.Cancellable {
		t.Error("begin is not cancellable")
	}
	// The edits: only valid rows of the category, at the end.
	f.trainMu.Lock()
	text := f.train.text
	f.trainMu.Unlock()
	lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
	if len(lines) != 6+12 {
		t.Fatalf("%d lines after generation, want 18", len(lines))
	}
	for _, l := range lines[6:] {
		var row struct {
			Messages []struct {
				Role, Content string
			} `json:"messages"`
			Metadata struct {
				Category string `json:"category"`
			} `json:"metadata"`
		}
		if err := json.Unmarshal([]byte(l), &row); err != nil {
			t.Fatalf("generated row is not JSON: %v\n%s", err, l)
		}
		if row.Metadata.Category != "orders" || len(row.Messages) < 2 || row.Messages[len(row.Messages)-1].Role != "assistant" {
			t.Errorf("generated row %s", l)
		}
	}
	for _, r := range f.srv.Requests() {
		if r.Auth != "Bearer "+genTestKey {
			t.Errorf("request %d: Authorization %q", r.N, r.Auth)
		}
	}
	// The document is checked again and stays clean of errors.
	f.trainMu.Lock()
	v := f.train.version
	f.trainMu.Unlock()
	for _, d := range f.c.waitFull(f.train.uri, v) {
		if d.Severity == 1 {
			t.Errorf("error after generation: %s %s", d.Code, d.Message)
		}
	}
	f.checkLog(t)
}

func TestGenerateCancelledFromProgress(t *testing.T) {
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply {
		r := srv.Default(req)
		if _, n := req.Asked(); n != 10 {
			r.Delay = 20 * time.Second // the small batch: still running at cancel
		}
		return r
	})
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	f.c.waitFor("the first batch", func() bool { return len(f.c.applied) >= 1 })
	var tok struct {
		Token string `json:"token"`
	}
	f.c.mu.Lock()
	json.Unmarshal(f.c.progressCreated[0], &tok)
	f.c.mu.Unlock()
	start := time.Now()
	f.c.notify("window/workDoneProgress/cancel", map[string]any{"token": tok.Token})
	notes := f.waitEnd(t)
	if time.Since(start) > 10*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
	if end := notes[len(notes)-1].Value.Message; !strings.HasPrefix(end, "cancelled: 10 of 12") {
		t.Errorf("end message %q", end)
	}
	time.Sleep(300 * time.Millisecond)
	f.c.mu.Lock()
	n := len(f.c.applied)
	f.c.mu.Unlock()
	if n != 1 {
		t.Errorf("%d edits, want 1 (none after cancel)", n)
	}
	f.checkLog(t)
}

func TestGenerateConfirmationCancelled(t *testing.T) {
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil })
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Cancel"
	f.c.mu.Unlock()
	f.c.run(a)
	f.c.waitFor("the confirmation", func() bool { return len(f.c.msgRequests) == 1 })
	time.Sleep(500 * time.Millisecond)
	if n := len(f.srv.Requests()); n != 0 {
		t.Errorf("%d requests sent to the endpoint after Cancel", n)
	}
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	if len(f.c.applied) != 0 || len(f.c.progressCreated) != 0 {
		t.Errorf("after Cancel: %d edits, %d progress tokens", len(f.c.applied), len(f.c.progressCreated))
	}
}

func TestGenerateProviderError(t *testing.T) {
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply {
		return fakeopenai.Error(401, "Incorrect API key provided: "+genTestKey, "invalid_request_error", nil)
	})
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	var msg string
	f.c.waitFor("an error message", func() bool {
		for _, m := range f.c.messages {
			if m.Type == protocol.MessageError {
				msg = m.Message
				return true
			}
		}
		return false
	})
	t.Logf("error shown: %s", msg)
	if !strings.Contains(msg, "Incorrect API key provided") {
		t.Errorf("error message %q", msg)
	}
	f.waitEnd(t)
	f.checkLog(t)
}

// The plan names a training file that does not exist and is not open: the
// rows are written on disk (the client cannot create files in an edit).
func TestGenerateFileNotOpen(t *testing.T) {
	f := newGenFixtureWith(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil }, false, "")
	a := f.generateActionTitled(t, "Generate 15 examples for orders (ftls)")
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	f.waitEnd(t)
	data, err := os.ReadFile(filepath.Join(f.dir, "training_data.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) != 15 {
		t.Fatalf("%d rows written, want 15", len(lines))
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) || !strings.Contains(l, `"category":"orders"`) && !strings.Contains(l, `"category": "orders"`) {
			t.Errorf("row %s", l)
		}
	}
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	if len(f.c.applied) != 0 {
		t.Errorf("%d edits sent for a file that is not open", len(f.c.applied))
	}
}

// The dataset's source action, and the B001 quick fix run end to end:
// 20 "orders", 2 "returns" and 2 "billing" rows, so returns (planned 8 of
// 30) is short by 6 and billing (7) by 5.
func TestGenerateDatasetActions(t *testing.T) {
	var b strings.Builder
	for i, conv := range fakeopenai.Conversations(24, 99) {
		cat := "orders"
		switch {
		case i >= 22:
			cat = "billing"
		case i >= 20:
			cat = "returns"
		}
		row, _ := json.Marshal(map[string]any{"messages": conv, "metadata": map[string]string{"category": cat}})
		b.Write(row)
		b.WriteString("\n")
	}
	f := newGenFixtureWith(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil }, true, b.String())
	ds := f.c.waitFull(f.train.uri, 1)
	var actions []protocol.CodeAction
	f.c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: f.train.uri},
		"range":        protocol.Range{End: protocol.Position{Line: 1000}},
		"context":      map[string]any{"diagnostics": []any{}},
	}, &actions)
	var source, fix *protocol.CodeAction
	for i, a := range actions {
		switch {
		case a.Kind == kindGenerate:
			source = &actions[i]
		case a.Kind == kindQuickFix && strings.Contains(a.Title, " for returns "):
			fix = &actions[i]
		}
	}
	if source == nil || source.Title != "Generate 6 examples (ftls)" {
		t.Errorf("dataset action: %v", titles(actions))
	}
	if fix == nil {
		t.Fatalf("no B001 quick fix for returns in %v (diagnostics %s)", titles(actions), codes(ds))
	}
	if len(fix.Diagnostics) != 1 || fix.Diagnostics[0].Code != "B001" {
		t.Errorf("quick fix diagnostics %+v", fix.Diagnostics)
	}
	if want := "Generate 6 examples for returns (ftls)"; fix.Title != want {
		t.Errorf("quick fix %q, want %q", fix.Title, want)
	}
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(*fix)
	f.waitEnd(t)
	f.trainMu.Lock()
	lines := strings.Split(strings.TrimRight(f.train.text, "\n"), "\n")
	f.trainMu.Unlock()
	if len(lines) != 30 {
		t.Fatalf("%d rows after the fix, want 30", len(lines))
	}
	for _, l := range lines[24:] {
		if !json.Valid([]byte(l)) || !strings.Contains(l, `"returns"`) {
			t.Errorf("generated row %s", l)
		}
	}
}

func titles(actions []protocol.CodeAction) []string {
	var out []string
	for _, a := range actions {
		out = append(out, a.Kind+": "+a.Title)
	}
	return out
}

// A provider that cannot be resolved: the exact error as a message, and
// no confirmation asked.
func TestGenerateResolveError(t *testing.T) {
	genBaseURL = "localhost:8000/v1"
	defer func() { genBaseURL = "" }()
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil })
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	var msg string
	f.c.waitFor("an error message", func() bool {
		for _, m := range f.c.messages {
			if m.Type == protocol.MessageError {
				msg = m.Message
				return true
			}
		}
		return false
	})
	if want := `ftls: base URL "localhost:8000/v1" is not an http or https URL (for example http://localhost:8000/v1)`; msg != want {
		t.Errorf("message %q, want %q", msg, want)
	}
	f.c.mu.Lock()
	defer f.c.mu.Unlock()
	if len(f.c.msgRequests) != 0 || len(f.srv.Requests()) != 0 {
		t.Errorf("%d confirmations, %d requests after a resolve error", len(f.c.msgRequests), len(f.srv.Requests()))
	}
}

// The editor refuses the first edit because the user typed meanwhile: the
// server retries once against the new version and end.
func TestGenerateRetriesRefusedEdit(t *testing.T) {
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil })
	f.c.mu.Lock()
	apply := f.c.onApply
	refused := false
	f.c.onApply = func(raw json.RawMessage) protocol.ApplyWorkspaceEditResult {
		if !refused {
			refused = true
			f.trainMu.Lock()
			lines := strings.Split(f.train.text, "\n")
			end := protocol.Position{Line: len(lines) - 1, Character: utf16Len(lines[len(lines)-1])}
			f.train.edit(protocol.Range{Start: end, End: end}, "\n") // a blank line typed at the end
			f.trainMu.Unlock()
			return protocol.ApplyWorkspaceEditResult{FailureReason: "the document changed"}
		}
		return apply(raw)
	}
	f.c.mu.Unlock()
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	notes := f.waitEnd(t)
	if end := notes[len(notes)-1].Value.Message; !strings.HasPrefix(end, "12 of 12") {
		t.Errorf("end %q", end)
	}
	f.trainMu.Lock()
	text := f.train.text
	f.trainMu.Unlock()
	rows := 0
	for _, l := range strings.Split(text, "\n") {
		if l == "" {
			continue
		}
		if !json.Valid([]byte(l)) {
			t.Errorf("line %q", l)
		}
		rows++
	}
	if rows != 18 {
		t.Errorf("%d rows, want 18", rows)
	}
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Neovim answers applied: true to an edit it drops as stale. Here the
// user types at the top of the file while each batch is on its way, and
// the editor drops the first batch but says it applied it: the server
// must see that no version holds the batch, send it again, and end with
// exactly the requested rows in the document and in its message.
func TestGenerateDroppedEditIsSentAgain(t *testing.T) {
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil })
	f.c.mu.Lock()
	apply := f.c.onApply
	edits := 0
	f.c.onApply = func(raw json.RawMessage) protocol.ApplyWorkspaceEditResult {
		edits++
		f.trainMu.Lock()
		// A keystroke in the first row's content, before the edit.
		at := protocol.Position{Line: 0, Character: strings.Index(f.train.text, `"content": "`) + len(`"content": "`)}
		f.train.edit(protocol.Range{Start: at, End: at}, "x")
		f.trainMu.Unlock()
		if edits == 1 {
			return protocol.ApplyWorkspaceEditResult{Applied: true} // dropped, as stale
		}
		// The keystroke made the edit stale too; an editor that applies
		// it anyway (VS Code rebases nothing; this one is lenient) would
		// be refused by version, so apply it on the new version.
		var p protocol.ApplyWorkspaceEditParams
		json.Unmarshal(raw, &p)
		p.Edit.DocumentChanges[0].TextDocument.Version = f.train.version
		raw, _ = json.Marshal(p)
		return apply(raw)
	}
	f.c.mu.Unlock()
	f.trainMu.Lock()
	before := strings.Count(f.train.text, "\n")
	f.trainMu.Unlock()
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	notes := f.waitEnd(t)
	if end := notes[len(notes)-1].Value.Message; !strings.HasPrefix(end, "12 of 12") {
		t.Errorf("end %q", end)
	}
	f.trainMu.Lock()
	text := f.train.text
	f.trainMu.Unlock()
	if rows := strings.Count(text, "\n"); rows != before+12 {
		t.Errorf("%d rows, want %d:\n%s", rows, before+12, text)
	}
	if !strings.Contains(text, `"content": "xx`) {
		t.Error("the user's keystrokes are lost")
	}
	if edits < 2 {
		t.Errorf("%d edits sent; the dropped one was not sent again", edits)
	}
}

// When the editor never applies a batch, the run stops and says how many
// rows it really added: none.
func TestGenerateNeverAppliedIsReported(t *testing.T) {
	f := newGenFixture(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil })
	f.c.mu.Lock()
	f.c.onApply = func(raw json.RawMessage) protocol.ApplyWorkspaceEditResult {
		return protocol.ApplyWorkspaceEditResult{FailureReason: "read-only buffer"}
	}
	f.c.mu.Unlock()
	a := f.generateAction(t)
	f.c.mu.Lock()
	f.c.msgAnswer = "Generate"
	f.c.mu.Unlock()
	f.c.run(a)
	notes := f.waitEnd(t)
	if end := notes[len(notes)-1].Value.Message; !strings.HasPrefix(end, "0 of 12") {
		t.Errorf("end %q, want 0 of 12", end)
	}
}

// What "Generate N examples" offers counts the plan's validation file too,
// as the plan's hover and dataset_info.txt count the actual examples.
func TestGenerateDatasetActionCountsValidation(t *testing.T) {
	f := newGenFixtureWith(t, func(srv *fakeopenai.Server, req *fakeopenai.Request) *fakeopenai.Reply { return nil }, false, "")
	planPath := filepath.Join(f.dir, "shop.plan.yaml")
	pl, _ := os.ReadFile(planPath)
	pl = []byte(strings.Replace(string(pl), "  train: training_data.jsonl", "  train: training_data.jsonl\n  validation: validation_data.jsonl", 1))
	os.WriteFile(planPath, pl, 0o644)
	var train, valid strings.Builder
	for i, conv := range fakeopenai.Conversations(14, 7) {
		row, _ := json.Marshal(map[string]any{"messages": conv, "metadata": map[string]string{"category": "orders"}})
		if i < 10 {
			train.Write(row)
			train.WriteString("\n")
		} else {
			valid.Write(row)
			valid.WriteString("\n")
		}
	}
	os.WriteFile(filepath.Join(f.dir, "validation_data.jsonl"), []byte(valid.String()), 0o644)
	os.WriteFile(filepath.Join(f.dir, "training_data.jsonl"), []byte(train.String()), 0o644)
	uri := pathURI(filepath.Join(f.dir, "training_data.jsonl"))
	f.c.open(uri, "jsonl", train.String())
	f.c.waitFull(uri, 1)
	var actions []protocol.CodeAction
	f.c.mustCall("textDocument/codeAction", map[string]any{
		"textDocument": protocol.TextDocumentIdentifier{URI: uri}, "range": protocol.Range{},
		"context": map[string]any{"diagnostics": []any{}, "only": []string{kindGenerate}},
	}, &actions)
	// 30 planned, 10 training and 4 validation examples.
	if len(actions) != 1 || actions[0].Title != "Generate 16 examples (ftls)" {
		t.Errorf("actions %v, want Generate 16 examples", titles(actions))
	}
}
