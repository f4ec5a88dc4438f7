package hostile

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/internal/testbin"
)

// ftlsBin is the ftls binary under test, built once by TestMain (or given
// in FTLS_TEST_BINARY, to test a build made elsewhere).
var ftlsBin string

func TestMain(m *testing.M) { testbin.Main(m, &ftlsBin) }

// result is one finished run of the binary.
type result struct {
	code           int
	stdout, stderr *capBuffer
	// rssMB is the child's peak resident set size (ru_maxrss) in MiB.
	rssMB   float64
	elapsed time.Duration
	// killed is set when the hang guard (the context) ended the run.
	killed bool
}

func (r *result) String() string {
	return fmt.Sprintf("exit %d after %v, peak RSS %.0f MiB\nstdout (%d bytes):\n%s\nstderr (%d bytes):\n%s",
		r.code, r.elapsed.Round(time.Millisecond), r.rssMB, r.stdout.total, r.stdout, r.stderr.total, r.stderr)
}

// runOpts configure runFTLS.
type runOpts struct {
	dir     string            // working directory
	env     map[string]string // added to a minimal environment
	stdin   io.Reader
	timeout time.Duration // hang guard; 30 s when zero
}

// baseEnv is a minimal environment: no OPENAI_* or other settings of the
// machine running the tests leak into the child.
func baseEnv(home string, extra map[string]string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C.UTF-8", "TMPDIR=" + os.TempDir()}
	for k, v := range extra {
		env = append(env, k+"="+v)
	}
	return env
}

// runFTLS runs the binary to completion, or kills it when the timeout
// passes (a hang), and returns its exit code, output and peak memory.
func runFTLS(t testing.TB, o runOpts, args ...string) *result {
	t.Helper()
	if o.timeout == 0 {
		o.timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, ftlsBin, args...)
	cmd.Dir = o.dir
	cmd.Env = baseEnv(o.dir, o.env)
	cmd.Stdin = o.stdin
	r := &result{stdout: newCapBuffer(), stderr: newCapBuffer()}
	cmd.Stdout, cmd.Stderr = r.stdout, r.stderr
	cmd.WaitDelay = 2 * time.Second
	start := time.Now()
	err := cmd.Run()
	r.elapsed = time.Since(start)
	r.killed = ctx.Err() != nil
	if cmd.ProcessState == nil {
		t.Fatalf("ftls %s: %v", strings.Join(args, " "), err)
	}
	r.code = cmd.ProcessState.ExitCode()
	r.rssMB = maxRSS(cmd.ProcessState)
	return r
}

// maxRSS returns a finished process's peak resident set size in MiB
// (Linux reports ru_maxrss in KiB).
func maxRSS(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024
	}
	return 0
}

// capBuffer keeps the first 256 KiB and the last 64 KiB of a stream and
// counts the rest, so that a run printing a million findings does not
// fill the test's memory.
type capBuffer struct {
	mu    sync.Mutex
	head  []byte
	tail  []byte
	total int64
}

const capHead, capTail = 256 << 10, 64 << 10

func newCapBuffer() *capBuffer { return &capBuffer{} }

func (c *capBuffer) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total += int64(len(p))
	q := p
	if room := capHead - len(c.head); room > 0 {
		n := min(room, len(q))
		c.head = append(c.head, q[:n]...)
		q = q[n:]
	}
	if len(q) > 0 {
		c.tail = append(c.tail, q...)
		if len(c.tail) > 2*capTail {
			c.tail = append(c.tail[:0], c.tail[len(c.tail)-capTail:]...)
		}
	}
	return len(p), nil
}

// String returns what was kept: the head, and the tail after a marker
// when bytes were dropped between them.
func (c *capBuffer) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.tail) == 0 {
		return string(c.head)
	}
	tail := c.tail
	if len(tail) > capTail {
		tail = tail[len(tail)-capTail:]
	}
	if int64(len(c.head)+len(tail)) < c.total {
		return string(c.head) + "\n…\n" + string(tail)
	}
	return string(c.head) + string(tail)
}

// writeFile writes a file with a streaming generator, so that a 100 MB
// input is never held in the test's memory.
func writeFile(t testing.TB, path string, gen func(w *bufio.Writer)) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	gen(w)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// fixed returns a generator writing s.
func fixed(s string) func(*bufio.Writer) {
	return func(w *bufio.Writer) { w.WriteString(s) }
}

// repeat writes s n times.
func repeat(w *bufio.Writer, s string, n int) {
	for range n {
		w.WriteString(s)
	}
}

// validRow is a small valid chat row.
const validRow = `{"messages":[{"role":"user","content":"Where is my parcel?"},{"role":"assistant","content":"It ships tomorrow."}]}`

// readFile reads a file or fails.
func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// copyFixture copies files of the repository (paths relative to its root)
// into dir under their base names.
func copyFixture(t testing.TB, dir string, paths ...string) {
	t.Helper()
	for _, p := range paths {
		data := readFile(t, filepath.Join("..", "..", filepath.FromSlash(p)))
		if err := os.WriteFile(filepath.Join(dir, filepath.Base(p)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// leftovers lists the temporary files ftls's atomic writes leave in dir
// (".NAME.ftls-*").
func leftovers(t testing.TB, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".ftls-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// jsonlRows splits a JSON Lines file into its rows (without terminators),
// ignoring a final terminator.
func jsonlRows(data []byte) [][]byte {
	data = bytes.TrimSuffix(data, []byte("\n"))
	if len(data) == 0 {
		return nil
	}
	return bytes.Split(data, []byte("\n"))
}
