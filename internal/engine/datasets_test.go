package engine_test

// What ftls reports on the real public datasets of ../shared/datasets (see
// SOURCES.md there), with the default settings (target openai) and with
// target generic. Every count below was checked against the rows themselves;
// the comment of each entry says why the findings are right.

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
)

var datasetsDir = filepath.Join("..", "..", "..", "shared", "datasets")

type datasetCase struct {
	file    string
	rows    int            // rows as the engine counts them
	openai  map[string]int // diagnostics by code with --target openai
	generic map[string]int // and with --target generic
	// spots are diagnostics that must be among the findings, exactly, as
	// "line:char-line:char CODE message" (0-based, UTF-16), with openai.
	spots []string
	// fixLeft is what FixFile cannot repair, by target, as "CODE:title"
	// counts of fixes still offered after fixing; it must stay empty except
	// for known bugs.
	fixLeft map[string]map[string]int
}

var datasetCases = []datasetCase{
	// Pretty-printed objects in a .jsonl: 11 objects over 207 lines, 9 joinable (J001 with a join fix) and 2 whose strings hold raw newlines (J001 at the first one, no fix); the 9 good ones are < 10 examples (C018); 2 user turns end in a space (Q008).
	{file: "openai-cookbook__01-testing-example.jsonl", rows: 11,
		openai:  map[string]int{"C018": 1, "J001": 11, "Q008": 2},
		generic: map[string]int{"J001": 11, "Q008": 2},
		spots: []string{
			`0:0-0:1 J001 JSON object spans lines 1-16; JSON Lines needs each row on one line`,
			`124:264-125:0 J001 invalid JSON in the object spanning lines 113-134: invalid character '\n' in string literal`,
			`162:231-163:0 J001 invalid JSON in the object spanning lines 151-191: invalid character '\n' in string literal`,
			`24:23-24:129 Q008 messages[1].content starts or ends with whitespace`,
			`0:0-15:1 C018 file has 9 examples; OpenAI fine-tuning requires at least 10`,
		}},
	// Clean OpenAI tool-calling data: every row is system, user, assistant with tool_calls (final calls need no tool result), plus tools and parallel_tool_calls, both allowed top-level keys; each command is phrased twice, and no two phrasings are near-duplicates (the closest pair, lines 64 and 66, shares 78% of its word 3-grams; with FNV word hashes MinHash put it at 0.92, over the threshold).
	{file: "openai-cookbook__drone_training.jsonl", rows: 103,
		openai:  map[string]int{},
		generic: map[string]int{}},
	// Five well-formed chats are fewer than the 10 examples OpenAI requires (C018); line 4 is a system prompt and an answer with no user turn (Q015), and line 5's answer is "Eat a banana!" 2,000 times over 26,000 characters (Q013), both read by hand.
	{file: "openai-cookbook__toy_chat_fine_tuning.jsonl", rows: 5,
		openai:  map[string]int{"C018": 1, "Q013": 1, "Q015": 1},
		generic: map[string]int{"Q013": 1, "Q015": 1},
		spots: []string{
			`0:0-0:260 C018 file has 5 examples; OpenAI fine-tuning requires at least 10`,
			`3:13-3:165 Q015 conversation has no user turn; the model learns answers that respond to nothing`,
			`4:192-4:26194 Q013 messages[2].content repeats "Eat a banana!" 2000 times in a row: a generation loop`,
		}},
	// Ten clean system/user/assistant rows: exactly the OpenAI minimum.
	{file: "openai-node__fine-tuning-data.jsonl", rows: 10,
		openai: map[string]int{}, generic: map[string]int{}},
	// Long multi-turn chats; the system prompt of 5 rows ends in a space (Q008), nothing else.
	{file: "together-cookbook__small_coqa_10.jsonl", rows: 10,
		openai:  map[string]int{"Q008": 5},
		generic: map[string]int{"Q008": 5}},
	// CRLF file; every assistant answer starts with a space (" Score: 10/10"): 240 Q008, ranges unaffected by the CR; only 27 distinct lines, so 213 rows repeat an earlier one (D001).
	{file: "genai-autograding__training_set.jsonl", rows: 240,
		openai:  map[string]int{"D001": 213, "Q008": 240},
		generic: map[string]int{"D001": 213, "Q008": 240},
		spots: []string{
			`0:484-0:499 Q008 messages[2].content starts or ends with whitespace`,
			`8:0-8:504 D001 duplicate of line 2`,
		}},
	// Same as the training set: 60 answers with a leading space, 35 rows repeated.
	{file: "genai-autograding__validation_set.jsonl", rows: 60,
		openai:  map[string]int{"D001": 35, "Q008": 60},
		generic: map[string]int{"D001": 35, "Q008": 60}},
	// LLaMA-Factory "v1" rows: 221 text parts carry "value" (C007, fixable), 50 rows give tools as a JSON string (C007), 42 tool results lack tool_call_id (C013); with openai also 112 "reasoning" and 68 "tool_call" parts, which OpenAI has no part type for (C007); 3 rows share all user turns with an earlier row but answer differently (D003); 25 of 50 answers open with the reasoning "Okay, the user wants" (Q005).
	{file: "llamafactory__reason_tool_use_demo_50.jsonl", rows: 50,
		openai:  map[string]int{"C007": 451, "C013": 42, "D003": 3, "Q005": 1},
		generic: map[string]int{"C007": 271, "C013": 42, "D003": 3, "Q005": 1},
		spots: []string{
			`0:71-0:287 C007 messages[0].content[0] carries its text in "value" (LLaMA-Factory); content parts use "text"`,
			`0:453-0:464 C007 messages[2].content[0] has type "reasoning", which OpenAI fine-tuning does not accept`,
		}},
	// 500 user/assistant rows, each part with "value" (1000 C007); with openai each message's loss_weight is flagged (1000 C008: 0.0 on user removed, 1.0 on assistant renamed to weight); 50 answers keep {{name}}/{{author}}, line 84's webinar invitation "[date and time]", line 114's sales call "[Salesperson’s Name]" and a "[Your Name]" sign-off (Q004; the "[insert date]" of line 412 answers a task asking for a template); "As an AI" answers and 3 "I am an AI and..."/"I'm an AI language model" hedges (Q003); one exact duplicate, 2 near ones (a third pair, sharing two thirds of its word 3-grams, was a MinHash false positive with FNV word hashes), one conflicting answer; 35 very short chats next to a median of 70 words (Q006); lines 207, 218 and 336 ask about a painting given as an image link and articles given as links (Q011); 4 rows give an earlier row's answer to a paraphrased prompt (Q014, off by default; 3 with D002's paraphrase test).
	{file: "llamafactory__v1_sft_demo.jsonl", rows: 500,
		openai:  map[string]int{"C007": 1000, "C008": 1000, "D001": 1, "D002": 2, "D003": 1, "Q003": 13, "Q004": 53, "Q006": 21, "Q011": 3},
		generic: map[string]int{"C007": 1000, "D001": 1, "D002": 2, "D003": 1, "Q003": 13, "Q004": 53, "Q006": 21, "Q011": 3}},
	// ShareGPT with function_call/observation turns: for OpenAI every row needs converting (one C016 for the whole file) and carries tools as a string (C007); the generic target accepts LLaMA-Factory's format; 35 exact duplicates, 11 near, 29 same questions with other answers (function_call turns count as prompt), "As an AI," refusals (Q003), 36 conversations over 8x the median length (Q006); the "[your answer here]" of line 7794 is inside inline code giving the answer's format, no placeholder (Q004 silent); 3 answers repeated under reworded prompts (Q014, off by default; 1 with D002's paraphrase test).
	{file: "llamafactory__glaive_toolcall_en_demo.json", rows: 300,
		openai:  map[string]int{"C007": 300, "C016": 1, "D001": 35, "D002": 11, "D003": 29, "Q003": 17, "Q006": 36},
		generic: map[string]int{"D001": 35, "D002": 11, "D003": 29, "Q003": 17, "Q006": 36},
		// C016 offers no conversion: ShareGPT rows with tools cannot be
		// converted without guessing.
		spots: []string{`36:13-36:327 C007 "tools" is a JSON-encoded string; chat rows carry the tool definitions as a list`}},
	// Alpaca in a JSON array: every row must be converted for OpenAI (C016, fixable); 587 empty "input" fields are allowed; 14 exact duplicates; "As an AI" answers and 5 "I am an AI and..."/"I'm an AI language model" hedges (Q003); 2 "[Your Name]" letter sign-offs, at info, and the fields of line 167's invitation ("[date and time]"), line 317's sales call ("[Salesperson’s Name]"), line 2322's donation email ("[Recipient]") and line 2942's request for a raise ("[X amount of time]") (Q004; line 1802's "[insert date]" answers "Generate an appropriate template"); 8 one-line answers far below the median (Q006); 6 inputs that stand for none, "No input."/"noinput"/"NoInput" (Q009, fix empties them); line 3810's answer opens with the template header "### Output:" (Q010); a painting given as an image link and 5 articles or pages given only as links (Q011).
	{file: "llamafactory__alpaca_en_demo.json", rows: 999,
		openai:  map[string]int{"C016": 1, "D001": 14, "Q003": 27, "Q004": 6, "Q006": 13, "Q009": 6, "Q010": 1, "Q011": 6},
		generic: map[string]int{"D001": 14, "Q003": 27, "Q004": 6, "Q006": 13, "Q009": 6, "Q010": 1, "Q011": 6},
		spots: []string{
			`316:2-320:3 Q004 assistant text contains the placeholder "[Salesperson’s Name]"`,
			`183:13-183:24 Q009 "input" is "No input.", a placeholder the model would learn as real input`,
			`4893:13-4893:22 Q009 "input" is "NoInput", a placeholder the model would learn as real input`,
			`3809:14-3809:75 Q010 "output" contains "### Output:", a prompt-template marker from another example`,
			`777:19-777:74 Q011 "instruction" refers to "following painting", which the row does not hold: the model learns to invent it`,
			`3258:13-3258:60 Q011 "input" refers to content at the link https://www.bbc.com/news/uk-politics-51010449, which the row does not hold: the model learns to invent it`,
		}},
	// Alpaca identity prompts: 85 of 91 answers are templates with {{name}}/{{author}} (Q004; the 6 others are Chinese answers without them); near-duplicate phrasings (D002, D003); 4 identity answers repeated under other questions (Q014 paraphrases: why it is off by default); conversion for OpenAI.
	{file: "llamafactory__identity.json", rows: 91,
		openai:  map[string]int{"C016": 1, "D002": 3, "D003": 2, "Q003": 1, "Q004": 85},
		generic: map[string]int{"D002": 3, "D003": 2, "Q003": 1, "Q004": 85}},
	// FastChat dummy ShareGPT (human/gpt) with an "id": generated variations of the same few questions, so 383 near-duplicates, 346 same questions with other answers, and a third of the answers open with "Hello! How can I" (Q005); conversion for OpenAI.
	// The "I'm a language model" identity answers are left to Q005, not Q003; 460 rows give an earlier row's answer to a paraphrased question (Q014, off by default; 72 left by D002's paraphrase test).
	{file: "fastchat__dummy_conversation.json", rows: 500,
		openai:  map[string]int{"C016": 1, "D002": 383, "D003": 346, "Q005": 1},
		generic: map[string]int{"D002": 383, "D003": 346, "Q005": 1}},
	// WikiSQL as plain {"text"} rows: not a chat format, so OpenAI cannot take it and there is nothing to convert (C016 without fix); generic trainers (mlx-lm) accept text, and text rows have no turns to compare.
	{file: "mlx-examples__lora-train.jsonl", rows: 1000,
		openai:  map[string]int{"C016": 1},
		generic: map[string]int{}},
	{file: "mlx-examples__lora-valid.jsonl", rows: 100,
		openai:  map[string]int{"C016": 1},
		generic: map[string]int{}},
	// prompt/completion rows: converted for OpenAI (C016, fixable); the same questions recur with several completions (1288 D003 notes), 437 rows are exact copies and 201 near ones.
	// Three completions hedge "as of my last update" (Q003, lines 1297, 1298 and 1622); 113 paraphrased questions share an answer (Q014, off by default; 33 left by D002's paraphrase test).
	{file: "mlx-examples__wwdc25-train.jsonl", rows: 1800,
		openai:  map[string]int{"C016": 1, "D001": 437, "D002": 201, "D003": 1288, "Q003": 3},
		generic: map[string]int{"D001": 437, "D002": 201, "D003": 1288, "Q003": 3}},
	{file: "mlx-examples__wwdc25-valid.jsonl", rows: 144,
		openai:  map[string]int{"C016": 1, "D001": 21, "D003": 84},
		generic: map[string]int{"D001": 21, "D003": 84}},
}

func datasetSettings(target diagnostics.Target) *diagnostics.Settings {
	s := diagnostics.DefaultSettings()
	s.Target = target
	return s
}

func countByCode(ds []diagnostics.Diagnostic) map[string]int {
	m := map[string]int{}
	for _, d := range ds {
		m[d.Code]++
	}
	return m
}

// formatCounts writes counts as a Go map literal, ready to paste into the
// table when an expectation changes for a good reason.
func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k, n := range m {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("map[string]int{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %d", k, m[k])
	}
	b.WriteString("}")
	return b.String()
}

func diagLine(d diagnostics.Diagnostic) string {
	r := d.Range
	return fmt.Sprintf("%d:%d-%d:%d %s %s", r.Start.Line, r.Start.Character, r.End.Line, r.End.Character, d.Code, d.Message)
}

// needDatasets skips a test when the datasets are absent, except in CI
// (CI=true), where their absence is a failure: a CI that silently skips
// them tests nothing. `make unit` says when they are skipped.
func needDatasets(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(datasetsDir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and no datasets at %s: %v", datasetsDir, err)
		}
		t.Skipf("no datasets at %s: %v", datasetsDir, err)
	}
}

// TestDatasetsCovered makes sure a dataset added to the folder gets an
// expectation here.
func TestDatasetsCovered(t *testing.T) {
	needDatasets(t)
	known := map[string]bool{}
	for _, c := range datasetCases {
		known[c.file] = true
	}
	entries, err := os.ReadDir(datasetsDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if ext := filepath.Ext(e.Name()); (ext == ".jsonl" || ext == ".json") && !known[e.Name()] {
			t.Errorf("%s has no expectation in datasetCases", e.Name())
		}
	}
}

func TestDatasets(t *testing.T) {
	needDatasets(t)
	for _, c := range datasetCases {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(datasetsDir, c.file)
			if _, err := os.Stat(path); err != nil {
				needDatasets(t)
				t.Skipf("missing: %v", err)
			}
			for _, target := range []diagnostics.Target{diagnostics.TargetOpenAI, diagnostics.TargetGeneric} {
				want := c.openai
				if target == diagnostics.TargetGeneric {
					want = c.generic
				}
				res, err := engine.CheckFile(context.Background(), path, engine.Options{Settings: datasetSettings(target)})
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Rows) != c.rows {
					t.Errorf("%s: %d rows, want %d", target, len(res.Rows), c.rows)
				}
				if got := formatCounts(countByCode(res.Diagnostics)); got != formatCounts(want) {
					t.Errorf("%s: diagnostics by code\n got: %s\nwant: %s", target, got, formatCounts(want))
				}
				if target != diagnostics.TargetOpenAI {
					continue
				}
				lines := map[string]bool{}
				for _, d := range res.Diagnostics {
					lines[diagLine(d)] = true
				}
				for _, s := range c.spots {
					if !lines[s] {
						t.Errorf("missing diagnostic %s", s)
					}
				}
			}
		})
	}
}

// TestDatasetsFix fixes a copy of every dataset and checks it again: no
// diagnostic may still offer a fix (a fix that does not remove its finding
// would be offered forever), FixFile without write must leave the file as it
// was, and the fixed file must keep every row.
func TestDatasetsFix(t *testing.T) {
	needDatasets(t)
	for _, c := range datasetCases {
		for _, target := range []diagnostics.Target{diagnostics.TargetOpenAI, diagnostics.TargetGeneric} {
			t.Run(c.file+"/"+string(target), func(t *testing.T) {
				orig, err := os.ReadFile(filepath.Join(datasetsDir, c.file))
				if err != nil {
					t.Skip(err)
				}
				path := filepath.Join(t.TempDir(), c.file)
				if err := os.WriteFile(path, orig, 0o644); err != nil {
					t.Fatal(err)
				}
				opts := engine.Options{Settings: datasetSettings(target)}
				before, err := engine.CheckFile(context.Background(), path, opts)
				if err != nil {
					t.Fatal(err)
				}

				dry, err := engine.FixFile(context.Background(), path, engine.Options{Settings: datasetSettings(target)}, false)
				if err != nil {
					t.Fatal(err)
				}
				if now, _ := os.ReadFile(path); !bytes.Equal(now, orig) {
					t.Fatal("FixFile with write=false changed the file")
				}
				res, err := engine.FixFile(context.Background(), path, engine.Options{Settings: datasetSettings(target)}, true)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Changes) != len(dry.Changes) {
					t.Errorf("dry run announced %d changes, the real run made %d", len(dry.Changes), len(res.Changes))
				}
				after, err := engine.CheckFile(context.Background(), path, engine.Options{Settings: datasetSettings(target)})
				if err != nil {
					t.Fatal(err)
				}
				left := map[string]int{}
				for _, d := range after.Diagnostics {
					if d.Fix != nil {
						left[d.Code+":"+d.Fix.Title]++
					}
				}
				if got, want := formatCounts(left), formatCounts(c.fixLeft[string(target)]); got != want {
					t.Errorf("fixes still offered after FixFile\n got: %s\nwant: %s", got, want)
				}
				// Fixes join, convert and trim rows; they delete only blank
				// lines and exact duplicates, and every other row survives.
				deleted := 0
				for _, d := range before.Diagnostics {
					if d.Fix != nil && (d.Code == "J003" || d.Code == "D001") {
						deleted++
					}
				}
				deleted -= left["D001:Delete this duplicate"]
				if len(after.Rows) != len(before.Rows)-deleted {
					t.Errorf("%d rows after fixing, want %d (%d before, %d deleted)", len(after.Rows), len(before.Rows)-deleted, len(before.Rows), deleted)
				}
				// Fixing twice changes nothing more.
				again, err := engine.FixFile(context.Background(), path, engine.Options{Settings: datasetSettings(target)}, false)
				if err != nil {
					t.Fatal(err)
				}
				if len(again.Edits) != 0 && len(c.fixLeft[string(target)]) == 0 {
					t.Errorf("a second fix would still edit %d rows, e.g. line %d", len(again.Edits), again.Edits[0].Line+1)
				}
			})
		}
	}
}
