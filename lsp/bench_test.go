package lsp

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftls-dev/ftls/diagnostics"
	"github.com/ftls-dev/ftls/internal/engine"
	"github.com/ftls-dev/ftls/lsp/protocol"
)

// BenchmarkEditLatency drives `ftls serve` over its stdio pipes with a
// generated chat dataset (100k rows of about 2.3 KB by default; set
// FTLS_BENCH_ROWS to change it) and reports:
//
//   - open-first-ms: didOpen sent → first publishDiagnostics (rows checked,
//     file rules pending)
//   - open-full-ms: didOpen sent → diagnostics with every file rule
//   - edit-p50-ms, edit-p99-ms: a one-character didChange sent → the
//     publishDiagnostics of that version (default debounce included)
//   - hover-p50-ms, hover-p99-ms: hover round trip on a random row
//   - rss-mb, file-mb: the server's resident memory after the edits, and
//     the document's size
//
// The server is started once per process; every b.N round edits the same
// open document.
func BenchmarkEditLatency(b *testing.B) {
	bs := benchServer(b)
	d := bs.doc
	c := bs.c
	rnd := rand.New(rand.NewPCG(uint64(b.N), 1))
	var edits, hovers, serverEdits []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ln := 1 + rnd.IntN(bs.rows-2)
		at := protocol.Position{Line: ln, Character: 45} // inside the system prompt
		start := time.Now()
		d.editRemote(protocol.Range{Start: at, End: at}, "a")
		v := d.version
		c.waitFor("diagnostics of the edit", func() bool { _, ok := c.received[d.uri][v]; return ok })
		c.mu.Lock()
		edits = append(edits, c.received[d.uri][v].Sub(start))
		c.mu.Unlock()
		c.waitFor("ftls/checked of the edit", func() bool { _, ok := c.firstMs[d.uri][v]; return ok })
		c.mu.Lock()
		serverEdits = append(serverEdits, time.Duration(c.firstMs[d.uri][v]*float64(time.Millisecond)))
		c.mu.Unlock()

		hl := rnd.IntN(bs.rows-2) + 1
		hs := time.Now()
		if h := d.hover(hl, 10); !strings.Contains(h, "<|im_start|>") {
			b.Fatalf("hover on line %d: %q", hl, h)
		}
		hovers = append(hovers, time.Since(hs))
	}
	b.StopTimer()
	b.ReportMetric(ms(bs.openFirst), "open-first-ms")
	b.ReportMetric(ms(bs.openFull), "open-full-ms")
	b.ReportMetric(ms(percentile(edits, 0.5)), "edit-p50-ms")
	b.ReportMetric(ms(percentile(edits, 0.99)), "edit-p99-ms")
	b.ReportMetric(ms(percentile(serverEdits, 0.99)), "edit-server-p99-ms")
	b.ReportMetric(ms(bs.sent), "open-send-ms")
	b.ReportMetric(bs.serverFirst, "open-first-server-ms")
	b.ReportMetric(bs.serverFull, "open-full-server-ms")
	b.ReportMetric(ms(percentile(hovers, 0.5)), "hover-p50-ms")
	b.ReportMetric(ms(percentile(hovers, 0.99)), "hover-p99-ms")
	b.ReportMetric(float64(rssKB(c.cmd.Process.Pid))/1024, "rss-mb")
	b.ReportMetric(float64(bs.size)/(1<<20), "file-mb")
	b.ReportMetric(0, "ns/op")
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(p*float64(len(s))))]
}

// rssKB reads a process's resident memory (VmRSS) from /proc.
func rssKB(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			n, _ := strconv.Atoi(f[1])
			return n
		}
	}
	return 0
}

type benchState struct {
	c                   *client
	doc                 *doc
	rows                int
	size                int
	openFirst, openFull time.Duration
	serverFirst         float64
	serverFull          float64
	sent                time.Duration // encoding and writing didOpen
}

var (
	benchOnce  sync.Once
	benchSetup *benchState
)

// benchServer starts the server and opens the generated dataset once.
func benchServer(b *testing.B) *benchState {
	benchOnce.Do(func() {
		rows := 100_000
		if n, err := strconv.Atoi(os.Getenv("FTLS_BENCH_ROWS")); err == nil && n > 0 {
			rows = n
		}
		text := genDataset(rows)
		// The server outlives this benchmark run: clean up at process end
		// through a testing.TB that is never marked done.
		var args []string
		if log := os.Getenv("FTLS_BENCH_LOG"); log != "" {
			args = append(args, "--log", log)
		}
		c := startServer(&nopTB{TB: b}, args...)
		c.initialize(nil, false)
		uri := "file:///bench/train.jsonl"
		start := time.Now()
		d := c.open(uri, "jsonl", text)
		sent := time.Since(start)
		d.text = "" // the benchmark edits without a local copy
		c.waitFor("first diagnostics", func() bool { _, ok := c.received[uri][1]; return ok })
		first := c.received[uri][1].Sub(start)
		c.waitFull(uri, 1)
		full := c.fullAt[uri][1].Sub(start)
		benchSetup = &benchState{c: c, doc: d, rows: rows, size: len(text), openFirst: first, openFull: full,
			serverFirst: c.firstMs[uri][1], serverFull: c.fullMs[uri][1], sent: sent}
	})
	if benchSetup == nil {
		b.Fatal("benchmark setup failed")
	}
	benchSetup.c.t = b
	return benchSetup
}

// nopTB keeps the shared server alive across benchmark runs.
type nopTB struct{ testing.TB }

func (*nopTB) Cleanup(func()) {}

// genDataset writes rows chat examples of about 2.3 KB: a system prompt, a
// question of some 60 words and an answer of some 300, in 12 categories,
// with a few exact duplicates.
func genDataset(rows int) string {
	words := strings.Fields(`order parcel refund invoice address delivery warranty password account
		coupon subscription payment card bank transfer shipping tracking label return exchange size
		colour stock price discount voucher gift basket checkout login email phone support agent
		store branch opening hours holiday weekend monday friday morning evening late early week
		month year today tomorrow yesterday please thanks hello help question answer problem issue
		error broken missing damaged wrong right quick slow easy hard simple clear detailed short`)
	rnd := rand.New(rand.NewPCG(42, 7))
	sentence := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rnd.IntN(len(words))])
		}
		return b.String()
	}
	var b strings.Builder
	b.Grow(rows * 2400)
	var prev string
	for i := 0; i < rows; i++ {
		if i%997 == 5 && prev != "" {
			b.WriteString(prev) // an exact duplicate
			continue
		}
		row := fmt.Sprintf(`{"messages":[{"role":"system","content":"You are a helpful support assistant."},{"role":"user","content":"%s?"},{"role":"assistant","content":"%s."}],"metadata":{"category":"cat%d"}}`+"\n",
			sentence(60), sentence(300), i%12)
		prev = row
		b.WriteString(row)
	}
	return b.String()
}

// BenchmarkFileCheckAfterEdit measures the server's second phase after a
// one-character edit, in process: the edited line checked again, the rows'
// summaries gathered from the line cache, and the file rules
// run with the document's kept state, as worker.runFileRules does.
// FTLS_BENCH_ROWS sets the size (default 100,000 rows).
func BenchmarkFileCheckAfterEdit(b *testing.B) {
	rows := 100_000
	if n, err := strconv.Atoi(os.Getenv("FTLS_BENCH_ROWS")); err == nil && n > 0 {
		rows = n
	}
	s := diagnostics.DefaultSettings()
	snap := open("file:///bench/train.jsonl", "jsonl", 1, genDataset(rows))
	snap.path = "/bench/train.jsonl"
	if err := engine.CheckLines(context.Background(), snap.Doc, s, 0, snap.Len()); err != nil {
		b.Fatal(err)
	}
	var state engine.FileState
	state.CheckDoc(snap.path, snap.Doc, s)
	rnd := rand.New(rand.NewPCG(1, 2))
	version := int32(1)
	b.ResetTimer()
	for b.Loop() {
		version++
		at := protocol.Position{Line: 1 + rnd.IntN(rows-2), Character: 45} // inside the system prompt
		snap, _ = snap.change(version, []protocol.TextDocumentContentChangeEvent{{Range: &protocol.Range{Start: at, End: at}, Text: "a"}})
		snap.path = "/bench/train.jsonl"
		if err := engine.CheckLines(context.Background(), snap.Doc, s, 0, snap.Len()); err != nil {
			b.Fatal(err)
		}
		state.CheckDoc(snap.path, snap.Doc, s)
	}
}
