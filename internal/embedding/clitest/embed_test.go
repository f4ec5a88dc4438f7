package clitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ftls-dev/ftls/generator/fakeopenai"
	"github.com/ftls-dev/ftls/internal/testbin"
)

var bin string

func TestMain(m *testing.M) { testbin.Main(m, &bin) }

const planText = `task:
  type: customer-support
  description: Answer questions about orders.
embeddings:
  model: fake-embed
  threshold: 0.9
  batch_size: 8
output:
  train: data.jsonl
`

// paraphrase rewords a text the way a generator asked for variety does:
// the same content words in another order, so that the bag of words is the
// same and the word 3-grams are not.
func paraphrase(text string) string {
	w := strings.Fields(strings.Trim(text, "?."))
	slices.Reverse(w)
	return strings.Join(w, " ")
}

// dataset returns 40 unrelated conversations, then paraphrases of rows 3,
// 10 and 25 and an exact copy of row 7: the file's lines 41-43 say the
// same as lines 4, 11 and 26 in other words, and line 44 repeats line 8.
func dataset() ([][]fakeopenai.Message, map[int]int) {
	convs := fakeopenai.Conversations(40, 5)
	want := map[int]int{}
	for _, i := range []int{3, 10, 25} {
		c := convs[i]
		convs = append(convs, []fakeopenai.Message{
			{Role: "user", Content: paraphrase(c[0].Content)},
			{Role: "assistant", Content: paraphrase(c[1].Content)},
		})
		want[len(convs)] = i + 1
	}
	convs = append(convs, convs[7])
	return convs, want
}

type run struct {
	stdout, stderr string
	code           int
}

func ftls(t *testing.T, dir string, env []string, args ...string) run {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append([]string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "NO_COLOR=1"}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return run{out.String(), errb.String(), code}
}

// semantic returns the D005 findings of `ftls check` as "line->related
// line", and the file-level D005 notes.
func semantic(t *testing.T, dir string) (pairs map[int]int, notes []string) {
	t.Helper()
	r := ftls(t, dir, nil, "check", "--format", "json", "data.jsonl")
	var rep struct {
		Diagnostics []struct {
			Line    int    `json:"line"`
			Code    string `json:"code"`
			Message string `json:"message"`
			Related []struct {
				Line int `json:"line"`
			} `json:"related"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatalf("ftls check: %v\n%s%s", err, r.stdout, r.stderr)
	}
	pairs = map[int]int{}
	for _, d := range rep.Diagnostics {
		switch {
		case d.Code != "D005":
		case len(d.Related) > 0:
			pairs[d.Line] = d.Related[0].Line
		default:
			notes = append(notes, d.Message)
		}
	}
	return pairs, notes
}

// setup starts the fake provider and writes the plan and the dataset of
// dataset() in a new folder; it returns the folder, the environment that
// names the provider, the conversations and the expected pairs.
func setup(t *testing.T, key string) (*fakeopenai.Server, string, []string, [][]fakeopenai.Message, map[int]int) {
	t.Helper()
	srv := fakeopenai.New(nil)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	convs, want := dataset()
	write(t, filepath.Join(dir, "data.jsonl"), fakeopenai.Lines(convs))
	write(t, filepath.Join(dir, "shop.plan.yaml"), planText)
	return srv, dir, []string{"OPENAI_BASE_URL=" + srv.URL, "OPENAI_API_KEY=" + key}, convs, want
}

func TestEmbedThenCheck(t *testing.T) {
	srv, dir, env, convs, want := setup(t, "sk-embed-secret-42")

	// Before any run, the check says what to do, and calls nothing.
	if pairs, notes := semantic(t, dir); len(pairs) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "no embeddings yet") {
		t.Errorf("before embedding: pairs %v, notes %q", pairs, notes)
	}
	r := ftls(t, dir, env, "embed", "--dry-run", "data.jsonl")
	if r.code != 0 || !strings.Contains(r.stdout, "86 of 86 texts have no vector; 11 requests") || len(srv.Requests()) != 0 {
		t.Fatalf("dry run (exit %d, %d requests):\n%s%s", r.code, len(srv.Requests()), r.stdout, r.stderr)
	}

	r = ftls(t, dir, env, "embed", "data.jsonl")
	if r.code != 0 || !strings.Contains(r.stdout, "embedded 86 of 86 texts") {
		t.Fatalf("ftls embed (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	first := len(srv.Requests())
	if first != 11 {
		t.Errorf("%d requests for 86 texts in batches of 8, want 11", first)
	}
	if strings.Contains(r.stdout+r.stderr, "sk-embed-secret-42") {
		t.Error("the API key was printed")
	}
	sidecar, _ := os.ReadFile(filepath.Join(dir, "data.jsonl.ftls-embeddings"))
	if !bytes.HasPrefix(sidecar, []byte("# ftls embeddings 1\n")) || bytes.Contains(sidecar, []byte("sk-embed")) {
		t.Fatalf("sidecar:\n%.300s", sidecar)
	}

	// The check reports exactly the paraphrases, not the exact copy (D001),
	// and sends nothing.
	pairs, notes := semantic(t, dir)
	if fmt.Sprint(pairs) != fmt.Sprint(want) || len(notes) != 0 {
		t.Errorf("D005 pairs %v, want %v; notes %q", pairs, want, notes)
	}
	if n := len(srv.Requests()); n != first {
		t.Errorf("ftls check sent %d requests", n-first)
	}

	// A second run on the unchanged file sends nothing.
	r = ftls(t, dir, env, "embed", "data.jsonl")
	if n := len(srv.Requests()); n != first || !strings.Contains(r.stdout, "nothing sent") {
		t.Errorf("second run sent %d requests:\n%s%s", n-first, r.stdout, r.stderr)
	}

	// Editing one row's question sends exactly one request, with that text.
	edited := slices.Clone(convs)
	edited[12] = []fakeopenai.Message{{Role: "user", Content: "Where is my parcel today?"}, convs[12][1]}
	write(t, filepath.Join(dir, "data.jsonl"), fakeopenai.Lines(edited))
	if _, notes := semantic(t, dir); len(notes) != 1 || !strings.Contains(notes[0], "1 row changed") {
		t.Errorf("after the edit, notes %q", notes)
	}
	r = ftls(t, dir, env, "embed", "data.jsonl")
	reqs := srv.Requests()
	if len(reqs) != first+1 || !slices.Equal(reqs[first].Inputs(), []string{"Where is my parcel today?"}) {
		t.Fatalf("the edit sent %d requests (inputs of the first: %q):\n%s%s", len(reqs)-first, reqs[min(first, len(reqs)-1)].Inputs(), r.stdout, r.stderr)
	}
	if pairs, notes := semantic(t, dir); fmt.Sprint(pairs) != fmt.Sprint(want) || len(notes) != 0 {
		t.Errorf("after re-embedding: pairs %v, notes %q", pairs, notes)
	}
}

func TestDamagedSidecar(t *testing.T) {
	srv, dir, env, _, want := setup(t, "sk-x")
	if r := ftls(t, dir, env, "embed", "data.jsonl"); r.code != 0 {
		t.Fatalf("ftls embed: %s%s", r.stdout, r.stderr)
	}
	path := filepath.Join(dir, "data.jsonl.ftls-embeddings")
	data, _ := os.ReadFile(path)
	lines := strings.Split(string(data), "\n")
	lines[6] = lines[6][:30] // a vector cut short
	lines[9] = "garbage"
	write(t, path, strings.Join(lines, "\n"))

	r := ftls(t, dir, nil, "check", "data.jsonl")
	if r.code == 2 || !strings.Contains(r.stdout, "D005") || !strings.Contains(r.stdout, "is damaged, line 7") {
		t.Errorf("check of a damaged sidecar (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	before := len(srv.Requests())
	r = ftls(t, dir, env, "embed", "data.jsonl")
	if r.code != 0 || !strings.Contains(r.stderr, "data.jsonl.ftls-embeddings:7:") || !strings.Contains(r.stdout, "embedded 2 of 2 texts") {
		t.Errorf("embed over a damaged sidecar (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := len(srv.Requests()) - before; n != 1 {
		t.Errorf("%d requests to mend two lines", n)
	}
	if pairs, notes := semantic(t, dir); fmt.Sprint(pairs) != fmt.Sprint(want) || len(notes) != 0 {
		t.Errorf("after mending: pairs %v, notes %q", pairs, notes)
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A sidecar that is not one at all (binary garbage, a folder) is reported
// by the check and replaced by `ftls embed`; nothing crashes.
func TestForeignSidecar(t *testing.T) {
	for _, tc := range []struct {
		name, note string
		make       func(path string) error
	}{
		{"garbage", "not an ftls embeddings file", func(p string) error { return os.WriteFile(p, []byte("\x00\xff\x13garbage\n\n\x00"), 0o644) }},
		{"folder", "cannot be read", func(p string) error { return os.Mkdir(p, 0o755) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, dir, env, _, want := setup(t, "sk-x")
			if err := tc.make(filepath.Join(dir, "data.jsonl.ftls-embeddings")); err != nil {
				t.Fatal(err)
			}
			if _, notes := semantic(t, dir); len(notes) != 1 || !strings.Contains(notes[0], tc.note) {
				t.Errorf("notes %q, want one saying %q", notes, tc.note)
			}
			r := ftls(t, dir, env, "embed", "data.jsonl")
			if tc.name == "folder" {
				if r.code != 2 || !strings.Contains(r.stderr, "ftls-embeddings") {
					t.Errorf("embed over a folder (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
				}
				return
			}
			if r.code != 0 {
				t.Fatalf("embed (exit %d):\n%s%s", r.code, r.stdout, r.stderr)
			}
			if pairs, notes := semantic(t, dir); fmt.Sprint(pairs) != fmt.Sprint(want) || len(notes) != 0 {
				t.Errorf("after embed: pairs %v, notes %q", pairs, notes)
			}
		})
	}
}
