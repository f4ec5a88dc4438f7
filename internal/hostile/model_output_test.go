package hostile

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// An endpoint that answers a chat completion with an endless body (2 GB
// and more, no Content-Length) fails the request with a clear reason
// instead of filling memory.
func TestHugeResponseBodyIsRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	chunk := []byte(strings.Repeat("a", 1<<20))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"x","choices":[{"message":{"role":"assistant","content":"`))
		for range 2048 { // 2 GB
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})}
	go srv.Serve(l)
	defer srv.Close()
	dir := t.TempDir()
	p := shopPlan(t) + "output:\n  train: training_data.jsonl\n"
	p = strings.Replace(p, "  max_retries: 3\n", "  max_retries: 0\n", 1)
	os.WriteFile(filepath.Join(dir, "shop.plan.yaml"), []byte(p), 0o644)
	r := runFTLS(t, runOpts{dir: dir, timeout: 2 * time.Minute, env: map[string]string{
		"OPENAI_BASE_URL": "http://" + l.Addr().String() + "/v1", "OPENAI_API_KEY": fakeKey}},
		"generate", "--count", "10", "--concurrency", "1")
	t.Logf("%s", r)
	if r.killed {
		t.Fatal("hung")
	}
	if r.rssMB > 600 {
		t.Errorf("peak RSS %.0f MiB", r.rssMB)
	}
	if !strings.Contains(r.stderr.String()+r.stdout.String(), "larger than ftls accepts") {
		t.Errorf("no clear reason")
	}
}
